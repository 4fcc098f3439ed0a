#!/usr/bin/env node
// The server and its engines are TypeScript run directly through tsx: no build step between a clone and `tessera`.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
