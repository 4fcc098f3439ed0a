import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newOrg, type TestApp } from './helpers.ts';
import { makeFlow, QUESTIONNAIRE } from './flow-helpers.ts';
import { startCanary, startReceiver } from './webhook-receiver.ts';
import { newId } from '../src/lib/ids.ts';
import { webhookServiceFactory } from '../src/modules/webhook/webhook-service.ts';
import { SECRET_PURPOSE } from '../src/modules/webhook/webhook-delivery.ts';
import { generateSecret } from '../src/modules/webhook/signing.ts';
import type { Resolver } from '../src/modules/webhook/ssrf.ts';

/**
 * The SSRF corpus: URLs that reach this machine, private networks or cloud metadata in every spelling we know.
 * Each is refused at registration, and again at send time when the URL got into the database some other way.
 * A canary listens on loopback (IPv4 and IPv6) on the port the corpus aims at: it must never be reached.
 */

let t: TestApp;
let o: Awaited<ReturnType<typeof newOrg>>;
let canary: Awaited<ReturnType<typeof startCanary>>;
let canary6: Awaited<ReturnType<typeof startCanary>> | null = null;

beforeAll(async () => {
  t = await createTestApp({ work: false });
  o = await newOrg(t, 'Ssrf');
  canary = await startCanary('127.0.0.1');
  try {
    canary6 = await startCanary('::1');
  } catch {
    canary6 = null; // no IPv6 loopback on this machine: the IPv6 cases are still refused, just not double-checked
  }
});
afterAll(async () => {
  await canary?.close();
  await canary6?.close();
  await t?.close();
});

function corpus(p: number, p6: number) {
  return [
    `http://127.0.0.1:${p}/`,
    `https://127.0.0.1:${p}/`,
    `http://localhost:${p}/`,
    `http://LOCALHOST:${p}/`,
    `http://localhost.:${p}/`,
    `http://2130706433:${p}/`,
    `http://0x7f000001:${p}/`,
    `http://0x7f.0.0.1:${p}/`,
    `http://0177.0.0.1:${p}/`,
    `http://017700000001:${p}/`,
    `http://127.1:${p}/`,
    `http://127.0.1:${p}/`,
    `http://127.000.000.001:${p}/`,
    `http://[::1]:${p6}/`,
    `http://[0:0:0:0:0:0:0:1]:${p6}/`,
    `http://[::ffff:127.0.0.1]:${p}/`,
    `http://[::ffff:7f00:1]:${p}/`,
    `http://[0:0:0:0:0:ffff:7f00:1]:${p}/`,
    `http://[::127.0.0.1]:${p}/`,
    `http://[64:ff9b::7f00:1]:${p}/`,
    `http://[2002:7f00:1::1]:${p}/`,
    `http://0.0.0.0:${p}/`,
    `http://0:${p}/`,
    `http://[::]:${p6}/`,
    `http://user:pass@127.0.0.1:${p}/`,
    'http://169.254.169.254/latest/meta-data/iam/',
    'http://2852039166/latest/meta-data/',
    'http://0xa9fea9fe/latest/meta-data/',
    'http://0251.0376.0251.0376/latest/meta-data/',
    'http://[::ffff:169.254.169.254]/latest/meta-data/',
    'http://[::ffff:a9fe:a9fe]/latest/meta-data/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://100.100.100.200/latest/meta-data/',
    'http://192.0.0.192/opc/v2/instance/',
    'http://169.254.170.2/v2/credentials',
    'http://10.0.0.1/',
    'http://10.255.255.254:8080/',
    'http://172.16.0.1/',
    'http://172.31.255.254/',
    'http://192.168.0.1/',
    'http://192.168.255.254/',
    'http://100.64.0.1/',
    'http://100.127.255.254/',
    'http://[fc00::1]/',
    'http://[fd12:3456:789a::1]/',
    'http://[fe80::1]/',
    'http://[febf:ffff::1]/',
    'http://224.0.0.1/',
    'http://[ff02::1]/',
    'http://255.255.255.255/',
    'http://198.18.0.1/',
    'http://240.0.0.1/',
    'file:///etc/passwd',
    `ftp://127.0.0.1:${p}/`,
    `gopher://127.0.0.1:${p}/_GET`,
    `ws://127.0.0.1:${p}/`,
    'data:text/plain,hello',
    'javascript:alert(1)',
  ];
}

/** An endpoint row written straight to the database, as if the URL had slipped past registration. */
async function plantEndpoint(url: string) {
  const id = newId('webhookEndpoint');
  await t.ctx.db
    .insertInto('webhookEndpoints')
    .values({ id, orgId: o.orgId, mode: 'test', applicationId: o.appId, url, secretEnc: t.ctx.crypto.encrypt(generateSecret(), id, SECRET_PURPOSE), secretHint: 'whsec_x…' })
    .execute();
  return id;
}

