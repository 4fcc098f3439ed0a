/**
 * The real material every screening bench script reads: the lists in `$TESSERA_SHARED_DATA/sanctions`
 * and the labelled sets in `screening-eval` (default `<repo>/../shared/data`), and the query sets built
 * from them, so that the bench, the profile harnesses and the A/B harness measure the same queries.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { readLists, scanListsDir } from '../src/lists.ts';
import type { ScreeningQuery } from '../src/query.ts';
import type { Entity } from '../src/types.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const sharedDir = process.env.TESSERA_SHARED_DATA ?? resolve(repoRoot, '../shared/data');
export const listsDir = join(sharedDir, 'sanctions');
export const evalDir = join(sharedDir, 'screening-eval');

/** Exits 0 with a message when the shared data is absent (a user's clone has none). */
export function requireSharedData(what: string): void {
  if (existsSync(listsDir) && existsSync(evalDir)) return;
  console.log(`${what} skipped: ${listsDir} or ${evalDir} not found (set TESSERA_SHARED_DATA)`);
  process.exit(0);
}

export function csv(path: string): Record<string, string>[] {
  return parse(readFileSync(path), { columns: true, skip_empty_lines: true, relax_quotes: true });
}

export function jsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

/** A labelled row (full_name, date_of_birth, nationality, gender) as a screening query. */
export function toQuery(r: Record<string, string>): ScreeningQuery {
  const q: ScreeningQuery = { name: r.full_name };
  const dob = r.date_of_birth?.trim();
  if (dob) {
    const m = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(dob);
    if (m) q.birthDate = [m[1], m[2]?.padStart(2, '0'), m[3]?.padStart(2, '0')].filter(Boolean).join('-');
  }
  if (r.nationality?.trim()) q.countries = [r.nationality.trim()];
  if (r.gender === 'male' || r.gender === 'female') q.gender = r.gender;
  return q;
}

/** The UN positives (treated and untreated names) and the 50,000 US negatives. */
export function evalRows() {
  return {
    treated: csv(join(evalDir, 'cgb_positives_un_treated.csv')),
    untreated: csv(join(evalDir, 'cgb_positives_un_untreated.csv')),
    negatives: csv(join(evalDir, 'negatives/cgb_negatives_us.csv')),
  };
}

/** The bench's query sets: 2,000 for single-query latency, and every labelled row for batch throughput. */
export function querySets(rows = evalRows()) {
  return {
    latency: [...rows.treated.slice(0, 500), ...rows.negatives.slice(0, 1500)].map(toQuery),
    batch: [...rows.negatives, ...rows.treated, ...rows.untreated].map(toQuery),
  };
}

export async function loadEntities(): Promise<Entity[]> {
  const entities: Entity[] = [];
  for await (const e of readLists(scanListsDir(listsDir))) entities.push(e);
  return entities;
}

/** CPU time (user + system, all threads of this process) in ms: unlike wall time, not inflated by other processes. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** The value at quantile p of an ascending array. */
export function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}
