/**
 * Webhook delivery benchmark (issue 4), on PostgreSQL: a real `tessera serve --mode worker` process delivers
 * to a local HTTP receiver in this process.
 *
 *   1. Throughput: BENCH_BACKLOG events are written with no worker running, then one worker drains them;
 *      deliveries/s = deliveries / (last arrival − first arrival).
 *   2. Delay: with the worker idle, events are emitted at BENCH_RATE per second for BENCH_SECONDS (two per
 *      transaction, up to BENCH_PRODUCERS transactions at once); the delay of each is (arrival of its first
 *      attempt at the receiver) − (the event's createdAt). p50/p99/max.
 * CPU per delivery / per event is reported for the worker, PostgreSQL and this process, because this machine is
 * shared and wall-clock rates depend on what else runs.
 *
 * PostgreSQL is DATABASE_URL or a throwaway cluster from Debian's binaries. Prints the figures and writes
 * bench-results/webhooks.json.   npm run bench:webhooks -w @tessera/server
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import { createContext } from '../src/context.ts';
import { openDatabase } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { SYSTEM_ACTOR } from '../src/modules/audit/audit-service.ts';
import { ZCreateApplicant } from '../src/modules/applicant/applicant-types.ts';
import type { Applicant } from '../src/db/types.ts';
import { freshDatabase, startPostgres } from '../test/reliability/postgres.ts';
import { cpuSeconds, postgresCpuSeconds, stat } from './proc.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const serverDir = path.resolve(here, '..');
const BACKLOG = Number(process.env.BENCH_BACKLOG ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const APPLICANTS = 200;
// Transactions in flight at once while emitting at BENCH_RATE, like several API processes and step workers.
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 32);

const log = (m: string) => process.stderr.write(`${m}\n`);

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function main() {
  const pgServer = await startPostgres(log);
  const dbh = await freshDatabase(pgServer.url, 'tessera_whk_bench');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-whk-bench-'));
  const env = {
    NODE_ENV: 'production',
    DATABASE_URL: dbh.url,
    DATA_DIR: dataDir,
    MASTER_KEY: crypto.randomBytes(32).toString('base64'),
    PUBLIC_URL: 'http://tessera.bench',
    LOG_LEVEL: 'warn',
    // The receiver is on loopback.
    ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
  };
  const database = await openDatabase({ databaseUrl: dbh.url, poolMax: 40 });
  await migrate(database);
  const ctx = await createContext(loadConfig(env, { quiet: true }), { database, logger: pino({ level: 'warn' }) });
  await ctx.queue.start({ work: false, schedule: false });

  // Receiver: records when each event's first request arrives.
  const firstArrival = new Map<string, { at: number; createdAt: number }>();
  let requests = 0;
  const receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      requests++;
      const id = String(req.headers['webhook-id']);
      if (!firstArrival.has(id)) firstArrival.set(id, { at, createdAt: Date.parse(JSON.parse(Buffer.concat(chunks).toString()).createdAt) });
      res.writeHead(200).end();
    });
  });
  receiver.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;

  // One organisation, one endpoint, applicants whose step results make the events.
  const demo = await ctx.demo.ensure();
  const scope = { orgId: demo.orgId, mode: 'test' as const };
  const flow = await ctx.db.selectFrom('flows').select('id').where('orgId', '=', scope.orgId).where('mode', '=', 'test').where('currentVersion', 'is not', null).where('kind', '=', 'regular').executeTakeFirstOrThrow();
  const applicants: Applicant[] = [];
  for (let i = 0; i < APPLICANTS; i++) applicants.push(await ctx.applicants.create(scope, ZCreateApplicant.parse({ externalUserId: `bench-${i}`, flowId: flow.id }), SYSTEM_ACTOR));
  await ctx.webhooks.create(scope, { url }, SYSTEM_ACTOR);

  let next = 0;
  const emitBatch = (n: number) =>
    ctx.db.transaction().execute(async (tx) => {
      for (let i = 0; i < n; i++) {
        const a = applicants[next++ % APPLICANTS];
        await ctx.events.emit(tx, { orgId: scope.orgId, mode: 'test', type: 'applicant.step_passed', applicant: a, stepId: 'q', stepType: 'questionnaire', data: { outcome: 'passed', reasons: [] } });
      }
    });

  const spawnWorker = (): ChildProcess =>
    spawn(process.execPath, [path.join(serverDir, 'bin/tessera.mjs'), 'serve', '--mode', 'worker'], { cwd: serverDir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const waitUntil = async (pred: () => boolean | Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await pred())) {
      if (Date.now() > deadline) throw new Error('benchmark timed out');
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  // 1. Throughput: drain a backlog.
  log(`writing a backlog of ${BACKLOG} events…`);
  for (let done = 0; done < BACKLOG; done += 100) await emitBatch(Math.min(100, BACKLOG - done));
  firstArrival.clear();
  const worker = spawnWorker();
  await waitUntil(() => firstArrival.size > 0, 120_000);
  // CPU spent while draining, per delivery: the worker process, PostgreSQL, and this process (the receiver).
  // Our connection's server process is a child of the postmaster.
  const backend = (await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(ctx.db)).rows[0].pid;
  const postmaster = stat(backend)?.[1] ?? '0';
  const cpu0 = { worker: cpuSeconds(worker.pid!), postgres: postgresCpuSeconds(postmaster), bench: process.cpuUsage() };
  const drained0 = firstArrival.size;
  await waitUntil(() => firstArrival.size >= BACKLOG, 600_000);
  const drained = firstArrival.size - drained0;
  const benchCpu = process.cpuUsage(cpu0.bench);
  const cpuMsPerDelivery = {
    worker: Number((((cpuSeconds(worker.pid!) - cpu0.worker) * 1000) / drained).toFixed(2)),
    // Only measurable when the server runs on this machine.
    postgres: stat(postmaster) ? Number((((postgresCpuSeconds(postmaster) - cpu0.postgres) * 1000) / drained).toFixed(2)) : null,
    receiver: Number(((benchCpu.user + benchCpu.system) / 1000 / drained).toFixed(2)),
  };
  const arrivals = [...firstArrival.values()].map((v) => v.at).sort((a, b) => a - b);
  const drainSeconds = (arrivals[arrivals.length - 1] - arrivals[0]) / 1000;
  const throughput = { deliveries: BACKLOG, seconds: Number(drainSeconds.toFixed(2)), deliveriesPerSecond: Math.round(BACKLOG / drainSeconds), cpuMsPerDelivery };
  log(`throughput: ${throughput.deliveriesPerSecond} deliveries/s (${BACKLOG} in ${throughput.seconds} s); CPU ms per delivery ${JSON.stringify(cpuMsPerDelivery)}`);

  // 2. Delay at a steady rate, worker warm and idle.
  firstArrival.clear();
  const total = RATE * SECONDS;
  const tickMs = 20;
  const perTick = (RATE * tickMs) / 1000;
  log(`emitting ${RATE} events/s for ${SECONDS} s…`);
  const start = Date.now();
  const cpu1 = { worker: cpuSeconds(worker.pid!), postgres: postgresCpuSeconds(postmaster), bench: process.cpuUsage() };
  let emitted = 0;
  const inFlight = new Set<Promise<unknown>>();
  for (let tick = 1; emitted < total; tick++) {
    const target = Math.min(total, Math.round(tick * perTick));
    while (emitted < target) {
      // Two events per transaction, as a status change writes (applicant.status_changed + applicant.<status>);
      // many transactions at once, as several API processes and step workers would run them.
      const n = Math.min(2, target - emitted);
      emitted += n;
      const p: Promise<unknown> = emitBatch(n).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= PRODUCERS) await Promise.race(inFlight);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, start + tick * tickMs - Date.now())));
  }
  await Promise.all(inFlight);
  const producedSeconds = (Date.now() - start) / 1000;
  await waitUntil(() => firstArrival.size >= total, 120_000);
  const delays = [...firstArrival.values()].map((v) => v.at - v.createdAt).sort((a, b) => a - b);
  // Whole pipeline CPU per event: this process (producing the events and receiving them), PostgreSQL, worker.
  const benchCpu2 = process.cpuUsage(cpu1.bench);
  const cpuMsPerEvent = {
    producerAndReceiver: Number(((benchCpu2.user + benchCpu2.system) / 1000 / total).toFixed(2)),
    postgres: stat(postmaster) ? Number((((postgresCpuSeconds(postmaster) - cpu1.postgres) * 1000) / total).toFixed(2)) : null,
    worker: Number((((cpuSeconds(worker.pid!) - cpu1.worker) * 1000) / total).toFixed(2)),
  };
  const delay = {
    events: total,
    targetRate: RATE,
    achievedEventRate: Math.round(total / producedSeconds),
    p50Ms: pct(delays, 50),
    p90Ms: pct(delays, 90),
    p99Ms: pct(delays, 99),
    maxMs: delays[delays.length - 1],
    cpuMsPerEvent,
  };
  log(`delay event → first attempt at ${delay.achievedEventRate} events/s: p50 ${delay.p50Ms} ms, p99 ${delay.p99Ms} ms, max ${delay.maxMs} ms; CPU ms per event ${JSON.stringify(cpuMsPerEvent)}`);

  worker.kill('SIGTERM');
  await new Promise((r) => worker.once('exit', r));
  const attempts = await ctx.db.selectFrom('webhookAttempts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

  const result = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadAverageAtEnd: os.loadavg().map((l) => Number(l.toFixed(2))) },
    database: 'postgresql',
    workerConcurrency: ctx.config.webhooks.concurrency,
    throughput,
    delay,
    requests,
    attemptsRecorded: Number(attempts.n),
    targets: { deliveriesPerSecond: 500, p99Ms: 1000 },
  };
  const out = path.resolve(serverDir, '../../bench-results/webhooks.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`${JSON.stringify(result, null, 2)}\nwritten to ${out}\n`);

  await new Promise<void>((r) => {
    receiver.closeAllConnections();
    receiver.close(() => r());
  });
  await ctx.close();
  await dbh.drop();
  pgServer.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
