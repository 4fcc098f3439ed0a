// Worker-thread entry in plain JavaScript so it starts the same way under tsx, vitest or plain
// node: it registers tsx for this thread, then loads the TypeScript worker body.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
