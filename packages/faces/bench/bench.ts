/**
 * Face engine benchmark (not a test): `npm run bench -w @tessera/faces [-- --only accuracy,index,pgvector]`.
 *
 * - accuracy: every same-person and every different-person pair from deepface/identities.json:
 *   accuracy at the default threshold, TPR at FPR 1 % / 0.1 %, AUC, per-image detect+embed time.
 * - index: 1:N search latency of the in-process index over 100k and 1M synthetic embeddings.
 * - pgvector: the same over PGlite + pgvector HNSW (sizes via --pgvector-sizes, default 100000).
 * - model load time and RSS.
 *
 * Reads TESSERA_SHARED_DATA (default <repo>/../shared/data); the accuracy part is skipped when the
 * data is absent. Writes bench-results/faces.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createFaceEngine, type FaceEngine } from '../src/engine.ts';
import { CALIBRATION, cosineDistance, DEFAULT_MATCH_THRESHOLD, distanceToSimilarity, EMBEDDING_MODEL, l2normalize } from '../src/similarity.ts';
import { createVectorIndex } from '../src/vector-index.ts';
import { leaveOnePersonOut, quantile, verificationMetrics, type PairScore } from './eval.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../..');
const sharedData = process.env.TESSERA_SHARED_DATA ?? path.resolve(repoRoot, '../shared/data');
const faceDir = path.join(sharedData, 'faces/deepface');
const outDir = path.join(here, '..', 'bench-results');

const args = process.argv.slice(2);
const argValue = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const only = new Set((argValue('--only') ?? 'accuracy,index,pgvector').split(','));
const pgSizes = (argValue('--pgvector-sizes') ?? '100000').split(',').map(Number);
const indexSizes = (argValue('--index-sizes') ?? '100000,1000000').split(',').map(Number);

const results: Record<string, unknown> = {
  when: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavg: os.loadavg() },
  embeddingModel: EMBEDDING_MODEL,
};
const ms = (v: number): number => Math.round(v * 100) / 100;
const pct = (v: number): string => (v * 100).toFixed(2) + '%';

function percentiles(times: number[]): { p50: number; p90: number; p99: number; mean: number; n: number } {
  const s = [...times].sort((a, b) => a - b);
  return { p50: ms(quantile(s, 0.5)), p90: ms(quantile(s, 0.9)), p99: ms(quantile(s, 0.99)), mean: ms(s.reduce((a, b) => a + b, 0) / s.length), n: s.length };
}

async function accuracy(engine: FaceEngine): Promise<Float32Array[]> {
  const identities = JSON.parse(readFileSync(path.join(faceDir, 'identities.json'), 'utf8')) as Record<string, string[]>;
  const files = Object.entries(identities).flatMap(([person, list]) => list.map((file) => ({ person, file })));
  const embeddings = new Map<string, Float32Array>();
  const modelTimes: number[] = [];
  const totalTimes: number[] = [];
  const cpuTimes: number[] = [];
  const noFace: string[] = [];
  // One untimed pass warms the backend (first-call kernel compilation).
  await engine.detect(readFileSync(path.join(faceDir, files[0]!.file)), { embeddings: true });
  for (const { file } of files) {
    const bytes = readFileSync(path.join(faceDir, file));
    const cpu0 = process.cpuUsage();
    const r = await engine.detect(bytes, { embeddings: true });
    const cpu = process.cpuUsage(cpu0);
    // CPU time is what one idle core would need; wall time also counts waiting for a busy machine.
    cpuTimes.push((cpu.user + cpu.system) / 1000);
    modelTimes.push(r.timings.detectMs + r.timings.embedMs);
    totalTimes.push(r.timings.totalMs);
    const face = r.faces[0];
    if (face?.embedding) embeddings.set(file, face.embedding);
    else noFace.push(file);
  }
  const scores: Array<PairScore & { personA: string; personB: string }> = [];
  for (let i = 0; i < files.length; i++) {
    for (let j = i + 1; j < files.length; j++) {
      const a = files[i]!;
      const b = files[j]!;
      const ea = embeddings.get(a.file);
      const eb = embeddings.get(b.file);
      // A photo without a detected face cannot match anything: count it at the largest distance.
      const distance = ea && eb ? cosineDistance(ea, eb) : 2;
      scores.push({ a: a.file, b: b.file, personA: a.person, personB: b.person, same: a.person === b.person, distance });
    }
  }
  const m = verificationMetrics(scores, CALIBRATION.thresholdDistance, DEFAULT_MATCH_THRESHOLD);
  const pos = scores.filter((s) => s.same).map((s) => s.distance).sort((x, y) => x - y);
  const neg = scores.filter((s) => !s.same).map((s) => s.distance).sort((x, y) => x - y);
  const distribution = {
    sameDistance: { median: quantile(pos, 0.5), p99: quantile(pos, 0.99), max: pos.at(-1) },
    differentDistance: { min: neg[0], q001: quantile(neg, 0.001), q01: quantile(neg, 0.01), median: quantile(neg, 0.5) },
    sameSimilarity: { median: distanceToSimilarity(quantile(pos, 0.5)), min: distanceToSimilarity(pos.at(-1)!) },
    differentSimilarity: { median: distanceToSimilarity(quantile(neg, 0.5)), max: distanceToSimilarity(neg[0]!) },
  };
  const hardest = {
    sameFarthest: scores.filter((s) => s.same).sort((x, y) => y.distance - x.distance).slice(0, 3).map((s) => ({ pair: `${s.a}~${s.b}`, similarity: distanceToSimilarity(s.distance) })),
    differentClosest: scores.filter((s) => !s.same).sort((x, y) => x.distance - y.distance).slice(0, 3).map((s) => ({ pair: `${s.a}~${s.b}`, similarity: distanceToSimilarity(s.distance) })),
  };
  const loo = leaveOnePersonOut(scores);
  results.accuracy = { images: files.length, noFace, ...m, leaveOnePersonOut: loo, distribution, hardest, timePerImageMs: { detectPlusEmbed: percentiles(modelTimes), includingDecode: percentiles(totalTimes), cpuIncludingDecode: percentiles(cpuTimes) } };
  console.log(`\n== Verification on deepface (${files.length} images, ${m.pairs.same} same / ${m.pairs.different} different pairs)`);
  console.log(`  no face found: ${noFace.length ? noFace.join(', ') : 'none'}`);
  console.log(`  threshold ${DEFAULT_MATCH_THRESHOLD} (cosine distance ${CALIBRATION.thresholdDistance}): accuracy ${pct(m.atThreshold.accuracy)}, TPR ${pct(m.atThreshold.tpr)}, FPR ${pct(m.atThreshold.fpr)} (${m.atThreshold.falseMatches} false matches, ${m.atThreshold.falseNonMatches} false non-matches)`);
  for (const t of m.tprAtFpr) console.log(`  TPR at FPR ${pct(t.fpr)}: ${pct(t.tpr)} (distance ≤ ${t.distance.toFixed(4)}, similarity ≥ ${distanceToSimilarity(t.distance)})`);
  console.log(`  leave-one-person-out (threshold at 0.1 % FPR of the other 12 people): accuracy ${pct(loo.accuracy)} over ${loo.pairs} pair tests, ${loo.falseMatches} false matches, ${loo.falseNonMatches} false non-matches; thresholds ${loo.thresholds.min.toFixed(4)}–${loo.thresholds.max.toFixed(4)}`);
  console.log(`  AUC ${m.auc.toFixed(6)}; best accuracy over all thresholds ${pct(m.bestAccuracy.accuracy)} (for context only)`);
  console.log(`  same-person similarity: median ${distribution.sameSimilarity.median}, min ${distribution.sameSimilarity.min}; different-person: median ${distribution.differentSimilarity.median}, max ${distribution.differentSimilarity.max}`);
  const p50 = (xs: number[]): number => ms(quantile([...xs].sort((a, b) => a - b), 0.5));
  console.log(`  per image, wall clock: detect+embed p50 ${p50(modelTimes)} ms, with decode p50 ${p50(totalTimes)} ms; CPU time with decode p50 ${p50(cpuTimes)} ms (load average ${os.loadavg()[0]!.toFixed(1)})`);
  return [...embeddings.values()];
}

/**
 * Synthetic embeddings shaped like real ones: face embeddings share a large mean component, so
 * random unit vectors would make search look easier than it is. Sample from a Gaussian with the
 * per-dimension mean and spread of the real embeddings (or a generic shape without data).
 */
