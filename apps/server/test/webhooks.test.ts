import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createTestApp, newOrg, type TestApp } from './helpers.ts';
import { QUESTIONNAIRE, makeFlow, waitFor } from './flow-helpers.ts';
import { startCanary, startReceiver, type Receiver } from './webhook-receiver.ts';
import { SYSTEM_ACTOR } from '../src/modules/audit/audit-service.ts';
import { backoffMs, judge, parseRetryAfterMs } from '../src/modules/webhook/delivery-policy.ts';
import { postWebhook } from '../src/modules/webhook/webhook-sender.ts';
import { pruneWebhookLog } from '../src/jobs/maintenance.ts';
import { sql } from 'kysely';

/**
 * Webhooks end to end: real HTTP to a local receiver, signatures checked with the reference
 * `standardwebhooks` library, retries on a time scale of 1e-5 (WEBHOOK_TIME_SCALE: three days ≈ 2.7 s).
 * The local receiver is on 127.0.0.1, so private addresses are allowed here; the guard itself is tested in
 * webhooks-ssrf.test.ts.
 */

const SCALE = 1e-5;
let t: TestApp;
const receivers: Receiver[] = [];

beforeAll(async () => {
  t = await createTestApp({ env: { ALLOW_PRIVATE_WEBHOOK_URLS: 'true', WEBHOOK_TIME_SCALE: String(SCALE) } });
  t.ctx.webhookWorker.start();
});
afterAll(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  await t?.close();
});

