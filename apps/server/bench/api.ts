/**
 * API benchmark (issue: verification core): applicant create, session create and applicant read, driven by
 * autocannon from a separate process on loopback, against `tessera serve --mode api,worker` on the embedded
 * database and on a real PostgreSQL (a throwaway cluster started here from Debian's binaries, or
 * BENCH_DATABASE_URL). Prints requests/s and p50/p99 latency and writes bench-results/api.json.
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

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../bin/tessera.mjs');
const DURATION = Number(process.env.BENCH_DURATION ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);

type LoadResult = { requests: number; rps: number; p50: number; p90: number; p99: number; non2xx: number; errors: number; timeouts: number };

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

async function startPostgres(): Promise<{ url: string; stop: () => void } | null> {
  if (process.env.BENCH_DATABASE_URL) return { url: process.env.BENCH_DATABASE_URL, stop: () => {} };
  const dirs = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort() : [];
  if (!dirs.length) return null;
  const pgBin = `/usr/lib/postgresql/${dirs[dirs.length - 1]}/bin`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-pg-'));
  const asPg = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asPg.length) execFileSync('chown', ['postgres', tmp]);
  const port = await freePort();
  const run = (args: string[]) => execFileSync(asPg[0] ?? args[0], asPg.length ? [...asPg.slice(1), ...args] : args.slice(1), { stdio: 'ignore' });
  run([`${pgBin}/initdb`, '-D', `${tmp}/data`, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  run([`${pgBin}/pg_ctl`, '-D', `${tmp}/data`, '-l', `${tmp}/log`, '-w', '-o', `-k ${tmp} -p ${port} -c listen_addresses='' -c shared_buffers=256MB -c synchronous_commit=on`, 'start']);
  return {
    url: `postgresql://postgres@localhost/postgres?host=${tmp}&port=${port}`,
    stop: () => {
      try {
        run([`${pgBin}/pg_ctl`, '-D', `${tmp}/data`, '-m', 'fast', 'stop']);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    },
  };
}

async function benchOne(name: 'pglite' | 'postgres', databaseUrl?: string) {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-'));
  const env = { ...process.env, NODE_ENV: 'production', PUBLIC_URL: `http://127.0.0.1:${port}`, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn', MASTER_KEY: Buffer.alloc(32, 7).toString('base64'), ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) };
  delete (env as Record<string, string | undefined>).BENCH_DATABASE_URL;
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
    const flows = (await (await fetch(`${url}/v1/flows`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string; name: string }[] };
    const flowId = flows.data.find((f) => f.name === 'Basic KYC')!.id;

    // Warm-up, then the measured runs.
    await load({ url, key, kind: 'create', method: 'POST', prefix: 'warm', flowId, connections: 8, duration: 3 });
    const create = await load({ url, key, kind: 'create', method: 'POST', prefix: 'bench', flowId, connections: CONNECTIONS, duration: DURATION });
    const list = (await (await fetch(`${url}/v1/applicants?limit=200`, { headers: { authorization: `Bearer ${key}` } })).json()) as { data: { id: string }[] };
    const ids = list.data.map((a) => a.id);
    const session = await load({ url, key, kind: 'session', method: 'POST', ids, connections: CONNECTIONS, duration: DURATION });
    const read = await load({ url, key, kind: 'read', method: 'GET', ids, connections: CONNECTIONS, duration: DURATION });
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
  if (!pg) console.log('PostgreSQL binaries not found: skipping the PostgreSQL run (set BENCH_DATABASE_URL).');
  else {
    try {
      results.push(await benchOne('postgres', pg.url));
    } finally {
      pg.stop();
    }
  }
}
const fmt = (r: LoadResult) => `${r.rps.toFixed(0).padStart(6)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
console.log(`\nAPI benchmark (${os.cpus().length} cores, ${CONNECTIONS} connections, ${DURATION} s per run, load from a separate process)`);
for (const r of results) {
  console.log(`\n${r.database}`);
  console.log(`  applicant create   ${fmt(r.create)}`);
  console.log(`  session create     ${fmt(r.session)}`);
  console.log(`  applicant read     ${fmt(r.read)}`);
}
const outDir = path.resolve(here, '../../../bench-results');
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'api.json'), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
