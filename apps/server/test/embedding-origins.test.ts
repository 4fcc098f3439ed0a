import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newOrg, type TestApp } from './helpers.ts';
import { QUESTIONNAIRE, makeFlow, startApplicant } from './flow-helpers.ts';
import { normaliseOrigin } from '../src/lib/origins.ts';

/** An application's allow-list of web origins that may embed its hosted flow (web SDK iframe). */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ work: false });
});
afterAll(async () => t?.close());

const Q = { id: 'q', type: 'questionnaire', settings: { schema: QUESTIONNAIRE } };

describe('normaliseOrigin', () => {
  it.each([
    ['https://Example.COM', 'https://example.com'],
    ['https://example.com/', 'https://example.com'],
    ['  https://app.example.com:8443 ', 'https://app.example.com:8443'],
    ['https://example.com:443', 'https://example.com'],
    ['http://localhost:5173', 'http://localhost:5173'],
    ['http://127.0.0.1:3000/', 'http://127.0.0.1:3000'],
    ['https://bücher.example', 'https://xn--bcher-kva.example'],
  ])('%s → %s', (input, out) => {
    expect(normaliseOrigin(input)).toEqual({ ok: true, origin: out });
  });

  it.each(['example.com', 'ftp://example.com', 'http://example.com', 'https://example.com/path', 'https://example.com?x=1', 'https://example.com#f', 'https://user@example.com', 'https://*.example.com', 'https://', 'javascript:alert(1)', 'https://exa mple.com', 'null'])(
    'refuses %s',
    (input) => {
      expect(normaliseOrigin(input).ok).toBe(false);
    },
  );
});

describe('allowed embedding origins', () => {
  it('defaults to an empty list (any origin), and is set on create and update, normalised and deduplicated', async () => {
    const o = await newOrg(t);
    const before = await o.owner.get(`/v1/applications/${o.appId}`);
    expect(before.body.allowedOrigins).toEqual([]);

    const created = await o.owner.post('/v1/applications', { name: 'Web', allowedOrigins: ['HTTPS://Shop.Example.com/', 'http://localhost:5173'] });
    expect(created.status).toBe(201);
    expect(created.body.allowedOrigins).toEqual(['https://shop.example.com', 'http://localhost:5173']);

    const patched = await o.owner.patch(`/v1/applications/${o.appId}`, { allowedOrigins: ['https://a.example', 'https://A.example/', 'https://b.example:8443'] });
    expect(patched.status).toBe(200);
    expect(patched.body.allowedOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
    // Other fields are untouched by a patch of the list, and the list by a patch of other fields.
    const renamed = await o.owner.patch(`/v1/applications/${o.appId}`, { description: 'x' });
    expect(renamed.body.allowedOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
    const listed = await o.owner.get('/v1/applications');
    expect(listed.body.data.find((a: { id: string }) => a.id === o.appId).allowedOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
    const row = await t.ctx.db.selectFrom('applications').select('allowedOrigins').where('id', '=', o.appId).executeTakeFirstOrThrow();
    expect(row.allowedOrigins).toEqual(['https://a.example', 'https://b.example:8443']);

    // Audited, with the list before and after.
    const audit = await o.owner.get(`/v1/audit?action=application.updated&targetId=${o.appId}`);
    const entry = audit.body.data.find((e: { after: { allowedOrigins?: string[] } }) => e.after?.allowedOrigins);
    expect(entry.before.allowedOrigins).toEqual([]);
    expect(entry.after.allowedOrigins).toEqual(['https://a.example', 'https://b.example:8443']);

    // An empty list goes back to "any origin".
    expect((await o.owner.patch(`/v1/applications/${o.appId}`, { allowedOrigins: [] })).body.allowedOrigins).toEqual([]);
  });

  it('refuses entries that are not bare origins, and more than 50, with validation_failed', async () => {
    const o = await newOrg(t);
    for (const bad of [['https://example.com/path'], ['http://example.com'], ['*.example.com'], ['example.com'], 'https://example.com', [42]]) {
      const r = await o.owner.patch(`/v1/applications/${o.appId}`, { allowedOrigins: bad as never });
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error.code).toBe('validation_failed');
      expect(r.body.error.message).toContain('allowedOrigins');
    }
    const many = Array.from({ length: 51 }, (_, i) => `https://s${i}.example.com`);
    const tooMany = await o.owner.post('/v1/applications', { name: 'Many', allowedOrigins: many });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('validation_failed');
    expect((await o.owner.post('/v1/applications', { name: 'Fifty', allowedOrigins: many.slice(0, 50) })).status).toBe(201);
    expect((await o.owner.get(`/v1/applications/${o.appId}`)).body.allowedOrigins).toEqual([]);
  });

  it("is returned in the flow's session bootstrap for the session's application", async () => {
    const o = await newOrg(t);
    const flowId = await makeFlow(o.api, [Q]);
    const { flow } = await startApplicant(t, o.api, flowId);
    expect((await flow.get('/v1/flow/session')).body.allowedOrigins).toEqual([]);
    await o.owner.patch(`/v1/applications/${o.appId}`, { allowedOrigins: ['https://bank.example'] });
    const s = await flow.get('/v1/flow/session');
    expect(s.status).toBe(200);
    expect(s.body.allowedOrigins).toEqual(['https://bank.example']);

    // An applicant with no application (none recorded) embeds anywhere.
    const { id, flow: flow2 } = await startApplicant(t, o.api, flowId);
    await t.ctx.db.updateTable('applicants').set({ applicationId: null }).where('id', '=', id).execute();
    expect((await flow2.get('/v1/flow/session')).body.allowedOrigins).toEqual([]);
  });

  it("another organisation cannot change or read an application's list, and an API key cannot set it", async () => {
    const a = await newOrg(t, 'Alpha');
    const b = await newOrg(t, 'Beta');
    await a.owner.patch(`/v1/applications/${a.appId}`, { allowedOrigins: ['https://alpha.example'] });
    const r = await b.owner.patch(`/v1/applications/${a.appId}`, { allowedOrigins: ['https://evil.example'] });
    expect(r.status).toBe(404);
    expect((await b.owner.get(`/v1/applications/${a.appId}`)).status).toBe(404);
    expect((await b.api.patch(`/v1/applications/${a.appId}`, { allowedOrigins: ['https://evil.example'] })).status).toBe(401);
    expect((await a.api.patch(`/v1/applications/${a.appId}`, { allowedOrigins: ['https://evil.example'] })).status).toBe(401);
    expect((await a.owner.get(`/v1/applications/${a.appId}`)).body.allowedOrigins).toEqual(['https://alpha.example']);
  });
});