function syntheticSource(real: Float32Array[], dim = 128): () => Float32Array {
  const mean = new Float32Array(dim);
  const std = new Float32Array(dim).fill(0.05);
  if (real.length >= 10) {
    for (const v of real) for (let i = 0; i < dim; i++) mean[i]! += v[i]! / real.length;
    for (let i = 0; i < dim; i++) {
      let s = 0;
      for (const v of real) s += (v[i]! - mean[i]!) ** 2;
      std[i] = Math.sqrt(s / real.length);
    }
  } else {
    for (let i = 0; i < dim; i++) mean[i] = Math.sin(i) * 0.08;
  }
  let seed = 12345;
  const uniform = (): number => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return (seed + 0.5) / 4294967296;
  };
  const gauss = (): number => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return () => {
    const v = new Float32Array(dim);
    for (let i = 0; i < dim; i++) v[i] = mean[i]! + std[i]! * gauss();
    return l2normalize(v);
  };
}

/**
 * Noise mixed into a stored vector to make a probe: gives a cosine distance around 0.03, the median
 * distance between two photos of the same person on the deepface set.
 */
const PROBE_NOISE = 0.45;

function perturb(v: Float32Array, amount: number, next: () => Float32Array): Float32Array {
  const noise = next();
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! + amount * (noise[i]! - v[i]!);
  return l2normalize(out);
}

