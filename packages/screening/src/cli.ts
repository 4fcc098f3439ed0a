import { buildProgram, stdio } from './commands.ts';
import { ScreeningError } from './errors.ts';

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof ScreeningError) {
    stdio.err(`error ${err.code}: ${err.message}`);
    process.exitCode = 2;
  } else throw err;
}