describe('SSRF guard', () => {
  it('refuses every corpus URL at registration and at send time; the canary is never reached', async () => {
    const urls = corpus(canary.port, canary6?.port ?? canary.port);
    expect(urls.length).toBeGreaterThanOrEqual(40);

    const accepted: string[] = [];
    for (const url of urls) {
      const r = await o.api.post('/v1/webhooks/endpoints', { url });
      if (r.status !== 400 || !['validation_failed', 'webhook_url_invalid', 'webhook_url_forbidden', 'webhook_url_unresolvable'].includes(r.body.error.code)) accepted.push(`${url} → ${r.status}`);
      const app = await o.owner.patch(`/v1/applications/${o.appId}`, { webhookUrl: url });
      if (app.status !== 400) accepted.push(`application webhookUrl ${url} → ${app.status}`);
    }
    expect(accepted).toEqual([]);
    expect((await o.api.get('/v1/webhooks/endpoints')).body.data).toEqual([]);

    // Send time: the same URLs planted in the database, one event, every delivery attempted.
    const planted = new Map<string, string>();
    for (const url of urls) planted.set(await plantEndpoint(url), url);
    const flowId = await makeFlow(o.api, [{ id: 'q', type: 'questionnaire', settings: { schema: QUESTIONNAIRE } }]);
    await o.api.post('/v1/applicants', { externalUserId: 'ssrf-1', flowId });
    const jobs = (await t.ctx.webhooks.engine.claim(200)).filter((j) => planted.has(j.delivery.endpointId));
    expect(jobs).toHaveLength(urls.length);
    await Promise.all(jobs.map((j) => t.ctx.webhooks.engine.attempt(j)));
    const attempts = await t.ctx.db
      .selectFrom('webhookAttempts as a')
      .innerJoin('webhookDeliveries as d', 'd.id', 'a.deliveryId')
      .select(['d.endpointId', 'a.error', 'a.statusCode'])
      .where('d.endpointId', 'in', [...planted.keys()])
      .execute();
    expect(attempts).toHaveLength(urls.length);
    const sent = attempts.filter((a) => a.statusCode !== null || !/^webhook_url_(invalid|forbidden|unresolvable)/.test(a.error ?? '')).map((a) => `${planted.get(a.endpointId)} → ${a.statusCode} ${a.error}`);
    expect(sent).toEqual([]);

    expect(canary.hits).toBe(0);
    expect(canary6?.hits ?? 0).toBe(0);
  });

  it('checks the address again at send time: a name that rebinds to loopback after registration is refused', async () => {
    let calls = 0;
    // Public when registered, loopback when sent: the classic DNS-rebinding trick.
    const resolve: Resolver = async () => (calls++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
    const svc = webhookServiceFactory({ ...t.ctx, resolve });
    const { endpoint } = await svc.create({ orgId: o.orgId, mode: 'test' }, { url: `http://rebind.example:${canary.port}/hook` }, { type: 'system', id: null });
    const d = await t.ctx.db
      .insertInto('webhookDeliveries')
      .values({ id: newId('delivery'), orgId: o.orgId, mode: 'test', endpointId: endpoint.id, eventType: 'webhook.test', payload: JSON.stringify({ type: 'webhook.test' }), attemptLimit: 1 })
      .returningAll()
      .executeTakeFirstOrThrow();
    const [job] = (await svc.engine.claim(200)).filter((j) => j.delivery.id === d.id);
    const out = await svc.engine.attempt(job);
    expect(out?.result.error).toMatch(/^webhook_url_forbidden: .*loopback/);
    expect(canary.hits).toBe(0);
  });

  it('does not follow a redirect to an internal address, even where private addresses are allowed', async () => {
    const svc = webhookServiceFactory({ ...t.ctx, config: { ...t.ctx.config, allowPrivateWebhookUrls: true } });
    const redirector = await startReceiver(() => ({ status: 307, headers: { location: `http://127.0.0.1:${canary.port}/internal` } }));
    try {
      const { endpoint } = await svc.create({ orgId: o.orgId, mode: 'test' }, { url: redirector.url }, { type: 'system', id: null });
      const r = await svc.testSend({ orgId: o.orgId, mode: 'test' }, endpoint.id, { type: 'system', id: null });
      expect(r.delivery).toMatchObject({ status: 'failed', lastStatusCode: 307 });
      expect(redirector.received).toHaveLength(1);
      expect(canary.hits).toBe(0);
      // The canary is live: an allowed URL does reach it (so the zeros above are meaningful).
      const control = await svc.create({ orgId: o.orgId, mode: 'test' }, { url: `http://127.0.0.1:${canary.port}/` }, { type: 'system', id: null });
      await svc.testSend({ orgId: o.orgId, mode: 'test' }, control.endpoint.id, { type: 'system', id: null });
      expect(canary.hits).toBeGreaterThan(0);
    } finally {
      await redirector.close();
    }
  });
});