async function indexBench(real: Float32Array[]): Promise<void> {
  const out: Record<string, unknown> = {};
  for (const n of indexSizes) {
    const next = syntheticSource(real);
    const index = createVectorIndex({ initialCapacity: n });
    const t0 = performance.now();
    const probes: Array<{ id: string; v: Float32Array }> = [];
    for (let i = 0; i < n; i++) {
      const v = next();
      index.add(`v${i}`, v);
      if (i % Math.floor(n / 200) === 0 && probes.length < 200) probes.push({ id: `v${i}`, v });
    }
    const buildMs = performance.now() - t0;
    const times: number[] = [];
    let found = 0;
    let probeDistance = 0;
    for (const p of probes) {
      const q = perturb(p.v, PROBE_NOISE, next);
      probeDistance += cosineDistance(q, p.v) / probes.length;
      const t = performance.now();
      const hits = index.search(q, { k: 10 });
      times.push(performance.now() - t);
      if (hits[0]?.id === p.id) found++;
    }
    const r = {
      vectors: n,
      buildMs: Math.round(buildMs),
      search: percentiles(times),
      probeSourceFoundAt1: found / probes.length,
      meanProbeDistance: Math.round(probeDistance * 1e4) / 1e4,
      rssMB: Math.round(process.memoryUsage().rss / 1048576),
    };
    out[String(n)] = r;
    console.log(
      `  in-process index, ${n.toLocaleString('en')} vectors: build ${r.buildMs} ms, search p50 ${r.search.p50} ms, p99 ${r.search.p99} ms; ` +
        `probe's source found first ${pct(r.probeSourceFoundAt1)} (probe distance ${r.meanProbeDistance}), RSS ${r.rssMB} MB`,
    );
  }
  results.inProcessIndex = out;
}