async function receiver(...args: Parameters<typeof startReceiver>) {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

/** A fresh organisation with a published flow, so every test sees only its own endpoints and events. */
async function setup() {
  const o = await newOrg(t, 'Hooks');
  const flowId = await makeFlow(o.api, [{ id: 'q', type: 'questionnaire', settings: { schema: QUESTIONNAIRE } }]);
  const applicant = async (externalUserId = `user-${crypto.randomBytes(4).toString('hex')}`) => {
    const r = await o.api.post('/v1/applicants', { externalUserId, flowId });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };
  return { ...o, flowId, applicant };
}

const deliveries = (api: { get: (u: string) => Promise<{ body: any }> }, q = '') => api.get(`/v1/webhooks/deliveries?limit=200${q}`).then((r) => r.body.data as any[]);

describe('endpoints', () => {
  it('registers an endpoint, shows its secret once, and signs deliveries the standardwebhooks library accepts', async () => {
    const o = await setup();
    const rx = await receiver();
    const created = await o.api.post('/v1/webhooks/endpoints', { url: rx.url, description: 'main' });
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^whk_/);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body.applicationId).toBe(o.appId);
    const secret = created.body.secret as string;

    const listed = await o.api.get('/v1/webhooks/endpoints');
    expect(listed.body.data).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.data[0].secretHint).toBe(`${secret.slice(0, 10)}…`);
    const raw = await t.ctx.db.selectFrom('webhookEndpoints').selectAll().where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain(secret.slice(6));

    const applicantId = await o.applicant('ext-42');
    const [msg] = await rx.waitFor((all) => all.length >= 1);
    const payload = new Webhook(secret).verify(msg.body, msg.headers as Record<string, string>) as Record<string, unknown>;
    expect(payload).toMatchObject({ type: 'applicant.created', applicantId, externalUserId: 'ext-42', mode: 'test', sequence: 1 });
    expect(payload.id).toMatch(/^evt_/);
    expect(msg.id).toMatch(/^dlv_/);
    expect(Math.abs(Number(msg.timestamp) - msg.at / 1000)).toBeLessThan(2);
    expect(msg.headers['content-type']).toBe('application/json');
    expect(() => new Webhook(`whsec_${crypto.randomBytes(32).toString('base64')}`).verify(msg.body, msg.headers as Record<string, string>)).toThrow();

    const log = await waitFor(() => deliveries(o.api), (d) => d[0]?.status === 'delivered');
    expect(log[0]).toMatchObject({ id: msg.id, eventType: 'applicant.created', endpointId: created.body.id, responseStatus: 200, attempts: 1 });
    const detail = await o.api.get(`/v1/webhooks/deliveries/${msg.id}`);
    expect(detail.body.attemptLog).toHaveLength(1);
    expect(detail.body.attemptLog[0]).toMatchObject({ attemptNo: 1, statusCode: 200, success: true, webhookTimestamp: Number(msg.timestamp) });
    // The event behind the delivery is the one the events API serves.
    expect((await o.api.get(`/v1/events/${payload.id}`)).body.payload).toEqual(payload);
  });

  it('rotation: both secrets sign for a day, then the new one alone', async () => {
    const o = await setup();
    const rx = await receiver();
    const created = await o.api.post('/v1/webhooks/endpoints', { url: rx.url });
    const rotated = await o.api.post(`/v1/webhooks/endpoints/${created.body.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(created.body.secret);
    expect(Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    await o.applicant();
    const [msg] = await rx.waitFor((all) => all.length >= 1);
    expect(msg.signature.split(' ')).toHaveLength(2);
    for (const s of [created.body.secret, rotated.body.secret]) expect(new Webhook(s).verify(msg.body, msg.headers as Record<string, string>)).toBeTruthy();

    await t.ctx.db.updateTable('webhookEndpoints').set({ previousSecretExpiresAt: new Date(Date.now() - 1000) }).where('id', '=', created.body.id).execute();
    await o.applicant();
    const [, second] = await rx.waitFor((all) => all.length >= 2);
    expect(second.signature.split(' ')).toHaveLength(1);
    expect(() => new Webhook(created.body.secret).verify(second.body, second.headers as Record<string, string>)).toThrow();
    expect(new Webhook(rotated.body.secret).verify(second.body, second.headers as Record<string, string>)).toBeTruthy();
  });

  it("encrypts with the application's crypto key: AES-256-CBC, {data: base64(iv + ciphertext)}", async () => {
    const o = await setup();
    const rx = await receiver();
    const ep = await o.api.post('/v1/webhooks/endpoints', { url: rx.url, encrypt: true });
    expect(ep.body.encrypt).toBe(true);
    const applicantId = await o.applicant('secret-user');
    const [msg] = await rx.waitFor((all) => all.length >= 1);
    expect(msg.body).not.toContain('secret-user');
    const outer = new Webhook(ep.body.secret).verify(msg.body, msg.headers as Record<string, string>) as { data: string };
    expect(Object.keys(outer)).toEqual(['data']);

    const key = Buffer.from((await o.owner.get(`/v1/applications/${o.appId}/crypto-key`)).body.cryptoKey, 'base64');
    const blob = Buffer.from(outer.data, 'base64');
    const decipher = crypto.createDecipheriv('aes-256-cbc', key, blob.subarray(0, 16));
    const plain = JSON.parse(Buffer.concat([decipher.update(blob.subarray(16)), decipher.final()]).toString('utf8'));
    expect(plain).toMatchObject({ type: 'applicant.created', applicantId, externalUserId: 'secret-user' });

    // Two encryptions of the same kind of payload never share an IV.
    await o.applicant('secret-user-2');
    const [, second] = await rx.waitFor((all) => all.length >= 2);
    expect(JSON.parse(second.body).data.slice(0, 22)).not.toBe(outer.data.slice(0, 22));
  });

  it('filters by event type, sends statuses only without personal data, and final verdicts only', async () => {
    const o = await setup();
    const all = await receiver();
    const created = await receiver();
    const statuses = await receiver();
    const finals = await receiver();
    await o.api.post('/v1/webhooks/endpoints', { url: all.url });
    await o.api.post('/v1/webhooks/endpoints', { url: created.url, events: ['applicant.created'] });
    await o.api.post('/v1/webhooks/endpoints', { url: statuses.url, noPersonalData: true });
    await o.api.post('/v1/webhooks/endpoints', { url: finals.url, finalOnly: true });

    const id = await o.applicant('jane.doe@example.com');
    await t.ctx.db.transaction().execute(async (tx) => {
      await t.ctx.states.transition(tx, id, 'IN_PROGRESS', { actor: SYSTEM_ACTOR });
      await t.ctx.states.transition(tx, id, 'COMPLETED', { actor: SYSTEM_ACTOR });
    });
    const review = await o.api.post(`/v1/applicants/${id}/review`, { decision: 'approve', clientComment: 'Welcome Jane Doe' });
    expect(review.status).toBe(200);

    const events = (await o.api.get(`/v1/events?applicantId=${id}&limit=200`)).body.data as { type: string }[];
    const types = events.map((e) => e.type).sort();
    await all.waitFor((r) => r.length === events.length);
    expect(all.received.map((r) => JSON.parse(r.body).type).sort()).toEqual(types);

    await created.waitFor((r) => r.length === 1);
    expect(JSON.parse(created.received[0].body).type).toBe('applicant.created');

    await statuses.waitFor((r) => r.length === events.length);
    for (const r of statuses.received) {
      expect(r.body).not.toContain('jane.doe');
      expect(r.body).not.toContain('Welcome');
      expect(JSON.parse(r.body).applicantId).toBe(id);
    }
    const reviewed = statuses.received.map((r) => JSON.parse(r.body)).find((p) => p.type === 'review.completed');
    expect(reviewed.reviewResult).toEqual({ decision: 'approve', rejectType: null, rejectLabels: [] });

    const expectedFinal = events.filter((e: any) => ['applicant.approved', 'review.completed'].includes(e.type) || (e.type === 'applicant.status_changed' && e.payload.to === 'APPROVED'));
    await finals.waitFor((r) => r.length === expectedFinal.length);
    expect(finals.received.map((r) => JSON.parse(r.body).type).sort()).toEqual(expectedFinal.map((e) => e.type).sort());
    // Receivers order a verdict by its per-applicant sequence number.
    const seqs = all.received.map((r) => JSON.parse(r.body).sequence).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: events.length }, (_, i) => i + 1));
  });

  it('sends custom headers, refuses to let them replace the contract headers, and validates input', async () => {
    const o = await setup();
    const rx = await receiver();
    const ep = await o.api.post('/v1/webhooks/endpoints', { url: rx.url, headers: { Authorization: 'Bearer abc', 'X-Tenant': 't1' } });
    expect(ep.body.headers).toEqual({ Authorization: 'Bearer abc', 'X-Tenant': 't1' });
    await o.applicant();
    const [msg] = await rx.waitFor((all) => all.length >= 1);
    expect(msg.headers.authorization).toBe('Bearer abc');
    expect(msg.headers['x-tenant']).toBe('t1');

    for (const name of ['webhook-signature', 'Webhook-Id', 'Content-Type', 'host']) {
      const r = await o.api.post('/v1/webhooks/endpoints', { url: rx.url, headers: { [name]: 'x' } });
      expect(r.status, name).toBe(400);
    }
    expect((await o.api.post('/v1/webhooks/endpoints', { url: rx.url, events: ['applicantCreated'] })).status).toBe(400);
    expect((await o.api.post('/v1/webhooks/endpoints', { url: 'ftp://example.com/x' })).status).toBe(400);
    expect((await o.api.post('/v1/webhooks/endpoints', { url: rx.url, unknown: 1 })).status).toBe(400);
  });

  it('updates, disables, enables and deletes endpoints; a disabled endpoint gets nothing', async () => {
    const o = await setup();
    const rx = await receiver();
    const ep = (await o.api.post('/v1/webhooks/endpoints', { url: rx.url })).body;
    const patched = await o.api.patch(`/v1/webhooks/endpoints/${ep.id}`, { events: ['applicant.approved'], noPersonalData: true, description: 'x' });
    expect(patched.body).toMatchObject({ events: ['applicant.approved'], noPersonalData: true, description: 'x' });
    await o.api.patch(`/v1/webhooks/endpoints/${ep.id}`, { events: [] });

    const off = await o.api.post(`/v1/webhooks/endpoints/${ep.id}/disable`);
    expect(off.body).toMatchObject({ status: 'disabled', disabledReason: 'manual' });
    await o.applicant();
    expect(await deliveries(o.api)).toHaveLength(0);
    expect((await o.api.post(`/v1/webhooks/endpoints/${ep.id}/test`)).body.error.code).toBe('endpoint_disabled');

    expect((await o.api.post(`/v1/webhooks/endpoints/${ep.id}/enable`)).body.status).toBe('active');
    await o.applicant();
    await rx.waitFor((all) => all.length === 1);

    expect((await o.api.del(`/v1/webhooks/endpoints/${ep.id}`)).status).toBe(200);
    expect((await o.api.get(`/v1/webhooks/endpoints/${ep.id}`)).status).toBe(404);
    const audit = await t.ctx.db.selectFrom('auditLog').select('action').where('targetId', '=', ep.id).execute();
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['webhook_endpoint.created', 'webhook_endpoint.updated', 'webhook_endpoint.disabled', 'webhook_endpoint.enabled', 'webhook_endpoint.deleted']),
    );
  });

  it('test-send from settings: one signed webhook.test message, logged like any delivery', async () => {
    const o = await setup();
    const rx = await receiver();
    const ep = (await o.owner.post('/v1/webhooks/endpoints', { url: rx.url })).body;
    const r = await o.owner.post(`/v1/webhooks/endpoints/${ep.id}/test`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'delivered', eventType: 'webhook.test', eventId: null, attempts: 1 });
    expect(r.body.attemptLog[0]).toMatchObject({ statusCode: 200, success: true });
    expect(new Webhook(ep.secret).verify(rx.received[0].body, rx.received[0].headers as Record<string, string>)).toMatchObject({ type: 'webhook.test', endpointId: ep.id });

    rx.setHandler(() => ({ status: 503, body: 'down for maintenance' }));
    const failed = await o.owner.post(`/v1/webhooks/endpoints/${ep.id}/test`);
    expect(failed.body).toMatchObject({ status: 'failed', responseStatus: 503, attempts: 1 });
    expect(failed.body.attemptLog[0].responseSnippet).toBe('down for maintenance');
  });
});

describe('application webhook URL', () => {
  it('is one endpoint, kept in step with the application', async () => {
    const o = await setup();
    const rx = await receiver();
    const patched = await o.owner.patch(`/v1/applications/${o.appId}`, { webhookUrl: rx.url, webhookHeaders: { 'X-Token': 's3' } });
    expect(patched.status).toBe(200);
    const [ep] = (await o.owner.get(`/v1/webhooks/endpoints?applicationId=${o.appId}`)).body.data;
    expect(ep).toMatchObject({ managed: true, url: rx.url, headers: { 'X-Token': 's3' }, applicationId: o.appId, status: 'active' });
    await o.applicant();
    const [msg] = await rx.waitFor((all) => all.length >= 1);
    expect(msg.headers['x-token']).toBe('s3');
    // The back office shows the application's delivery log.
    await waitFor(() => deliveries(o.owner, `&applicationId=${o.appId}`), (d) => d.length === 1 && d[0].status === 'delivered');

    expect((await o.owner.patch(`/v1/webhooks/endpoints/${ep.id}`, { url: rx.url + '2' })).body.error.code).toBe('endpoint_managed');
    expect((await o.owner.del(`/v1/webhooks/endpoints/${ep.id}`)).body.error.code).toBe('endpoint_managed');
    expect((await o.owner.patch(`/v1/webhooks/endpoints/${ep.id}`, { finalOnly: true })).body.finalOnly).toBe(true);
    expect((await o.owner.patch(`/v1/applications/${o.appId}`, { webhookHeaders: { 'Webhook-Signature': 'x' } })).body.error.code).toBe('webhook_header_reserved');

    await o.owner.patch(`/v1/applications/${o.appId}`, { webhookUrl: null });
    expect((await o.owner.get(`/v1/webhooks/endpoints/${ep.id}`)).body).toMatchObject({ status: 'disabled' });
    await o.owner.patch(`/v1/applications/${o.appId}`, { webhookUrl: rx.url + '?v=2' });
    const again = (await o.owner.get(`/v1/webhooks/endpoints/${ep.id}`)).body;
    expect(again).toMatchObject({ status: 'active', url: rx.url + '?v=2', secretHint: ep.secretHint });
    expect((await o.owner.get('/v1/webhooks/endpoints')).body.data).toHaveLength(1);

    const created = await o.owner.post('/v1/applications', { name: 'Second', webhookUrl: rx.url });
    expect(created.status).toBe(201);
    expect((await o.owner.get(`/v1/webhooks/endpoints?applicationId=${created.body.id}`)).body.data).toHaveLength(1);
  });
});

describe('retries', () => {
  it('retries 500s and resets with the same webhook-id and a fresh signature per attempt', async () => {
    const o = await setup();
    const rx = await receiver((_r, n) => (n === 1 ? { status: 500 } : n === 2 ? { reset: true } : { status: 204 }));
    const ep = (await o.api.post('/v1/webhooks/endpoints', { url: rx.url })).body;
    await o.applicant();
    await rx.waitFor((all) => all.length === 3);
    expect(new Set(rx.received.map((r) => r.id)).size).toBe(1);
    for (const r of rx.received) expect(new Webhook(ep.secret).verify(r.body, r.headers as Record<string, string>)).toBeTruthy();
    const [d] = await waitFor(() => deliveries(o.api), (d) => d[0]?.status === 'delivered');
    const log = (await o.api.get(`/v1/webhooks/deliveries/${d.id}`)).body.attemptLog;
    expect(log.map((a: any) => [a.attemptNo, a.statusCode, a.success])).toEqual([
      [1, 500, false],
      [2, null, false],
      [3, 204, true],
    ]);
    expect(log[1].error).toMatch(/ECONNRESET|socket hang up/);
    // Each attempt was signed at its own time.
    for (let i = 0; i < 3; i++) expect(log[i].webhookTimestamp).toBe(Number(rx.received[i].timestamp));
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const rx = await receiver(() => ({ hang: true }));
    const url = new URL(rx.url);
    const r = await postWebhook(url, [{ address: '127.0.0.1', family: 4 }], {}, '{}', 300);
    expect(r).toMatchObject({ statusCode: null, error: expect.stringContaining('timeout') });
    expect(rx.received).toHaveLength(1);
  });

  it('treats 3xx as a failure and never follows the redirect', async () => {
    const o = await setup();
    const canary = await startCanary();
    const rx = await receiver(() => ({ status: 302, headers: { location: `http://127.0.0.1:${canary.port}/internal` } }));
    await o.api.post('/v1/webhooks/endpoints', { url: rx.url });
    await o.applicant();
    await rx.waitFor((all) => all.length >= 3);
    const [d] = await deliveries(o.api);
    expect(d.responseStatus).toBe(302);
    expect(['pending', 'failed']).toContain(d.status);
    expect(canary.hits).toBe(0);
    await canary.close();
  });

  it('honours Retry-After on 429 and 503 and keeps the backoff as a floor', async () => {
    const o = await setup();
    const rx = await receiver((_r, n) => (n === 1 ? { status: 429, headers: { 'retry-after': '3600' } } : n === 2 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 }));
    await o.api.post('/v1/webhooks/endpoints', { url: rx.url });
    await o.applicant();
    await rx.waitFor((all) => all.length === 3);
    const [d] = await waitFor(() => deliveries(o.api), (d) => d[0]?.status === 'delivered');
    const log = (await o.api.get(`/v1/webhooks/deliveries/${d.id}`)).body.attemptLog;
    const gap = (a: any) => Date.parse(a.nextAttemptAt) - Date.parse(a.attemptedAt);
    // 3600 s on the test time scale; the next attempt did not come earlier.
    expect(gap(log[0])).toBeGreaterThanOrEqual(3600_000 * SCALE - 5);
    expect(Date.parse(log[1].attemptedAt)).toBeGreaterThanOrEqual(Date.parse(log[0].nextAttemptAt));
    expect(gap(log[1])).toBeGreaterThanOrEqual(1000 * SCALE);

    // The policy itself, unscaled.
    const now = Date.UTC(2026, 0, 1);
    expect(judge({ statusCode: 429, latencyMs: 1, snippet: null, error: null, retryAfter: '7200' }, 1, 10, 1, now, () => 0.5)).toEqual({ kind: 'retry', delayMs: 7_200_000 });
    expect(judge({ statusCode: 503, latencyMs: 1, snippet: null, error: null, retryAfter: '1' }, 3, 10, 1, now, () => 0.5)).toEqual({ kind: 'retry', delayMs: 125_000 });
    expect(judge({ statusCode: 400, latencyMs: 1, snippet: null, error: null, retryAfter: '9999' }, 1, 10, 1, now, () => 0.5)).toEqual({ kind: 'retry', delayMs: 5_000 });
    expect(parseRetryAfterMs(new Date(now + 60_000).toUTCString(), now)).toBe(60_000);
    expect(parseRetryAfterMs('soon', now)).toBeNull();
    expect(judge({ statusCode: 500, latencyMs: 1, snippet: null, error: null, retryAfter: null }, 10, 10, 1, now)).toEqual({ kind: 'exhausted' });
    expect(judge({ statusCode: 201, latencyMs: 1, snippet: null, error: null, retryAfter: null }, 10, 10, 1, now)).toEqual({ kind: 'delivered' });
  });

  it('schedules 10 attempts over about three days with jitter', () => {
    const mid = Array.from({ length: 9 }, (_, i) => backoffMs(i + 1, () => 0.5));
    const total = mid.reduce((a, b) => a + b, 0);
    expect(total / 3600_000).toBeGreaterThan(70);
    expect(total / 3600_000).toBeLessThan(80);
    for (let i = 1; i < mid.length; i++) expect(mid[i]).toBeGreaterThanOrEqual(mid[i - 1]);
    expect(backoffMs(1, () => 0)).toBe(4000);
    expect(backoffMs(1, () => 0.9999)).toBeLessThanOrEqual(6000);
  });

  it('gives up after 10 attempts, then redelivers one or all failed with the same webhook-id', async () => {
    const o = await setup();
    const rx = await receiver(() => ({ status: 500 }));
    const ep = (await o.api.post('/v1/webhooks/endpoints', { url: rx.url })).body;
    await o.applicant();
    await o.applicant();
    const failed = await waitFor(() => deliveries(o.api, '&status=failed'), (d) => d.length === 2);
    expect(failed.every((d) => d.attempts === 10 && d.responseStatus === 500)).toBe(true);
    expect(rx.received).toHaveLength(20);
    expect((await deliveries(o.api, '&status=undelivered')).length).toBe(2);

    rx.setHandler(() => ({ status: 200 }));
    const one = await o.api.post(`/v1/webhooks/deliveries/${failed[0].id}/redeliver`);
    expect(one.body).toMatchObject({ status: 'pending', attemptLimit: 11 });
    expect((await o.api.post(`/v1/webhooks/deliveries/${failed[0].id}/redeliver`)).body.error.code).toBe('delivery_pending');
    await waitFor(() => o.api.get(`/v1/webhooks/deliveries/${failed[0].id}`), (r) => r.body.status === 'delivered');
    expect(rx.received.at(-1)!.id).toBe(failed[0].id);

    const all = await o.api.post(`/v1/webhooks/endpoints/${ep.id}/redeliver-failed`);
    expect(all.body.count).toBe(1);
    await waitFor(() => deliveries(o.api, '&status=undelivered'), (d) => d.length === 0);
    expect(rx.received.at(-1)!.id).toBe(failed[1].id);
    // The run of failures ended with the first success.
    expect((await o.api.get(`/v1/webhooks/endpoints/${ep.id}`)).body.failingSince).toBeNull();
  });

  it('410 Gone disables the endpoint and emails the admins', async () => {
    const o = await setup();
    const rx = await receiver(() => ({ status: 410 }));
    const ep = (await o.api.post('/v1/webhooks/endpoints', { url: rx.url })).body;
    await o.applicant();
    await waitFor(() => o.api.get(`/v1/webhooks/endpoints/${ep.id}`), (r) => r.body.status === 'disabled');
    expect((await o.api.get(`/v1/webhooks/endpoints/${ep.id}`)).body.disabledReason).toBe('gone');
    const [d] = await deliveries(o.api);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, responseStatus: 410 });
    const mail = await t.smtp.waitFor((m) => m.to === o.email && m.subject.includes('Webhook endpoint disabled'));
    expect(mail.text).toContain('410 Gone');
    expect(mail.text).toContain(ep.id);
    expect((await o.api.post(`/v1/webhooks/deliveries/${d.id}/redeliver`)).body.error.code).toBe('endpoint_disabled');
  });

  it('disables an endpoint that has failed for five days and emails the admins', async () => {
    const o = await setup();
    const rx = await receiver(() => ({ status: 500 }));
    const ep = (await o.api.post('/v1/webhooks/endpoints', { url: rx.url })).body;
    await o.applicant();
    await waitFor(() => o.api.get(`/v1/webhooks/endpoints/${ep.id}`), (r) => r.body.failingSince !== null);
    expect((await o.api.get(`/v1/webhooks/endpoints/${ep.id}`)).body.status).toBe('active');
    // The endpoint has now been failing since almost five days ago: the next failure is one too many.
    const since = new Date(Date.now() - 5 * 24 * 3600_000 + 2_000);
    await t.ctx.db.updateTable('webhookEndpoints').set({ failingSince: since }).where('id', '=', ep.id).execute();
    await new Promise((r) => setTimeout(r, 2_000));
    await o.applicant();
    const off = await waitFor(() => o.api.get(`/v1/webhooks/endpoints/${ep.id}`), (r) => r.body.status === 'disabled');
    expect(off.body.disabledReason).toBe('failing');
    const mail = await t.smtp.waitFor((m) => m.to === o.email && m.text.includes(ep.id));
    expect(mail.text).toContain('failed for 5 days');
    expect(mail.text).toContain(since.toISOString());
  });
});

