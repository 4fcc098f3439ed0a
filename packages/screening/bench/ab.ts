/**
 * A/B harness for engine changes on a shared, noisy machine: `node --import tsx bench/ab.ts <other src dir>`.
 * Loads this package's engine and another copy (e.g. a checkout of the previous commit) into the same
 * process, builds both indexes, then runs the batch queries in alternating chunks so both see the
 * same machine load; reports CPU per engine and checks that the results are identical.
 * An A/A run (the same code on both sides) shows a bias of a few percent against the engine built
 * second ('this'): compare differences against that, not against zero.
 */
import { resolve } from 'node:path';
import { buildIndex } from '../src/search-index.ts';
import { cpuMs as cpu, evalRows, loadEntities, pct, requireSharedData, toQuery } from './data.ts';

requireSharedData('A/B harness');
const other = resolve(process.argv[2] ?? '../../.base/packages/screening/src');
const { treated, negatives, untreated } = evalRows();
const batch = [...treated.slice(0, 500), ...negatives, ...treated, ...untreated].map(toQuery).slice(0, Number(process.env.N ?? 1e9));
const entities = await loadEntities();
const otherMod = (await import(`${other}/search-index.ts`)) as typeof import('../src/search-index.ts');
const engines = [
  { name: 'other', index: otherMod.buildIndex(entities), cpu: 0, times: [] as number[] },
  { name: 'this', index: buildIndex(entities), cpu: 0, times: [] as number[] },
];
const CHUNK = 200;
let diff = 0;
for (let i = 0; i < batch.length; i += CHUNK) {
  const chunk = batch.slice(i, i + CHUNK);
  const order = (i / CHUNK) % 2 ? [1, 0] : [0, 1];
  const out: string[][] = [[], []];
  for (const e of order) {
    const eng = engines[e];
    const c0 = cpu();
    for (const q of chunk) {
      const c = cpu();
      out[e].push(JSON.stringify(eng.index.search(q)));
      eng.times.push(cpu() - c);
    }
    eng.cpu += cpu() - c0;
  }
  for (let k = 0; k < chunk.length; k++) if (out[0][k] !== out[1][k]) diff++;
}
for (const e of engines) {
  const s = [...e.times].sort((a, b) => a - b);
  const lat = e.times.slice(0, 2000).sort((a, b) => a - b);
  console.log(`${e.name}: ${batch.length} queries ${Math.round(e.cpu)} ms CPU = ${Math.round(batch.length / (e.cpu / 1000))}/CPU-s; all p50 ${pct(s, 0.5).toFixed(3)} p99 ${pct(s, 0.99).toFixed(3)}; first 2000 p50 ${pct(lat, 0.5).toFixed(3)} p99 ${pct(lat, 0.99).toFixed(3)}`);
}
console.log(`results differing: ${diff}`);
