/**
 * Face engine benchmark (not a test): `npm run bench -w @tessera/faces [-- --only accuracy,index,pgvector]`.
 *
 * - accuracy: every same-person and every different-person pair from deepface/identities.json:
 *   accuracy at the default threshold, TPR at FPR 1 % / 0.1 %, AUC, per-image detect+embed time.
 * - index: 1:N search latency of the in-process index over 100k and 1M synthetic embeddings.
 * - pgvector: the same with pgvector, exact scan and HNSW (sizes via --pgvector-sizes, default 100000),
 *   on native PostgreSQL (`--pgvector-db postgres`, the default: DATABASE_URL, else a throwaway cluster
 *   from Debian's binaries; skipped with a message without PostgreSQL or pgvector) and/or PGlite
 *   (`--pgvector-db pglite`, single-threaded WebAssembly: the 100k HNSW build takes minutes); HNSW
 *   built with `--pgvector-m` (16) and `--pgvector-ef-construction` (64), searched at each
 *   `--pgvector-ef-search` (default 40,100,200,400,1000) and as the server does.
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
const pgEfSearch = (argValue('--pgvector-ef-search') ?? '40,100,200,400,1000').split(',').map(Number);
// pgvector's defaults, which the server's index uses; larger values trade build time for recall.
const hnswM = Number(argValue('--pgvector-m') ?? 16);
const hnswEfConstruction = Number(argValue('--pgvector-ef-construction') ?? 64);
const pgDbs = (argValue('--pgvector-db') ?? 'postgres').split(',').map((d) => {
  if (d !== 'postgres' && d !== 'pglite') throw new Error(`--pgvector-db takes postgres, pglite or both, not ${d}`);
  return d;
});
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

/** Embeddings of the deepface photos, for the shape of the synthetic vectors. */
async function realEmbeddings(engine: FaceEngine): Promise<Float32Array[]> {
  const identities = JSON.parse(readFileSync(path.join(faceDir, 'identities.json'), 'utf8')) as Record<string, string[]>;
  const out: Float32Array[] = [];
  for (const file of Object.values(identities).flat()) {
    const face = (await engine.detect(readFileSync(path.join(faceDir, file)), { embeddings: true })).faces[0];
    if (face?.embedding) out.push(face.embedding);
  }
  return out;
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
const PROBE_NOISE = Number(argValue('--probe-noise') ?? 0.45);

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

/** One database for the pgvector rows: PGlite (WebAssembly, in process) or a native PostgreSQL. */
type BenchDb = {
  label: string;
  exec(sql: string): Promise<void>;
  /** Ids and distances in the order the database returned them. */
  nearest(sql: string, q: string): Promise<Array<{ id: number; distance: number }>>;
  insert(ids: number[], literals: string[]): Promise<void>;
  close(): Promise<void>;
};

const vectorLiteral = (v: Float32Array): string => '[' + Array.from(v, (x) => x.toFixed(6)).join(',') + ']';

async function openPglite(): Promise<BenchDb> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const db = await PGlite.create({ extensions: { vector } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
  return {
    label: 'PGlite pgvector',
    exec: async (sql) => void (await db.exec(sql)),
    nearest: async (sql, q) => (await db.query<{ id: number; distance: number }>(sql, [q])).rows,
    insert: async (ids, literals) => void (await db.exec(`INSERT INTO face VALUES ${ids.map((id, i) => `(${id},'${literals[i]}')`).join(',')}`)),
    close: () => db.close(),
  };
}

/**
 * Settings for the native PostgreSQL run. The HNSW graph is built in memory: over 1M 128-d vectors it
 * needs ~1.3 GB, and a build that outgrows maintenance_work_mem falls back to a much slower on-disk
 * insert (PostgreSQL then prints a notice, which is echoed). Two cores: the leader plus one worker.
 * Session settings apply with DATABASE_URL too; shared_buffers etc. only to the throwaway cluster.
 */
const PG_SESSION = { maintenance_work_mem: '4GB', max_parallel_maintenance_workers: '1' };
const PG_CLUSTER = { shared_buffers: '3GB', max_wal_size: '8GB', checkpoint_timeout: '30min', work_mem: '64MB' };

async function openPostgres(): Promise<{ open: () => Promise<BenchDb>; stop: () => void; where: string } | string> {
  const { freshDatabase, startPostgres } = await import('../../../apps/server/test/reliability/postgres.ts');
  const pg = (await import('pg')).default;
  let server: Awaited<ReturnType<typeof startPostgres>>;
  try {
    server = await startPostgres((m) => console.log(`  ${m}`), { settings: PG_CLUSTER });
  } catch (e) {
    return `no PostgreSQL (${(e as Error).message})`;
  }
  const where = process.env.DATABASE_URL ? 'DATABASE_URL' : `throwaway cluster (${Object.entries(PG_CLUSTER).map(([k, v]) => `${k}=${v}`).join(', ')})`;
  const probe = new pg.Client({ connectionString: server.url });
  try {
    await probe.connect();
    const r = await probe.query(`SELECT default_version FROM pg_available_extensions WHERE name = 'vector'`);
    if (!r.rowCount) {
      server.stop();
      return "the server has no 'vector' extension: install pgvector (README.md, section 'PostgreSQL and pgvector') to measure it";
    }
  } catch (e) {
    server.stop();
    return `cannot use PostgreSQL at ${where}: ${(e as Error).message}`;
  } finally {
    await probe.end().catch(() => {});
  }
  const open = async (): Promise<BenchDb> => {
    const database = await freshDatabase(server.url, 'tessera_faces_bench');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    client.on('notice', (n) => console.log(`    PostgreSQL: ${n.message}`));
    await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    for (const [k, v] of Object.entries(PG_SESSION)) await client.query(`SET ${k} = '${v}'`);
    return {
      label: 'PostgreSQL pgvector',
      exec: async (sql) => void (await client.query(sql)),
      nearest: async (sql, q) => (await client.query<{ id: number; distance: number }>(sql, [q])).rows,
      // One statement per batch, vectors as a text array cast by the server: no per-row round trips.
      insert: async (ids, literals) => void (await client.query('INSERT INTO face SELECT * FROM unnest($1::int[], $2::vector[])', [ids, literals])),
      close: async () => {
        await client.end();
        await database.drop();
      },
    };
  };
  return { open, stop: server.stop, where };
}

async function pgvectorBench(real: Float32Array[], kind: 'pglite' | 'postgres'): Promise<void> {
  const out: Record<string, unknown> = {};
  let open: () => Promise<BenchDb> = openPglite;
  let stop = (): void => {};
  if (kind === 'postgres') {
    const pg = await openPostgres();
    if (typeof pg === 'string') {
      console.log(`  (skipping PostgreSQL pgvector: ${pg})`);
      results.pgvectorPostgres = { skipped: pg };
      return;
    }
    ({ open, stop } = pg);
    console.log(`  PostgreSQL: ${pg.where}; session ${Object.entries(PG_SESSION).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    out.settings = { server: pg.where, session: PG_SESSION };
  }
  try {
    for (const n of pgSizes) {
      const db = await open();
      await db.exec('CREATE TABLE face (id int PRIMARY KEY, embedding vector(128) NOT NULL)');
      const next = syntheticSource(real);
      const probes: Array<{ id: number; v: Float32Array }> = [];
      const t0 = performance.now();
      const batch = kind === 'postgres' ? 5000 : 1000;
      for (let start = 0; start < n; start += batch) {
        const ids: number[] = [];
        const literals: string[] = [];
        for (let i = start; i < Math.min(n, start + batch); i++) {
          const v = next();
          if (i % Math.floor(n / 200) === 0 && probes.length < 200) probes.push({ id: i, v });
          ids.push(i);
          literals.push(vectorLiteral(v));
        }
        await db.insert(ids, literals);
      }
      const insertMs = performance.now() - t0;
      await db.exec('VACUUM ANALYZE face');
      const loadAtBuild = os.loadavg()[0]!;
      const t1 = performance.now();
      await db.exec(`CREATE INDEX face_hnsw ON face USING hnsw (embedding vector_cosine_ops) WITH (m = ${hnswM}, ef_construction = ${hnswEfConstruction})`);
      const indexMs = performance.now() - t1;
      console.log(`  ${db.label}, ${n.toLocaleString('en')} vectors: insert ${Math.round(insertMs / 1000)} s, HNSW (m ${hnswM}, ef_construction ${hnswEfConstruction}) build ${Math.round(indexMs / 1000)} s (load average ${loadAtBuild.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end)`);
      // Same probes as the in-process rows: a stored vector perturbed to a same-person-like distance.
      const queries = probes.map((p) => perturb(p.v, PROBE_NOISE, next));
      const probeDistance = queries.reduce((s, q, i) => s + cosineDistance(q, probes[i]!.v), 0) / queries.length;
      const sql = 'SELECT id, embedding <=> $1 AS distance FROM face ORDER BY embedding <=> $1 LIMIT 10';
      const search = async (setup: string[], count = queries.length): Promise<{ ids: number[][]; times: number[]; load: number }> => {
        for (const s of setup) await db.exec(s);
        const ids: number[][] = [];
        const times: number[] = [];
        for (const q of queries.slice(0, count)) {
          const t = performance.now();
          const rows = await db.nearest(sql, vectorLiteral(q));
          times.push(performance.now() - t);
          // relaxed_order may return rows slightly out of order: rank them as the caller would.
          ids.push([...rows].sort((a, b) => a.distance - b.distance).map((r) => r.id));
        }
        return { ids, times, load: os.loadavg()[0]! };
      };
      const line = (label: string, r: { times: number[]; load: number }, extra = ''): void => {
        const p = percentiles(r.times);
        console.log(`    ${label}: p50 ${p.p50} ms, p99 ${p.p99} ms (${p.n} queries, load ${r.load.toFixed(1)})${extra}`);
      };
      // The exact answer (and the "without HNSW" latency): a sequential scan of every vector.
      const exactRun = await search(['SET enable_indexscan = off']);
      await db.exec('RESET enable_indexscan');
      let found = 0;
      exactRun.ids.forEach((got, i) => {
        if (got[0] === probes[i]!.id) found++;
      });
      line('exact scan (index disabled)', exactRun, `; probe's source found first ${pct(found / queries.length)} (probe distance ${probeDistance.toFixed(4)})`);
      // Untimed pass so every configuration meets a warm index.
      await search(['SET hnsw.ef_search = 200']);
      const hnsw: Record<string, unknown> = {};
      // Iterative scan last: an older pgvector (PGlite's) refuses the setting, and the other rows stay valid.
      const configs: Array<{ key: string; label: string; setup: string[] }> = [
        ...pgEfSearch.map((ef) => ({ key: `efSearch${ef}`, label: `HNSW ef_search ${ef}`, setup: [`SET hnsw.ef_search = ${ef}`] })),
        { key: 'efSearch200RelaxedOrder', label: 'HNSW ef_search 200 + iterative_scan relaxed_order (the server)', setup: ['SET hnsw.ef_search = 200', 'SET hnsw.iterative_scan = relaxed_order'] },
      ];
      for (const c of configs) {
        let run: Awaited<ReturnType<typeof search>>;
        try {
          run = await search(c.setup);
        } catch (e) {
          console.log(`    ${c.label}: not supported here (${(e as Error).message})`);
          continue;
        }
        let top1 = 0;
        let top10 = 0;
        exactRun.ids.forEach((truth, i) => {
          const got = run.ids[i]!;
          if (got[0] === truth[0]) top1++;
          top10 += got.filter((id) => truth.includes(id)).length / Math.max(1, truth.length);
        });
        const r = { search: percentiles(run.times), loadavg: Math.round(run.load * 10) / 10, recallAt1VsExact: top1 / queries.length, recallAt10VsExact: Math.round((top10 / queries.length) * 1000) / 1000 };
        hnsw[c.key] = r;
        line(c.label, run, `; recall vs exact @1 ${pct(r.recallAt1VsExact)}, @10 ${pct(r.recallAt10VsExact)}`);
      }
      out[String(n)] = {
        vectors: n,
        insertMs: Math.round(insertMs),
        hnswBuildMs: Math.round(indexMs),
        hnswParams: { m: hnswM, efConstruction: hnswEfConstruction },
        loadavgAtBuild: Math.round(loadAtBuild * 10) / 10,
        hnsw,
        exactScan: { search: percentiles(exactRun.times), loadavg: Math.round(exactRun.load * 10) / 10, probeSourceFoundAt1: found / queries.length },
        meanProbeDistance: Math.round(probeDistance * 1e4) / 1e4,
      };
      await db.close();
    }
  } finally {
    stop();
  }
  results[kind === 'postgres' ? 'pgvectorPostgres' : 'pgvector'] = out;
}

async function main(): Promise<void> {
  sharp.concurrency(1);
  const rss0 = process.memoryUsage().rss;
  const t0 = performance.now();
  const engine = await createFaceEngine();
  results.modelLoad = { ms: Math.round(performance.now() - t0), rssMB: Math.round(process.memoryUsage().rss / 1048576), rssIncreaseMB: Math.round((process.memoryUsage().rss - rss0) / 1048576) };
  console.log(`model load ${Math.round(performance.now() - t0)} ms, RSS ${Math.round(process.memoryUsage().rss / 1048576)} MB`);

  let real: Float32Array[] = [];
  const haveFaces = existsSync(path.join(faceDir, 'identities.json'));
  if (only.has('accuracy')) {
    if (haveFaces) {
      real = await accuracy(engine);
      results.rssAfterAccuracyMB = Math.round(process.memoryUsage().rss / 1048576);
    } else {
      console.log(`\n(skipping accuracy: ${faceDir} not found; set TESSERA_SHARED_DATA)`);
    }
  } else if (haveFaces && (only.has('index') || only.has('pgvector'))) {
    // The synthetic vectors take their shape from the real embeddings: without this, a search-only run
    // would use the generic shape and not be comparable with a full run.
    real = await realEmbeddings(engine);
  }
  results.syntheticShape = real.length >= 10 ? `deepface embeddings (${real.length})` : 'generic (no face data)';
  await engine.close();
  if (only.has('index')) {
    console.log('\n== 1:N search');
    await indexBench(real);
  }
  if (only.has('pgvector')) {
    for (const kind of pgDbs) {
      console.log(`\n== 1:N search, ${kind === 'postgres' ? 'native PostgreSQL' : 'PGlite'} + pgvector`);
      await pgvectorBench(real, kind);
    }
  }
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'faces.json'), JSON.stringify(results, null, 2));
  console.log(`\nwrote ${path.join(outDir, 'faces.json')}`);
}

await main();