describe('the delivery queue', () => {
  it("takes back a dead worker's claim when its lease ends; the late worker's result is discarded", async () => {
    const o = await setup();
    const rx = await receiver();
    await t.ctx.webhookWorker.stop();
    try {
      const ep = (await o.api.post('/v1/webhooks/endpoints', { url: rx.url })).body;
      await o.applicant();
      // A worker claims the delivery and dies before sending. (Other tests' retries may be due too: they go back.)
      const claimed = await t.ctx.webhooks.engine.claim(200);
      const job = claimed.find((j) => j.endpoint?.id === ep.id)!;
      await t.ctx.webhooks.engine.release(claimed.filter((j) => j !== job), 0);
      expect(job).toBeDefined();
      const again = await t.ctx.webhooks.engine.claim(200);
      await t.ctx.webhooks.engine.release(again, 0);
      expect(again.filter((j) => j.endpoint?.id === ep.id)).toHaveLength(0);
      // Its lease runs out.
      await t.ctx.db.updateTable('webhookDeliveries').set({ nextAttemptAt: new Date(Date.now() - 1) }).where('id', '=', job.delivery.id).execute();
      t.ctx.webhookWorker.start();
      await rx.waitFor((all) => all.length === 1);
      const done = await waitFor(() => o.api.get(`/v1/webhooks/deliveries/${job.delivery.id}`), (r) => r.body.status === 'delivered');
      expect(done.body.attempts).toBe(2);
      // The first worker comes back to life and sends: its record is refused, the log keeps one success.
      const late = await t.ctx.webhooks.engine.attempt(job);
      expect(late?.recorded).toBe(false);
      expect(rx.received.map((r) => r.id)).toEqual([job.delivery.id, job.delivery.id]);
      expect((await o.api.get(`/v1/webhooks/deliveries/${job.delivery.id}`)).body.attemptLog).toHaveLength(1);
    } finally {
      t.ctx.webhookWorker.start();
    }
  });

  it('writes deliveries in the transaction of the event: a rolled-back change leaves none', async () => {
    const o = await setup();
    const rx = await receiver();
    await o.api.post('/v1/webhooks/endpoints', { url: rx.url });
    const id = await o.applicant();
    await rx.waitFor((all) => all.length === 1);
    await expect(
      t.ctx.db.transaction().execute(async (tx) => {
        await t.ctx.states.transition(tx, id, 'IN_PROGRESS', { actor: SYSTEM_ACTOR });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await new Promise((r) => setTimeout(r, 500));
    expect(rx.received).toHaveLength(1);
    expect(await deliveries(o.api)).toHaveLength(1);
  });

  it('prunes finished deliveries past the retention period with their attempt log; pending ones stay', async () => {
    const o = await setup();
    const rx = await receiver();
    await o.api.post('/v1/webhooks/endpoints', { url: rx.url });
    for (let i = 0; i < 3; i++) await o.applicant();
    await rx.waitFor((all) => all.length === 3);
    const [expired, recent, retrying] = await waitFor(() => deliveries(o.api), (d) => d.length === 3 && d.every((x) => x.status === 'delivered'));
    const days = t.ctx.config.webhooks.logRetentionDays;
    await sql`UPDATE webhook_deliveries SET created_at = now() - make_interval(days => ${days + 1}) WHERE id = ANY(${[expired.id, retrying.id]})`.execute(t.ctx.db);
    // One as old but still being retried: pruning must leave it.
    await sql`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now() + interval '1 day' WHERE id = ${retrying.id}`.execute(t.ctx.db);

    expect(await pruneWebhookLog(t.ctx)).toBeGreaterThanOrEqual(1);
    expect((await o.api.get(`/v1/webhooks/deliveries/${expired.id}`)).status).toBe(404);
    expect(await t.ctx.db.selectFrom('webhookAttempts').select('deliveryId').where('deliveryId', '=', expired.id).execute()).toEqual([]);
    expect((await o.api.get(`/v1/webhooks/deliveries/${recent.id}`)).body.attemptLog).toHaveLength(1);
    expect((await o.api.get(`/v1/webhooks/deliveries/${retrying.id}`)).body.status).toBe('pending');
  });
});
