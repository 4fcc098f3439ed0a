import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newOrg, Client, emptyDatabases, type TestApp } from './helpers.ts';
import { QUESTIONNAIRE, makeFlow, startApplicant } from './flow-helpers.ts';
import { countryAllowed } from '../src/modules/session/session-service.ts';
import { parseDefinition } from '../src/modules/flow/flow-types.ts';
import { migrate } from '../src/db/migrate.ts';

let t: TestApp;
let o: Awaited<ReturnType<typeof newOrg>>;
beforeAll(async () => {
  t = await createTestApp();
  o = await newOrg(t);
});
afterAll(async () => t?.close());

const Q = { id: 'q', type: 'questionnaire', settings: { schema: QUESTIONNAIRE } };

describe('sessions, handoff and on-demand requests', () => {
  it('continues on another device with a single-use short code', async () => {
    const flowId = await makeFlow(o.api, [Q]);
    const { id, flow } = await startApplicant(t, o.api, flowId);
    const h = await flow.post('/v1/flow/handoff');
    expect(h.body.code).toMatch(/^[2-9A-Z]{8}$/);
    expect(h.body.url).toBe(`http://tessera.test/flow/#handoff=${h.body.code}`);
    expect(h.body.qrSvg).toContain('<svg');
    const phone = new Client(t);
    const r = await phone.post('/v1/flow/handoff/redeem', { code: h.body.code.toLowerCase() });
    expect(r.status).toBe(200);
    const second = new Client(t, r.body.accessToken);
    expect((await second.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } })).status).toBe(200);
    expect((await o.api.get(`/v1/applicants/${id}`)).body.steps[0].status).toBe('approved');
    expect((await phone.post('/v1/flow/handoff/redeem', { code: h.body.code })).body.error.code).toBe('invalid_code');
  });

  it('requests more information through an on-demand flow without touching the status', async () => {
    const main = await makeFlow(o.api, [Q], { approvalPolicy: 'auto_all' });
    const extra = await makeFlow(o.api, [{ id: 'email', type: 'email' }], {}, 'Proof of email', 'on_demand');
    const { id, flow } = await startApplicant(t, o.api, main);
    await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } });
    expect((await o.api.get(`/v1/applicants/${id}`)).body.status).toBe('APPROVED');
    const wrong = await o.api.post(`/v1/applicants/${id}/request-info`, { flowId: main });
    expect(wrong.body.error.code).toBe('flow_kind');
    const s = await o.api.post(`/v1/applicants/${id}/request-info`, { flowId: extra });
    expect(s.status).toBe(201);
    const session = await new Client(t, s.body.accessToken).get('/v1/flow/session');
    expect(session.body.session.onDemand).toBe(true);
    expect(session.body.flow.steps.map((x: { id: string }) => x.id)).toEqual(['email']);
    expect((await o.api.get(`/v1/applicants/${id}`)).body.status).toBe('APPROVED');
  });

  it('assigns a reviewer who can review, and keeps internal and applicant comments apart', async () => {
    const flowId = await makeFlow(o.api, [Q]);
    const { id, flow } = await startApplicant(t, o.api, flowId);
    const me = (await o.owner.get('/v1/auth/me')).body.user.id;
    expect((await o.owner.post(`/v1/applicants/${id}/assign`, { reviewerId: me })).body.reviewerId).toBe(me);
    expect((await o.owner.post(`/v1/applicants/${id}/assign`, { reviewerId: 'usr_00000000000000000000000000' })).status).toBe(404);
    await o.owner.post(`/v1/applicants/${id}/comments`, { text: 'Looks like a known customer', visibility: 'internal' });
    const c = await o.owner.post(`/v1/applicants/${id}/comments`, { text: 'Please upload a clearer photo', visibility: 'applicant', stepId: 'q' });
    await o.owner.post(`/v1/applicants/${id}/comments`, { text: 'Agreed', parentId: c.body.id });
    const all = await o.owner.get(`/v1/applicants/${id}/comments`);
    expect(all.body.data.map((x: { visibility: string }) => x.visibility)).toEqual(['internal', 'applicant', 'internal']);
    expect(all.body.data[2].parentId).toBe(c.body.id);
    const raw = await t.ctx.db.selectFrom('comments').select('textEnc').where('applicantId', '=', id).execute();
    expect(JSON.stringify(raw)).not.toContain('known customer');
    void flow;
  });

  it('country rules: excluded and allowed lists; unknown countries (private networks) pass', () => {
    const def = parseDefinition({ steps: [Q], settings: { countries: { allowed: ['DE', 'FR'], excluded: ['FR'] } } });
    expect(countryAllowed(def, 'DE')).toBe(true);
    expect(countryAllowed(def, 'FR')).toBe(false);
    expect(countryAllowed(def, 'US')).toBe(false);
    expect(countryAllowed(def, null)).toBe(true);
  });
});

describe('migrations', () => {
  it('two processes migrating one database at once apply each migration exactly once', async () => {
    const [a, b] = await emptyDatabases();
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      // Between them, every migration was applied once; the one that waited found nothing to do.
      expect(ra.applied.length + rb.applied.length).toBe(ra.total);
      expect([ra.applied.length, rb.applied.length].sort()).toEqual([0, ra.total]);
      const rows = await a.pool.query('SELECT version FROM schema_migrations');
      expect(rows.rowCount).toBe(ra.total);
    } finally {
      await a.close();
      if (b !== a) await b.close();
    }
  });
});