async function pgvectorBench(real: Float32Array[]): Promise<void> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const out: Record<string, unknown> = {};
  for (const n of pgSizes) {
    const db = await PGlite.create({ extensions: { vector } });
    await db.exec('CREATE EXTENSION IF NOT EXISTS vector; CREATE TABLE face (id int PRIMARY KEY, embedding vector(128) NOT NULL);');
    const next = syntheticSource(real);
    const probes: Array<{ id: number; v: Float32Array }> = [];
    const lit = (v: Float32Array): string => '[' + Array.from(v, (x) => x.toFixed(6)).join(',') + ']';
    const t0 = performance.now();
    const batch = 1000;
    for (let start = 0; start < n; start += batch) {
      const rows: string[] = [];
      for (let i = start; i < Math.min(n, start + batch); i++) {
        const v = next();
        if (i % Math.floor(n / 200) === 0 && probes.length < 200) probes.push({ id: i, v });
        rows.push(`(${i},'${lit(v)}')`);
      }
      await db.exec(`INSERT INTO face VALUES ${rows.join(',')}`);
    }
    const insertMs = performance.now() - t0;
    const t1 = performance.now();
    await db.exec('CREATE INDEX face_hnsw ON face USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64)');
    const indexMs = performance.now() - t1;
    const queries = probes.map((p) => perturb(p.v, PROBE_NOISE, next));
    const search = async (label: string, setup: string): Promise<{ ids: number[][]; times: number[] }> => {
      await db.exec(setup);
      const ids: number[][] = [];
      const times: number[] = [];
      for (const q of queries) {
        const t = performance.now();
        const r = await db.query<{ id: number }>('SELECT id FROM face ORDER BY embedding <=> $1 LIMIT 10', [lit(q)]);
        times.push(performance.now() - t);
        ids.push(r.rows.map((row) => row.id));
      }
      console.log(`  PGlite pgvector ${label}, ${n.toLocaleString('en')} vectors: p50 ${ms(quantile([...times].sort((a, b) => a - b), 0.5))} ms, p99 ${ms(quantile([...times].sort((a, b) => a - b), 0.99))} ms`);
      return { ids, times };
    };
    const exactRun = await search('exact scan (index disabled)', 'SET enable_indexscan = off');
    await db.exec('RESET enable_indexscan');
    const hnsw: Record<string, unknown> = {};
    for (const ef of [40, 100, 200]) {
      const run = await search(`HNSW (m 16, ef_construction 64, ef_search ${ef})`, `SET hnsw.ef_search = ${ef}`);
      let top1 = 0;
      let top10 = 0;
      exactRun.ids.forEach((truth, i) => {
        const got = run.ids[i]!;
        if (got[0] === truth[0]) top1++;
        top10 += got.filter((id) => truth.includes(id)).length / Math.max(1, truth.length);
      });
      const r = { search: percentiles(run.times), recallAt1VsExact: top1 / queries.length, recallAt10VsExact: Math.round((top10 / queries.length) * 1000) / 1000 };
      hnsw[`efSearch${ef}`] = r;
      console.log(`    recall vs exact scan: @1 ${pct(r.recallAt1VsExact)}, @10 ${pct(r.recallAt10VsExact)}`);
    }
    out[String(n)] = { vectors: n, insertMs: Math.round(insertMs), hnswBuildMs: Math.round(indexMs), hnsw, exactScan: { search: percentiles(exactRun.times) } };
    console.log(`  PGlite insert ${Math.round(insertMs)} ms, HNSW build ${Math.round(indexMs)} ms`);
    await db.close();
  }
  results.pgvector = out;
}

async function main(): Promise<void> {
  sharp.concurrency(1);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const engine = await createFaceEngine();
  results.modelLoad = { ms: Math.round(performance.now() - t0), rssMB: Math.round(process.memoryUsage().rss / 1048576), rssIncreaseMB: Math.round((process.memoryUsage().rss - rss0) / 1048576) };
  console.log(`model load ${Math.round(performance.now() - t0)} ms, RSS ${Math.round(process.memoryUsage().rss / 1048576)} MB`);

  let real: Float32Array[] = [];
  if (only.has('accuracy')) {
    if (existsSync(path.join(faceDir, 'identities.json'))) {
      real = await accuracy(engine);
      results.rssAfterAccuracyMB = Math.round(process.memoryUsage().rss / 1048576);
    } else {
      console.log(`\n(skipping accuracy: ${faceDir} not found; set TESSERA_SHARED_DATA)`);
    }
  }
  await engine.close();
  if (only.has('index')) {
    console.log('\n== 1:N search');
    await indexBench(real);
  }
  if (only.has('pgvector')) {
    console.log('\n== 1:N search, PGlite + pgvector');
    await pgvectorBench(real);
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'faces.json'), JSON.stringify(results, null, 2));
  console.log(`\nwrote ${path.join(outDir, 'faces.json')}`);
}

await main();
