/**
 * Screening benchmark: `npm run bench -w @tessera/screening`.
 * Reads the real lists and labelled sets under $TESSERA_SHARED_DATA (default <repo>/../shared/data)
 * and writes bench-results/screening.json. Optional: BENCH_SYNTHETIC=<names> adds synthetic person
 * entities (recombined from real name words) to measure latency on a larger corpus.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScreeningPool, type BatchItem } from '../src/batch/pool.ts';
import { foldWords } from '../src/normalize/text.ts';
import type { ScreeningQuery, ScreeningResult } from '../src/query.ts';
import { buildIndex, type ScreeningIndex } from '../src/search-index.ts';
import type { Entity } from '../src/types.ts';
import { FuseSearch, JaroWinklerScan, type BaselineHit } from './baselines.ts';
import { cpuMs, evalDir, evalRows, jsonl, loadEntities, pct, querySets, requireSharedData, toQuery } from './data.ts';

const here = dirname(fileURLToPath(import.meta.url));
requireSharedData('screening bench');

const THRESHOLD = 70;
const out: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: availableParallelism(), loadAverageAtStart: loadavg()[0] };
const log = (s: string) => console.log(s);
const gc = (globalThis as { gc?: () => void }).gc;

function latency(times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { n: s.length, p50: +pct(s, 0.5).toFixed(3), p90: +pct(s, 0.9).toFixed(3), p99: +pct(s, 0.99).toFixed(3), mean: +mean.toFixed(3) };
}

function prf(tp: number, fp: number, fn: number) {
  const precision = tp + fp ? tp / (tp + fp) : 0;
  const recall = tp + fn ? tp / (tp + fn) : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision: +precision.toFixed(3), recall: +recall.toFixed(3), f1: +f1.toFixed(3), tp, fp, fn };
}

const foldKey = (s: string) =>
  foldWords(s)
    .map((w) => w.text)
    .sort()
    .join(' ');

// ---------------------------------------------------------------- lists and index
let t = performance.now();
const entities: Entity[] = await loadEntities();
const parseMs = performance.now() - t;
const counts: Record<string, number> = {};
for (const e of entities) counts[e.source] = (counts[e.source] ?? 0) + 1;

const synthetic = Number(process.env.BENCH_SYNTHETIC ?? 0);
if (synthetic > 0) {
  // Deterministic recombination of real given names and surnames into new person records.
  const given: string[] = [];
  const family: string[] = [];
  for (const e of entities) {
    if (e.schema !== 'person') continue;
    const words = e.names[0].full.replace(',', '').split(/\s+/).filter((w) => w.length > 2);
    if (words.length >= 2) {
      family.push(words[0]);
      given.push(words[words.length - 1]);
    }
  }
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < synthetic; i++) {
    const full = `${given[Math.floor(rnd() * given.length)]} ${given[Math.floor(rnd() * given.length)]} ${family[Math.floor(rnd() * family.length)]}`;
    entities.push({ id: `synthetic:${i}`, source: 'ftm', sourceId: String(i), schema: 'person', names: [{ full, kind: 'primary' }], birthDates: [{ date: String(1940 + Math.floor(rnd() * 60)) }] });
  }
}

gc?.();
const heapBefore = process.memoryUsage().heapUsed;
t = performance.now();
const index = buildIndex(entities);
const buildMs = performance.now() - t;
gc?.();
const heapAfter = process.memoryUsage().heapUsed;
out.corpus = { entities: index.size, names: index.nameCount, vocabulary: index.vocabularySize, bySource: counts, synthetic };
out.index = { parseMs: Math.round(parseMs), buildMs: Math.round(buildMs), heapMB: +((heapAfter - heapBefore) / 1e6).toFixed(1), rssMB: +(process.memoryUsage().rss / 1e6).toFixed(1) };
log(`corpus: ${index.size} entities, ${index.nameCount} names, ${index.vocabularySize} distinct words (${JSON.stringify(counts)}${synthetic ? `, +${synthetic} synthetic` : ''})`);
log(`index: parse ${Math.round(parseMs)} ms, build ${Math.round(buildMs)} ms, heap +${(out.index as { heapMB: number }).heapMB} MB${gc ? '' : ' (run with --expose-gc for exact heap)'}`);

// ---------------------------------------------------------------- eval sets
type Pair = { query: string; candidate: string; expected: boolean; schema?: string; baseline_logicv2_score?: number | null };
const devPairs = jsonl<Pair>(join(evalDir, 'name_pairs_dev.jsonl'));
const yentePairs = jsonl<Pair & { query_dob?: string }>(join(evalDir, 'yente_un_treated_vs_untreated.jsonl'));
const crossScript = jsonl<Pair>(join(evalDir, 'watchman_cross_script_pairs.jsonl'));
const rows = evalRows();
const { treated, untreated, negatives } = rows;
const queries = querySets(rows);

const schemaOf = (s?: string): ScreeningQuery['schema'] =>
  s === 'Person' ? 'person' : s === 'Company' || s === 'Organization' || s === 'LegalEntity' ? 'organization' : s === 'Vessel' ? 'vessel' : 'any';
const entitySchema = (s?: string): Entity['schema'] => {
  const q = schemaOf(s);
  return q === 'any' ? 'unknown' : q!;
};

// Expected UN entity of each positive row: the UN record carrying the untreated name.
const unByName = new Map<string, Set<string>>();
for (const e of entities) {
  if (e.source !== 'un') continue;
  for (const n of e.names) {
    const k = foldKey(n.full);
    if (!unByName.has(k)) unByName.set(k, new Set());
    unByName.get(k)!.add(e.id);
  }
}
const expectedFor = untreated.map((r) => unByName.get(foldKey(r.full_name)));
const resolvable = expectedFor.filter(Boolean).length;

function pairScore(idx: ScreeningIndex, p: Pair): number {
  const schema = schemaOf(p.schema);
  const m = idx.scorePair({ name: p.query, schema }, { id: 'pair:1', source: 'ftm', sourceId: '1', schema: entitySchema(p.schema), names: [{ full: p.candidate, kind: 'primary' }] });
  return m?.score ?? 0;
}

function devEval(score: (p: Pair) => number, rows: Pair[]) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const p of rows) {
    const hit = score(p) >= THRESHOLD;
    if (hit && p.expected) tp++;
    else if (hit) fp++;
    else if (p.expected) fn++;
  }
  return prf(tp, fp, fn);
}

const withBaseline = devPairs.filter((p) => typeof p.baseline_logicv2_score === 'number');
const accuracy: Record<string, unknown> = {};
accuracy.devPairs = {
  rows: devPairs.length,
  tessera: devEval((p) => pairScore(index, p), devPairs),
  tesseraOnLogicV2Rows: devEval((p) => pairScore(index, p), withBaseline),
  logicV2: { rows: withBaseline.length, ...devEval((p) => 100 * (p.baseline_logicv2_score as number), withBaseline) },
  jaroWinkler: devEval((p) => JaroWinklerScan.pair(p.query, p.candidate), devPairs),
  fuse: devEval((p) => FuseSearch.pair(p.query, p.candidate), devPairs),
};
const dp = accuracy.devPairs as Record<string, { precision: number; recall: number; f1: number }>;
log(`dev pairs (${devPairs.length}) at ${THRESHOLD}: tessera P ${dp.tessera.precision} R ${dp.tessera.recall} F1 ${dp.tessera.f1} | logic-v2 (file scores, ${withBaseline.length} rows) P ${dp.logicV2.precision} R ${dp.logicV2.recall} F1 ${dp.logicV2.f1} | tessera on those rows F1 ${dp.tesseraOnLogicV2Rows.f1} | JW F1 ${dp.jaroWinkler.f1} | Fuse F1 ${dp.fuse.f1}`);

const pairRecall = (rows: Pair[], score: (p: Pair) => number) => +(rows.filter((p) => score(p) >= THRESHOLD).length / rows.length).toFixed(3);
accuracy.yentePairs = {
  rows: yentePairs.length,
  tessera: pairRecall(yentePairs, (p) => pairScore(index, p)),
  jaroWinkler: pairRecall(yentePairs, (p) => JaroWinklerScan.pair(p.query, p.candidate)),
  fuse: pairRecall(yentePairs, (p) => FuseSearch.pair(p.query, p.candidate)),
};
accuracy.crossScriptPairs = { rows: crossScript.length, tessera: pairRecall(crossScript, (p) => pairScore(index, { ...p, schema: 'Person' })) };
log(`UN treated-vs-untreated pairs (${yentePairs.length}) recall: ${JSON.stringify(accuracy.yentePairs)}; cross-script pairs recall ${JSON.stringify(accuracy.crossScriptPairs)}`);

// ---------------------------------------------------------------- single-query latency (one core)
const latencyQueries = queries.latency;
for (const q of latencyQueries.slice(0, 300)) index.search(q);
const times: number[] = [];
const cpuTimes: number[] = [];
for (const q of latencyQueries) {
  const c = cpuMs();
  const s = performance.now();
  index.search(q);
  times.push(performance.now() - s);
  cpuTimes.push(cpuMs() - c);
}
const single = latency(times);
const singleCpu = latency(cpuTimes);
out.latency = { tessera: single, tesseraCpu: singleCpu, loadAverage: loadavg()[0] };
log(`single-query latency over ${single.n} queries (one core): wall p50 ${single.p50} ms, p90 ${single.p90} ms, p99 ${single.p99} ms, mean ${single.mean} ms; CPU time p50 ${singleCpu.p50} ms, p99 ${singleCpu.p99} ms, mean ${singleCpu.mean} ms (load average ${loadavg()[0].toFixed(1)})`);

// The same scorer without the index: what candidate generation saves, and what it may lose.
const exhaustiveSample = latencyQueries.filter((_, i) => i % 10 === 0).slice(0, 150);
const exTimes: number[] = [];
let exHits = 0;
let exMissed = 0;
for (const q of exhaustiveSample) {
  const s = performance.now();
  const full = index.searchExhaustive(q);
  exTimes.push(performance.now() - s);
  const got = new Set(index.search(q).matches.filter((m) => m.hit).map((m) => m.entityId));
  for (const m of full.matches.filter((m) => m.hit)) {
    exHits++;
    if (!got.has(m.entityId)) exMissed++;
  }
}
out.exhaustive = { queries: exhaustiveSample.length, latency: latency(exTimes), hitsExhaustive: exHits, hitsMissedByIndex: exMissed };
log(`same scorer without index (${exhaustiveSample.length} queries): mean ${latency(exTimes).mean} ms; index keeps ${exHits - exMissed}/${exHits} of its hits`);

// ---------------------------------------------------------------- batch throughput + held-out recall/FPR
const workers = Math.max(1, Number(process.env.BENCH_WORKERS ?? availableParallelism()));
t = performance.now();
const pool = await ScreeningPool.create({ entities, workers });
const poolStartMs = performance.now() - t;
const batchQueries = queries.batch;
t = performance.now();
const batchCpu0 = cpuMs();
const batch = await pool.searchBatch(batchQueries);
const batchMs = performance.now() - t;
const batchCpu = cpuMs() - batchCpu0;
await pool.close();
const qps = batchQueries.length / (batchMs / 1000);
const perCpuSecond = batchQueries.length / (batchCpu / 1000);
out.batch = {
  workers,
  queries: batchQueries.length,
  ms: Math.round(batchMs),
  queriesPerSecond: Math.round(qps),
  perCore: Math.round(qps / workers),
  cpuMs: Math.round(batchCpu),
  perCpuSecond: Math.round(perCpuSecond),
  poolStartMs: Math.round(poolStartMs),
  loadAverage: loadavg()[0],
};
log(`batch: ${batchQueries.length} queries on ${workers} worker threads in ${Math.round(batchMs)} ms = ${Math.round(qps)} q/s (${Math.round(qps / workers)} per core by wall time; ${Math.round(perCpuSecond)} per CPU-second); workers ready in ${Math.round(poolStartMs)} ms`);

const results = batch as BatchItem[];
const negResults = results.slice(0, negatives.length) as ScreeningResult[];
const fpQueries = negResults.filter((r) => 'matches' in r && r.hits > 0).length;
function unRecall(rs: BatchItem[]) {
  let found = 0;
  rs.forEach((r, i) => {
    const exp = expectedFor[i];
    if (!exp || !('matches' in r)) return;
    if (r.matches.some((m) => m.hit && exp.has(m.entityId))) found++;
  });
  return +(found / resolvable).toFixed(4);
}
accuracy.unPositives = {
  rows: untreated.length,
  resolvableInUnList: resolvable,
  treatedRecall: unRecall(results.slice(negatives.length, negatives.length + treated.length)),
  untreatedRecall: unRecall(results.slice(negatives.length + treated.length)),
};
accuracy.negatives = { queries: negatives.length, queriesWithHit: fpQueries, falsePositiveRate: +(fpQueries / negatives.length).toFixed(4) };
log(`UN positives (${resolvable}/${untreated.length} rows found in the UN file): recall treated ${(accuracy.unPositives as { treatedRecall: number }).treatedRecall}, untreated ${(accuracy.unPositives as { untreatedRecall: number }).untreatedRecall}`);
log(`negatives: ${fpQueries}/${negatives.length} queries with a hit = false-positive rate ${((fpQueries / negatives.length) * 100).toFixed(2)}%`);

// ---------------------------------------------------------------- baselines over the same names
const baselineSample = Number(process.env.BENCH_BASELINE_SAMPLE ?? 150);
const baselines: Record<string, unknown> = {};
for (const [name, make] of [
  ['bruteForceJaroWinkler', () => new JaroWinklerScan(entities)],
  ['fuse', () => new FuseSearch(entities)],
] as const) {
  const b = make();
  const search = (q: ScreeningQuery) => b.search(q.name!);
  const tt: number[] = [];
  const evalSet = (rows: Record<string, string>[]) => {
    let found = 0;
    let n = 0;
    rows.slice(0, baselineSample).forEach((r, i) => {
      const exp = expectedFor[i];
      const s = performance.now();
      const hits: BaselineHit[] = search(toQuery(r)).filter((h) => h.score >= THRESHOLD);
      tt.push(performance.now() - s);
      if (!exp) return;
      n++;
      if (hits.some((h) => exp.has(h.entityId))) found++;
    });
    return +(found / n).toFixed(4);
  };
  const treatedRecall = evalSet(treated);
  const untreatedRecall = evalSet(untreated);
  let fp = 0;
  for (const r of negatives.slice(0, baselineSample)) {
    const s = performance.now();
    if (search(toQuery(r)).some((h) => h.score >= THRESHOLD)) fp++;
    tt.push(performance.now() - s);
  }
  baselines[name] = { sample: baselineSample, latency: latency(tt), treatedRecall, untreatedRecall, falsePositiveRate: +(fp / baselineSample).toFixed(4) };
  const l = latency(tt);
  log(`baseline ${name} (first ${baselineSample} of each set): p50 ${l.p50} ms, p99 ${l.p99} ms, mean ${l.mean} ms; recall treated ${treatedRecall}, untreated ${untreatedRecall}; FPR ${((fp / baselineSample) * 100).toFixed(1)}%`);
}
out.baselines = baselines;
// Tessera on the same sample, for a like-for-like recall comparison.
const sampleRecall = (offset: number) => {
  const rs = results.slice(offset, offset + baselineSample);
  let found = 0;
  let n = 0;
  rs.forEach((r, i) => {
    const exp = expectedFor[i];
    if (!exp || !('matches' in r)) return;
    n++;
    if (r.matches.some((m) => m.hit && exp.has(m.entityId))) found++;
  });
  return +(found / n).toFixed(4);
};
accuracy.tesseraOnBaselineSample = { treatedRecall: sampleRecall(negatives.length), untreatedRecall: sampleRecall(negatives.length + treated.length) };
out.accuracy = accuracy;
const jw = baselines.bruteForceJaroWinkler as { latency: { mean: number; p50: number } };
out.speedupVsBruteForce = { mean: +(jw.latency.mean / single.mean).toFixed(1), p50: +(jw.latency.p50 / single.p50).toFixed(1) };
log(`speed-up vs brute-force JW scan: ${(out.speedupVsBruteForce as { mean: number }).mean}x (mean), ${(out.speedupVsBruteForce as { p50: number }).p50}x (p50)`);

out.targets = {
  p50_le_0_5ms: single.p50 <= 0.5,
  p99_le_3ms: single.p99 <= 3,
  perCore_ge_5000: (out.batch as { perCore: number }).perCore >= 5000,
  perCpuSecond_ge_5000: perCpuSecond >= 5000,
  cpuP50_le_0_5ms: singleCpu.p50 <= 0.5,
  cpuP99_le_3ms: singleCpu.p99 <= 3,
  devF1_ge_0_85: dp.tessera.f1 >= 0.85,
  unRecall_ge_0_99: (accuracy.unPositives as { treatedRecall: number; untreatedRecall: number }).treatedRecall >= 0.99 && (accuracy.unPositives as { untreatedRecall: number }).untreatedRecall >= 0.99,
  fpr_le_0_5pct: (accuracy.negatives as { falsePositiveRate: number }).falsePositiveRate <= 0.005,
  speedup_ge_20x: (out.speedupVsBruteForce as { mean: number }).mean >= 20,
};
log(`targets: ${JSON.stringify(out.targets)}`);
const dir = resolve(here, '../bench-results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'screening.json'), `${JSON.stringify(out, null, 2)}\n`);
log(`written ${join(dir, 'screening.json')}`);
