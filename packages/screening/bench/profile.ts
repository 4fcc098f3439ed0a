/**
 * Single-thread profile harness: `node --expose-gc --import tsx bench/profile.ts [out.json]`.
 * Env: COLD=1 skips the latency part (batch on a cold index), BATCH_ROUNDS=n (0 = latency only),
 * SLOW=1 lists queries over 2 ms CPU, REWARM=1 re-runs the slowest 1% warm.
 * Builds the index from $TESSERA_SHARED_DATA/sanctions, runs the bench's latency queries (CPU time
 * per query) and every batch query on this thread (queries per CPU-second), and optionally writes a
 * digest of every result so that two versions of the engine can be compared for identical output.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { buildIndex } from '../src/search-index.ts';
import { cpuMs as cpu, loadEntities, pct, querySets, requireSharedData } from './data.ts';

requireSharedData('screening profile');
const { latency: latencyQueries, batch } = querySets();
const index = buildIndex(await loadEntities());
if (!process.env.COLD) for (const q of latencyQueries.slice(0, 300)) index.search(q);
const rounds = process.env.COLD ? 0 : Number(process.env.ROUNDS ?? 1);
const times: number[] = [];
if (process.env.MARK) console.log('MARK latency start');
const slow: Array<[number, string]> = [];
const spans: Array<[number, number]> = [];
for (let r = 0; r < rounds; r++) {
  for (const q of latencyQueries) {
    const c = cpu();
    const w0 = performance.now();
    index.search(q);
    const d = cpu() - c;
    if (r === 0) spans.push([d, performance.now() - w0]);
    times.push(d);
    if (r === 0 && d > 2) slow.push([+d.toFixed(2), q.name!]);
  }
}
if (process.env.MARK) console.log('MARK latency end');
times.sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
if (times.length) console.log(`latency CPU (${times.length}): p50 ${pct(times, 0.5).toFixed(3)} p90 ${pct(times, 0.9).toFixed(3)} p99 ${pct(times, 0.99).toFixed(3)} mean ${mean.toFixed(3)} ms; load ${loadavg()[0]}`);
if (process.env.REWARM && spans.length) {
  // The slowest 1% again, warm: what is left is the query's own cost, not first-time work. CPU time
  // well above wall time means other threads of the process (compiler, GC helpers) were busy.
  const cut = pct(times, 0.99);
  const slowQ = latencyQueries.map((q, i) => [q, spans[i]] as const).filter(([, sp]) => sp[0] >= cut);
  for (let r = 0; r < 3; r++) for (const [q] of slowQ) index.search(q);
  for (const [q, sp] of slowQ) {
    const c = cpu();
    index.search(q);
    console.log(`${q.name}: first ${sp[0].toFixed(2)} ms CPU / ${sp[1].toFixed(2)} ms wall, warm ${(cpu() - c).toFixed(2)} ms CPU`);
  }
}
if (process.env.SLOW) console.log(slow.sort((a, b) => b[0] - a[0]).slice(0, 30));
for (let round = 0; round < Number(process.env.BATCH_ROUNDS ?? 1); round++) {
const hash = createHash('sha256');
const digests: string[] = [];
const c0 = cpu();
for (const q of batch) {
  const r = index.search(q);
  const s = JSON.stringify(r);
  hash.update(s);
  if (process.argv[2]) digests.push(createHash('sha1').update(s).digest('hex').slice(0, 12));
}
const batchCpu = cpu() - c0;
console.log(`batch single thread: ${batch.length} queries, ${Math.round(batchCpu)} ms CPU = ${Math.round(batch.length / (batchCpu / 1000))} per CPU-second (incl. JSON digest); digest ${hash.digest('hex').slice(0, 16)}`);
if (process.argv[2] && round === 0) writeFileSync(process.argv[2], JSON.stringify(digests));
}
