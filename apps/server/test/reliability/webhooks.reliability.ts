import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../../src/config.ts';
import { createContext, type AppContext } from '../../src/context.ts';
import { openDatabase } from '../../src/db/connection.ts';
import { migrate } from '../../src/db/migrate.ts';
import { buildApp } from '../../src/http/app.ts';
import { SYSTEM_ACTOR } from '../../src/modules/audit/audit-service.ts';
import { newOrg, type TestApp } from '../helpers.ts';
import { makeFlow, QUESTIONNAIRE, waitFor } from '../flow-helpers.ts';
import { startCanary, startReceiver, type Received, type Reply } from '../webhook-receiver.ts';
import { freshDatabase, startPostgres } from './postgres.ts';

/**
 * The reliability runs of the webhooks issue, on PostgreSQL. Not part of `npm test` (minutes, real kills):
 *   npm run test:reliability -w @tessera/server
 * Figures are printed and written to bench-results/webhooks-reliability.json.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const serverDir = path.resolve(here, '../..');
const EVENTS = Number(process.env.RELIABILITY_EVENTS ?? 2000);
// Three days of retries in about 26 s; the 15 s attempt timeout stays real.
const TIME_SCALE = 1e-4;
const figures: Record<string, unknown> = {};

let pgServer: Awaited<ReturnType<typeof startPostgres>>;
beforeAll(async () => {
  pgServer = await startPostgres();
});
afterAll(() => {
  pgServer?.stop();
  const out = path.resolve(serverDir, '../../bench-results/webhooks-reliability.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), events: EVENTS, ...figures }, null, 2) + '\n');
  process.stdout.write(`\nwebhook reliability figures (${out}):\n${JSON.stringify(figures, null, 2)}\n`);
});

/** A migrated database, a context with the HTTP app, one organisation with a flow and 50 applicants. */
async function environment(env: Record<string, string>) {
  const db = await freshDatabase(pgServer.url, 'tessera_whk_rel');
  const database = await openDatabase({ databaseUrl: db.url, poolMax: 20 });
  await migrate(database);
  const masterKey = crypto.randomBytes(32).toString('base64');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-whk-rel-'));
  const baseEnv = {
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    MASTER_KEY: masterKey,
    PUBLIC_URL: 'http://tessera.test',
    LOG_LEVEL: 'warn',
    ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
    WEBHOOK_TIME_SCALE: String(TIME_SCALE),
    ...env,
  };
  const config = loadConfig(baseEnv, { quiet: true });
  const ctx = await createContext(config, { database, logger: pino({ level: 'warn' }) });
  await ctx.queue.start({ work: false, schedule: false });
  const app = await buildApp(ctx, { logger: false });
  const o = await newOrg({ ctx, app } as unknown as TestApp, 'Reliability');
  const flowId = await makeFlow(o.api, [{ id: 'q', type: 'questionnaire', settings: { schema: QUESTIONNAIRE } }]);
  const applicants: string[] = [];
  for (let i = 0; i < 50; i++) applicants.push((await o.api.post('/v1/applicants', { externalUserId: `rel-${i}`, flowId })).body.id);
  // The applicant.created events above happened before any endpoint existed: they have no deliveries.
  return {
    ctx,
    o,
    baseEnv,
    scope: { orgId: o.orgId, mode: 'test' as const },
    /** `n` step results, emitted through the event service in transactions of 50, as the step worker does. */
    async emit(n: number) {
      const ids: string[] = [];
      for (let done = 0; done < n; done += 50) {
        await ctx.db.transaction().execute(async (tx) => {
          for (let i = done; i < Math.min(n, done + 50); i++) {
            const a = await tx.selectFrom('applicants').selectAll().where('id', '=', applicants[i % applicants.length]).executeTakeFirstOrThrow();
            const e = await ctx.events.emit(tx, { orgId: o.orgId, mode: 'test', type: 'applicant.step_passed', applicant: a, stepId: 'q', stepType: 'questionnaire', data: { outcome: 'passed', reasons: [] } });
            ids.push(e.id);
          }
        });
      }
      return ids;
    },
    async close() {
      await app.close();
      await ctx.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Deterministic randomness, so a failing run can be replayed with the same seed. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function deliveryStates(ctx: AppContext) {
  const rows = await ctx.db.selectFrom('webhookDeliveries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Record<string, number>;
}

/** Every request verified with the reference library, and its timestamp taken at the attempt, not reused. */
function checkSignatures(received: Received[], secret: string) {
  const wh = new Webhook(secret);
  let bad = 0;
  let stale = 0;
  for (const r of received) {
    try {
      wh.verify(r.body, r.headers as Record<string, string>);
    } catch {
      bad++;
    }
    if (Math.abs(Number(r.timestamp) - r.at / 1000) > 1.5) stale++;
  }
  return { bad, stale };
}

/** Groups requests by webhook-id; checks that an id always carries the same event and body. */
function byId(received: Received[]) {
  const groups = new Map<string, Received[]>();
  for (const r of received) groups.set(r.id, [...(groups.get(r.id) ?? []), r]);
  let inconsistent = 0;
  for (const g of groups.values()) if (new Set(g.map((r) => r.body)).size !== 1) inconsistent++;
  return { groups, inconsistent };
}

describe('webhook reliability on PostgreSQL', () => {
  it(`flaky receiver: ${EVENTS} events all delivered, ids stable, fresh signature per attempt, no redirect followed`, async () => {
    const env = await environment({});
    const canary = await startCanary();
    const seed = Number(process.env.RELIABILITY_SEED ?? 20261122);
    const random = prng(seed);
    const outcomes: Record<string, number> = {};
    const okIds = new Set<string>();
    const rx = await startReceiver((r) => {
      const x = random();
      const pick = (kind: string, reply: Reply) => {
        outcomes[kind] = (outcomes[kind] ?? 0) + 1;
        return reply;
      };
      if (x < 0.7) {
        okIds.add(r.id);
        return pick('200', { status: 200, body: 'ok' });
      }
      if (x < 0.8) return pick('500', { status: 500, body: 'boom' });
      if (x < 0.86) return pick('reset', { reset: true });
      if (x < 0.92) return pick('redirect', { status: 302, headers: { location: `http://127.0.0.1:${canary.port}/internal` } });
      if (x < 0.98) return pick('429/503 + Retry-After', { status: x < 0.95 ? 429 : 503, headers: { 'retry-after': '2' } });
      return pick('timeout', { hang: true });
    });
    try {
      const { endpoint, secret } = await env.ctx.webhooks.create(env.scope, { url: rx.url }, SYSTEM_ACTOR);
      const eventIds = await env.emit(EVENTS);
      const deliveries = await env.ctx.db.selectFrom('webhookDeliveries').select(['id', 'eventId']).where('endpointId', '=', endpoint.id).execute();
      expect(deliveries).toHaveLength(EVENTS);
      expect(new Set(deliveries.map((d) => d.eventId))).toEqual(new Set(eventIds));

      const started = Date.now();
      env.ctx.webhookWorker.start();
      await waitFor(() => deliveryStates(env.ctx), (s) => (s.delivered ?? 0) + (s.failed ?? 0) === EVENTS, 600_000);
      const seconds = (Date.now() - started) / 1000;
      await env.ctx.webhookWorker.stop();

      const states = await deliveryStates(env.ctx);
      const { groups, inconsistent } = byId(rx.received);
      const sig = checkSignatures(rx.received, secret);
      const attemptsPerDelivery = [...groups.values()].map((g) => g.length);
      const attemptRows = await env.ctx.db.selectFrom('webhookAttempts').select(['deliveryId', 'webhookTimestamp', 'success']).execute();
      // Attempts of one delivery that fell in different seconds carry different timestamps (and so signatures).
      const perDelivery = new Map<string, number[]>();
      for (const a of attemptRows) perDelivery.set(a.deliveryId, [...(perDelivery.get(a.deliveryId) ?? []), Number(a.webhookTimestamp)]);
      const retried = [...perDelivery.values()].filter((ts) => ts.length > 1);
      const spanning = retried.filter((ts) => Math.min(...ts) !== Math.max(...ts));
      const signaturesOfSpanning = [...groups.values()].filter((g) => new Set(g.map((r) => r.timestamp)).size > 1);
      const freshSignatures = signaturesOfSpanning.every((g) => new Set(g.map((r) => r.signature)).size === new Set(g.map((r) => r.timestamp)).size);

      figures.flaky = {
        seed,
        seconds: Number(seconds.toFixed(1)),
        deliveries: states,
        requests: rx.received.length,
        receiverAnswers: outcomes,
        distinctWebhookIds: groups.size,
        maxAttemptsForOneDelivery: Math.max(...attemptsPerDelivery),
        deliveriesRetried: retried.length,
        retriedAcrossSeconds: spanning.length,
        signatureFailures: sig.bad,
        timestampsNotFromTheAttempt: sig.stale,
        idsWithDifferentBodies: inconsistent,
        redirectsFollowed: canary.hits,
      };

      expect(states).toEqual({ delivered: EVENTS });
      expect(groups.size).toBe(EVENTS);
      expect(okIds).toEqual(new Set(deliveries.map((d) => d.id)));
      expect(inconsistent).toBe(0);
      expect(sig).toEqual({ bad: 0, stale: 0 });
      expect(spanning.length).toBeGreaterThan(0);
      expect(freshSignatures).toBe(true);
      expect(canary.hits).toBe(0);
      // Every request the receiver saw was logged as an attempt (timeouts and resets included).
      expect(attemptRows.length).toBe(rx.received.length);
    } finally {
      await rx.close();
      await canary.close();
      await env.close();
    }
  });

  it(`kill -9 of the worker process while ${EVENTS} deliveries are pending: none lost, duplicates only as retries of one webhook-id`, async () => {
    const env = await environment({});
    // Answers take 5–40 ms, so a kill always catches deliveries in flight.
    const server = await startReceiver(() => ({ status: 200, delayMs: 5 + crypto.randomInt(35) }));
    let workers = 0;
    const spawnWorker = (): ChildProcess => {
      workers++;
      return spawn(process.execPath, [path.join(serverDir, 'bin/tessera.mjs'), 'serve', '--mode', 'worker'], {
        cwd: serverDir,
        env: { ...process.env, ...env.baseEnv, WEBHOOK_CONCURRENCY: '64' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
    };
    const kill9 = (p: ChildProcess) =>
      new Promise<void>((resolve) => {
        p.once('exit', () => resolve());
        p.kill('SIGKILL');
      });
    try {
      const { endpoint, secret } = await env.ctx.webhooks.create(env.scope, { url: server.url }, SYSTEM_ACTOR);
      await env.emit(EVENTS);
      const ids = (await env.ctx.db.selectFrom('webhookDeliveries').select('id').where('endpointId', '=', endpoint.id).execute()).map((d) => d.id);
      expect(ids).toHaveLength(EVENTS);

      const kills: { afterRequests: number; pendingAtKill: number }[] = [];
      const started = Date.now();
      const KILLS = Number(process.env.RELIABILITY_KILLS ?? 8);
      for (let k = 0; k < KILLS; k++) {
        const before = server.received.length;
        const pendingBefore = (await deliveryStates(env.ctx)).pending ?? 0;
        const w = spawnWorker();
        // Let this worker get going (startup takes a few seconds), then kill it mid-stream. Near the end
        // fewer than 40 may be left (some still leased by the previous, killed worker until the lease expires).
        await server.waitFor((all) => all.length >= before + Math.min(40, pendingBefore), 120_000);
        await new Promise((r) => setTimeout(r, 100 + crypto.randomInt(400)));
        await kill9(w);
        const s = await deliveryStates(env.ctx);
        kills.push({ afterRequests: server.received.length, pendingAtKill: s.pending ?? 0 });
        if (!s.pending) break;
      }
      const last = spawnWorker();
      await waitFor(() => deliveryStates(env.ctx), (s) => !s.pending, 300_000);
      last.kill('SIGTERM');
      await new Promise((r) => last.once('exit', r));
      const seconds = (Date.now() - started) / 1000;

      const states = await deliveryStates(env.ctx);
      const { groups, inconsistent } = byId(server.received);
      const sig = checkSignatures(server.received, secret);
      const unknown = [...groups.keys()].filter((id) => !ids.includes(id));
      const duplicates = server.received.length - groups.size;
      figures.crash = {
        seconds: Number(seconds.toFixed(1)),
        workerProcesses: workers,
        kills: kills.length,
        pendingAtEachKill: kills.map((k) => k.pendingAtKill),
        deliveries: states,
        requests: server.received.length,
        distinctWebhookIds: groups.size,
        lost: EVENTS - groups.size,
        duplicateRequests: duplicates,
        duplicatesWithANewId: unknown.length,
        idsWithDifferentBodies: inconsistent,
        signatureFailures: sig.bad,
      };
      expect(kills.length).toBeGreaterThanOrEqual(Math.min(KILLS, 3));
      expect(states).toEqual({ delivered: EVENTS });
      expect(groups.size).toBe(EVENTS);
      expect(unknown).toEqual([]);
      expect(inconsistent).toBe(0);
      expect(sig.bad).toBe(0);
    } finally {
      await server.close();
      await env.close();
    }
  });
});
