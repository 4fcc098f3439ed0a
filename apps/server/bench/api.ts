/**
 * API benchmark (issue: verification core): applicant create, session create and applicant read, driven by
 * autocannon from a separate process on loopback, against `tessera serve --mode api,worker` on the embedded
 * database and on a real PostgreSQL (DATABASE_URL, or a throwaway cluster started here from Debian's binaries).
 * Prints requests/s, p50/p99 latency and the CPU time per request of the server, PostgreSQL and the load
 * generator (the three share this machine's cores), and writes bench-results/api.json.
 *
 *   npm run bench:api -w @tessera/server            # both databases
 *   npm run bench:api -w @tessera/server -- pglite   # one of them
 *   BENCH_CPU_PROF=/tmp/prof npm run bench:api …      # also write the server's CPU profile there
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openDatabase } from '../src/db/connection.ts';
import { startPostgres } from '../test/reliability/postgres.ts';
import { cpuSeconds, postgresCpuSeconds, postmasterOf } from './proc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/tessera.mjs');
const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

type LoadResult = { requests: number; rps: number; p50: number; p90: number; p99: number; non2xx: number; errors: number; timeouts: number; cpuMs: number };
type Measured = LoadResult & { cpuMsPerRequest: { server: number; postgres: number | null; load: number } };

async function freePort() {
  return new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function load(opts: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [path.join(here, 'load.mjs'), JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`load exited ${code}`))));
  });
}

async function benchOne(name: 'pglite' | 'postgres', databaseUrl?: string) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
  const env: Record<string, string | undefined> = { ...process.env, NODE_ENV: 'production', PUBLIC_URL: `http://127.0.0.1:${port}`, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  if (!databaseUrl) delete env.DATABASE_URL;
  execFileSync(process.execPath, [bin, 'migrate'], { env, stdio: 'ignore' });
  const server: ChildProcess = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), bin, 'serve', '--mode', 'api,worker'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`${url}/healthz`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 600) throw new Error('server did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const demo = JSON.parse(execFileSync(process.execPath, [bin, 'demo', '--json'], { env }).toString());
    const orgId = (await (await fetch(`${url}/v1/organisation`, { headers: { authorization: `Bearer ${demo.apiKeys.test}` } })).json()) as { id?: string };
    void orgId;
    const keyOut = JSON.parse(execFileSync(process.execPath, [bin, 'keys', 'create', '--org', 'Demo Company', '--mode', 'test', '--name', 'bench', '--rate-limit', '100000000', '--json'], { env }).toString());
    const key = keyOut.secret as string;
    const postmaster = databaseUrl ? await postmasterOf(databaseUrl) : null;
    // One measured run: the load generator reports its own CPU; the server's and PostgreSQL's come from /proc.
    const measure = async (opts: Record<string, unknown>): Promise<Measured> => {
      const before = { server: cpuSeconds(server.pid!), postgres: postmaster ? postgresCpuSeconds(postmaster) : 0 };
      const r = await load(opts);
      const perRequest = (seconds: number) => Number(((seconds * 1000) / r.requests).toFixed(2));
      return {
        ...r,
        cpuMsPerRequest: {
          server: perRequest(cpuSeconds(server.pid!) - before.server),
          postgres: postmaster ? perRequest(postgresCpuSeconds(postmaster) - before.postgres) : null,
          load: Number((r.cpuMs / r.requests).toFixed(2)),
        },
      };
    };
    const flows = (await (await fetch(`${url}/v1/flows`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string; name: string }[] };
    const flowId = flows.data.find((f) => f.name === 'Basic KYC')!.id;

    // Warm-up, then the measured runs.
    await load({ url, key, kind: 'create', method: 'POST', prefix: 'warm', flowId, connections: 8, duration: 3 });
    const create = await measure({ url, key, kind: 'create', method: 'POST', prefix: 'bench', flowId, connections: CONNECTIONS, duration: DURATION });
    // Thousands of rows appeared in seconds: refresh the planner's statistics, as autovacuum (PostgreSQL) or the
    // maintenance job (embedded) does within minutes, so the next runs measure a database in its steady state.
    const d = await openDatabase({ databaseUrl, embedded: { dataDir } });
    await sql`ANALYZE`.execute(d.db);
    await d.close();
    const list = (await (await fetch(`${url}/v1/applicants?limit=200`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string }[] };
    const ids = list.data.map((a) => a.id);
    const session = await measure({ url, key, kind: 'session', method: 'POST', ids, connections: CONNECTIONS, duration: DURATION });
    const read = await measure({ url, key, kind: 'read', method: 'GET', ids, connections: CONNECTIONS, duration: DURATION });
    return { database: name, connections: CONNECTIONS, durationSeconds: DURATION, create, session, read };
  } finally {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const which = process.argv[2];
const results = [];
if (!which || which === 'pglite') results.push(await benchOne('pglite'));
if (!which || which === 'postgres') {
  const pg = await startPostgres();
  try {
    results.push(await benchOne('postgres', pg.url));
  } finally {
    pg.stop();
  }
}
const fmt = (r: Measured) =>
  `${r.rps.toFixed(0).padStart(6)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}` +
  `   CPU ms/request: server ${r.cpuMsPerRequest.server}${r.cpuMsPerRequest.postgres === null ? '' : `, postgres ${r.cpuMsPerRequest.postgres}`}, load ${r.cpuMsPerRequest.load}`;
console.log(`\nAPI benchmark (${os.cpus().length} cores, ${CONNECTIONS} connections, ${DURATION} s per run, load from a separate process; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')})`);
for (const r of results) {
  console.log(`\n${r.database}`);
  console.log(`  applicant create   ${fmt(r.create)}`);
  console.log(`  session create     ${fmt(r.session)}`);
  console.log(`  applicant read     ${fmt(r.read)}`);
}
const outDir = path.resolve(here, '../../../bench-results');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'api.json'), JSON.stringify({ at: new Date().toISOString(), loadAverage: os.loadavg(), results }, null, 2));
