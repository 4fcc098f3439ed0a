import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parse } from 'csv-parse/sync';
import { ScreeningPool } from '../src/batch/pool.ts';
import { readLists, scanListsDir } from '../src/lists.ts';
import type { Entity } from '../src/types.ts';
const ev = '/work/shared/data/screening-eval/';
const csv = (p: string): Record<string, string>[] => parse(readFileSync(ev + p), { columns: true, skip_empty_lines: true, relax_quotes: true });
const toQuery = (r: Record<string, string>) => {
  const q: any = { name: r.full_name };
  const dob = r.date_of_birth?.trim();
  if (dob) { const m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(dob); if (m) q.birthDate = [m[1], m[2]?.padStart(2, '0'), m[3]?.padStart(2, '0')].filter(Boolean).join('-'); }
  if (r.nationality?.trim()) q.countries = [r.nationality.trim()];
  if (r.gender === 'male' || r.gender === 'female') q.gender = r.gender;
  return q;
};
const batch = [...csv('negatives/cgb_negatives_us.csv'), ...csv('cgb_positives_un_treated.csv'), ...csv('cgb_positives_un_untreated.csv')].map(toQuery);
const entities: Entity[] = [];
for await (const e of readLists(scanListsDir('/work/shared/data/sanctions'))) entities.push(e);
const pool = await ScreeningPool.create({ entities, workers: Number(process.env.W ?? 2) });
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
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
