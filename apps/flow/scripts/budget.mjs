// Initial download of the flow: what index.html loads before the first screen (scripts, preloads,
// styles), gzipped. Lazily loaded chunks (liveness, questionnaire, the face model) are listed apart.
// Fails above the budget. Run after `npm run build`: npm run budget -w @tessera/flow
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const BUDGET = 250 * 1024;
const dist = path.resolve(import.meta.dirname, '../dist');
const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const initial = [...html.matchAll(/(?:src|href)="\/flow\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]);
const gz = (f) => zlib.gzipSync(fs.readFileSync(path.join(dist, f)), { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let total = 0;
for (const f of initial) {
  const n = gz(f);
  total += n;
  console.log(`initial  ${kb(n).padStart(9)}  ${f}`);
}
const lazy = fs.readdirSync(path.join(dist, 'assets')).map((f) => `assets/${f}`).filter((f) => !initial.includes(f) && /\.(js|css)$/.test(f));
for (const f of lazy) console.log(`lazy     ${kb(gz(f)).padStart(9)}  ${f}`);
const models = fs.readdirSync(path.join(dist, 'models'), { recursive: true }).filter((f) => fs.statSync(path.join(dist, 'models', f)).isFile());
const modelBytes = models.reduce((s, f) => s + fs.statSync(path.join(dist, 'models', f)).size, 0);
console.log(`models   ${kb(modelBytes).padStart(9)}  (${models.length} files in models/, fetched on the first face step)`);
console.log(`initial total ${kb(total)} gzip (budget ${kb(BUDGET)})`);
if (total > BUDGET) {
  console.error('over budget');
  process.exit(1);
}
