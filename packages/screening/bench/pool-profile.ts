/** Batch throughput of the worker pool, two rounds (cold, then warm): `W=2 node --import tsx bench/pool-profile.ts`. */
import { loadavg } from 'node:os';
import { ScreeningPool } from '../src/batch/pool.ts';
import { cpuMs as cpu, loadEntities, querySets, requireSharedData } from './data.ts';

requireSharedData('pool profile');
const { batch } = querySets();
const entities = await loadEntities();
const pool = await ScreeningPool.create({ entities, workers: Number(process.env.W ?? 2) });
for (let r = 0; r < 2; r++) {
  const elu0 = performance.eventLoopUtilization();
  const t = performance.now(); const c = cpu();
  const res = await pool.searchBatch(batch);
  const ms = performance.now() - t; const cm = cpu() - c;
  const elu = performance.eventLoopUtilization(elu0);
  console.log(`main thread active ${Math.round(elu.active)} ms of ${Math.round(ms)} ms`);
  console.log(`round ${r}: ${batch.length} in ${Math.round(ms)} ms wall = ${Math.round(batch.length / ms * 1000)} q/s; CPU ${Math.round(cm)} ms = ${Math.round(batch.length / cm * 1000)} per CPU-s; load ${loadavg()[0]}`);
}
await pool.close();
