// Gzipped JavaScript a browser downloads: the shell (index.html's entry and its module preloads), then
// the shell plus each first page a user lands on. Run after `npm run build`; exits 1 over the budget.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';

const BUDGET_KB = 400;
const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const assets = path.join(dist, 'assets');
if (!fs.existsSync(path.join(dist, 'index.html'))) {
  console.error('No build found: run `npm run build -w @tessera/backoffice` first.');
  process.exit(2);
}

const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
const fromHtml = [...html.matchAll(/(?:src|href)="\/app\/assets\/([^"]+\.js)"/g)].map((m) => m[1]);
const gz = new Map();
const size = (f) => {
  if (!gz.has(f)) gz.set(f, zlib.gzipSync(fs.readFileSync(path.join(assets, f)), { level: 9 }).length);
  return gz.get(f);
};
// Static imports only (`import{…}from"./x.js"`, `import"./x.js"`); `import("./x.js")` loads later.
const staticImports = (f) => [...fs.readFileSync(path.join(assets, f), 'utf8').matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)].map((m) => m[1]);
const closure = (files) => {
  const seen = new Set();
  const walk = (f) => {
    if (seen.has(f)) return;
    seen.add(f);
    staticImports(f).forEach(walk);
  };
  files.forEach(walk);
  return seen;
};
const kb = (files) => [...files].reduce((a, f) => a + size(f), 0) / 1024;

const shell = closure(fromHtml);
const rows = [['shell (index.html entry + preloads)', kb(shell)]];
const chunks = fs.readdirSync(assets).filter((f) => f.endsWith('.js'));
for (const page of ['Login', 'Dashboard', 'Applicants', 'ApplicantProfile', 'KycLogs', 'Applications']) {
  const chunk = chunks.find((f) => f.startsWith(`${page}-`));
  if (chunk) rows.push([`shell + ${page}`, kb(closure([...shell, chunk]))]);
}
for (const [name, v] of rows) console.log(`${name.padEnd(40)} ${v.toFixed(1).padStart(7)} KB gzip`);
const initial = rows[0][1];
console.log(`initial JS ${initial.toFixed(1)} KB gzip (budget ${BUDGET_KB} KB)`);
if (initial > BUDGET_KB) process.exit(1);
