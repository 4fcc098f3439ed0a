// Builds the embeddable script: dist/tessera.js (classic <script>, sets window.Tessera) and dist/tessera.mjs (ESM).
import { build } from 'esbuild';

const common = { entryPoints: ['src/index.ts'], bundle: true, minify: true, target: 'es2019', legalComments: 'none', logLevel: 'info' };
await build({ ...common, format: 'iife', globalName: '__tessera', footer: { js: 'window.Tessera=__tessera.Tessera;' }, outfile: 'dist/tessera.js' });
await build({ ...common, format: 'esm', outfile: 'dist/tessera.mjs' });
