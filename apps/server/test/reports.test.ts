import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newOrg, type TestApp } from './helpers.ts';
import { QUESTIONNAIRE, makeFlow, startApplicant } from './flow-helpers.ts';

let t: TestApp;
let o: Awaited<ReturnType<typeof newOrg>>;
beforeAll(async () => {
  t = await createTestApp();
  o = await newOrg(t);
});
afterAll(async () => t?.close());

describe('reports', () => {
  it('dashboard figures follow what applicants did', async () => {
    const flowId = await makeFlow(o.api, [{ id: 'q', type: 'questionnaire', settings: { schema: QUESTIONNAIRE } }], { approvalPolicy: 'auto_all' });
    const done = await startApplicant(t, o.api, flowId, { fixedInfo: { country: 'DE' } });
    await done.flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } });
    await startApplicant(t, o.api, flowId, { fixedInfo: { country: 'FR' } });
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const r = await o.owner.get(`/v1/stats/dashboard?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    expect(r.status).toBe(200);
    expect(r.body.totals).toMatchObject({ applicants: 2, approved: 1, completed: 1 });
    expect(r.body.countries.map((c: { country: string }) => c.country).sort()).toEqual(['DE', 'FR']);
    expect(r.body.serviceSuccess.find((s: { service: string }) => s.service === 'questionnaire')).toMatchObject({ passed: 1 });
    expect(r.body.funnel[0]).toEqual({ step: 'created', reached: 2 });
    const list = await o.api.get('/v1/applicants');
    expect(list.body.data.find((a: { id: string }) => a.id === done.id).steps).toEqual([{ id: 'q', type: 'questionnaire', status: 'approved' }]);
    const bad = await o.owner.get(`/v1/stats/dashboard?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`);
    expect(bad.body.error.code).toBe('invalid_range');
  });

  it('lists reviewers for the reviewer picker', async () => {
    const r = await o.api.get('/v1/reviewers');
    expect(r.body.data.map((u: { email: string }) => u.email)).toContain(o.email);
  });

  it('streams events live as server-sent events', async () => {
    const url = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const ctrl = new AbortController();
    const res = await fetch(`${url}/v1/kyc-logs/stream`, { headers: { cookie: o.owner.cookie!, 'x-tessera-mode': 'test' }, signal: ctrl.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const flowId = await makeFlow(o.api, [{ id: 'q', type: 'questionnaire', settings: { schema: QUESTIONNAIRE } }]);
    const a = await o.api.post('/v1/applicants', { externalUserId: 'streamed', flowId });
    let text = '';
    const deadline = Date.now() + 15_000;
    while (!text.includes(a.body.id) && Date.now() < deadline) text += new TextDecoder().decode((await reader.read()).value);
    ctrl.abort();
    expect(text).toContain('event: applicant.created');
    expect(text).toContain(a.body.id);
  });
});
