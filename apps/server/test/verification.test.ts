import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { createTestApp, newOrg, Client, type TestApp } from './helpers.ts';
import { QUESTIONNAIRE, makeFlow, passEmail, startApplicant, uploadFile, waitFor } from './flow-helpers.ts';

let t: TestApp;
let o: Awaited<ReturnType<typeof newOrg>>;
beforeAll(async () => {
  t = await createTestApp();
  o = await newOrg(t);
});
afterAll(async () => t?.close());

const Q = { id: 'q', type: 'questionnaire', settings: { schema: QUESTIONNAIRE } };
const E = { id: 'email', type: 'email' };

describe('flows', () => {
  it('keeps drafts, publishes versions, pins applicants to their version, and refuses unpublishable drafts', async () => {
    const created = await o.api.post('/v1/flows', { name: 'Draft', definition: { steps: [{ id: 'fm', type: 'face_match' }] } });
    expect(created.status).toBe(201);
    expect(created.body.version).toBeNull();
    expect(created.body.draftProblems.join(' ')).toContain('no document step');
    const pub = await o.api.post(`/v1/flows/${created.body.id}/publish`);
    expect(pub.status).toBe(422);
    expect(pub.body.error.code).toBe('flow_invalid');
    expect((await o.api.post('/v1/applicants', { externalUserId: 'x1', flowId: created.body.id })).body.error.code).toBe('flow_not_published');

    await o.api.patch(`/v1/flows/${created.body.id}`, { definition: { steps: [Q] } });
    const v1 = await o.api.post(`/v1/flows/${created.body.id}/publish`);
    expect(v1.body.version).toBe(1);
    const a = await o.api.post('/v1/applicants', { externalUserId: 'pinned', flowId: created.body.id });
    await o.api.patch(`/v1/flows/${created.body.id}`, { definition: { steps: [Q, E] } });
    expect((await o.api.post(`/v1/flows/${created.body.id}/publish`)).body.version).toBe(2);
    const full = await o.api.get(`/v1/applicants/${a.body.id}`);
    expect(full.body.steps.map((s: { id: string }) => s.id)).toEqual(['q']);
    const versions = await o.api.get(`/v1/flows/${created.body.id}/versions`);
    expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('validates step settings and lists the step catalogue', async () => {
    const bad = await o.api.post('/v1/flows', { name: 'Bad', definition: { steps: [{ id: 'l', type: 'liveness', settings: { attempts: 9 } }] } });
    expect(bad.status).toBe(400);
    const cat = await o.api.get('/v1/flow-steps/catalogue');
    expect(cat.body.data.map((c: { type: string }) => c.type)).toEqual(expect.arrayContaining(['document', 'liveness', 'face_match', 'aml', 'questionnaire', 'email', 'phone']));
    expect(cat.body.data.find((c: { type: string }) => c.type === 'face_match').defaults.threshold).toBe(85);
  });

  it('duplicates a flow into the other mode, where the test key cannot see it', async () => {
    const id = await makeFlow(o.api, [Q]);
    const copy = await o.owner.post(`/v1/flows/${id}/duplicate`, { mode: 'live', name: 'Live copy' });
    expect(copy.status).toBe(201);
    expect(copy.body.mode).toBe('live');
    expect((await o.api.get(`/v1/flows/${copy.body.id}`)).status).toBe(404);
    expect((await o.liveApi.get(`/v1/flows/${copy.body.id}`)).status).toBe(200);
  });
});

describe('applicant lifecycle', () => {
  it('creates applicants with unique externalUserId and rejects bad input clearly', async () => {
    const flowId = await makeFlow(o.api, [Q]);
    const r = await o.api.post('/v1/applicants', { externalUserId: 'dup-1', flowId, email: 'a@b.test', fixedInfo: { firstName: 'Anna', lastName: 'Eriksson', dob: '1974-08-12' }, tags: ['vip'] });
    expect(r.status).toBe(201);
    expect(r.body.id).toMatch(/^apl_/);
    expect(r.body.status).toBe('INIT');
    expect((await o.api.post('/v1/applicants', { externalUserId: 'dup-1', flowId })).body.error.code).toBe('applicant_exists');
    expect((await o.api.post('/v1/applicants', { externalUserId: 'x', flowId, fixedInfo: { dob: '12/08/1974' } })).body.error.code).toBe('validation_failed');
    // Personal data is encrypted at rest, searchable by blind index.
    const raw = await t.ctx.db.selectFrom('applicants').selectAll().where('id', '=', r.body.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toMatch(/Eriksson|a@b\.test/);
    const found = await o.api.get('/v1/applicants?q=eriksson');
    expect(found.body.data.map((a: { id: string }) => a.id)).toContain(r.body.id);
    expect((await o.api.get('/v1/applicants?q=someone')).body.data).toHaveLength(0);
    expect((await o.api.get('/v1/applicants?tag=vip')).body.data.map((a: { id: string }) => a.id)).toEqual([r.body.id]);
  });

  it('manual policy: completes into the review queue; a reviewer approves', async () => {
    const flowId = await makeFlow(o.api, [{ id: 'intro', type: 'intro' }, Q, E], { approvalPolicy: 'manual' });
    const { id, flow } = await startApplicant(t, o.api, flowId);
    const s = await flow.get('/v1/flow/session');
    expect(s.body.nextStepId).toBe('intro');
    expect((await flow.post('/v1/flow/steps/intro/complete')).status).toBe(200);
    expect((await flow.get('/v1/flow/session')).body.nextStepId).toBe('q');
    const bad = await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'other' } });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe('invalid_answers');
    expect((await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'other', sourceOther: 'lottery' } })).status).toBe(200);
    expect((await o.api.get(`/v1/applicants/${id}`)).body.status).toBe('IN_PROGRESS');
    expect((await passEmail(t, flow, 'email', 'Anna@Example.test')).status).toBe(200);
    const a = await o.api.get(`/v1/applicants/${id}`);
    expect(a.body.status).toBe('COMPLETED');
    expect(a.body.info.email).toBe('anna@example.test');
    const queue = await o.api.get('/v1/review-queue');
    expect(queue.body.data.map((x: { id: string }) => x.id)).toContain(id);
    const reviewed = await o.owner.post(`/v1/applicants/${id}/review`, { decision: 'approve', reason: 'all good' });
    expect(reviewed.body.status).toBe('APPROVED');
    const types = (await o.api.get(`/v1/events?applicantId=${id}&limit=100`)).body.data.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['applicant.created', 'applicant.in_progress', 'applicant.completed', 'applicant.in_review', 'applicant.approved', 'review.completed', 'applicant.step_passed']));
    const seqs = (await o.api.get(`/v1/events?applicantId=${id}&limit=100`)).body.data.map((e: { sequence: number }) => e.sequence);
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    const timeline = await o.owner.get(`/v1/applicants/${id}/timeline`);
    expect(timeline.body.data.map((x: { action: string }) => x.action)).toEqual(expect.arrayContaining(['applicant.created', 'step.submitted', 'applicant.status_changed', 'applicant.reviewed']));
  });

  it('auto_all approves regardless of results', async () => {
    const flowId = await makeFlow(o.api, [Q], { approvalPolicy: 'auto_all' });
    const { id, flow } = await startApplicant(t, o.api, flowId);
    await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } });
    expect((await o.api.get(`/v1/applicants/${id}`)).body.status).toBe('APPROVED');
  });

  it('auto_if_passed approves when everything passed and holds otherwise, with the reasons', async () => {
    const passing = await makeFlow(o.api, [Q], { approvalPolicy: 'auto_if_passed' });
    const p = await startApplicant(t, o.api, passing);
    await p.flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } });
    expect((await o.api.get(`/v1/applicants/${p.id}`)).body.status).toBe('APPROVED');

    // A selfie whose check cannot pass automatically (no face in a flat grey picture) goes on hold.
    const holding = await makeFlow(o.api, [Q, { id: 'selfie', type: 'selfie' }], { approvalPolicy: 'auto_if_passed' });
    const h = await startApplicant(t, o.api, holding);
    await h.flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } });
    const img = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#888888' } }).jpeg().toBuffer();
    const up = await uploadFile(h.flow, '/v1/flow/steps/selfie/selfie', 'image', img);
    expect(up.status).toBe(202);
    const a = await waitFor(() => o.api.get(`/v1/applicants/${h.id}`), (r) => r.body.status !== 'IN_PROGRESS');
    expect(a.body.status).toBe('ON_HOLD');
    expect(a.body.review.reasons.some((r: string) => r.startsWith('selfie:'))).toBe(true);
    expect((await o.api.get('/v1/review-queue')).body.data.find((x: { id: string }) => x.id === h.id).reasons.length).toBeGreaterThan(0);
  });

  it('refuses bad applicant-side input with clear errors and writes nothing', async () => {
    const flowId = await makeFlow(o.api, [Q, { id: 'selfie', type: 'selfie', settings: { maxAttempts: 1 } }]);
    const { id, flow } = await startApplicant(t, o.api, flowId);
    expect((await new Client(t, 'ast_wrongwrongwrongwrongwrongwrong').get('/v1/flow/session')).status).toBe(401);
    expect((await flow.post('/v1/flow/steps/nope/questionnaire', { answers: {} })).body.error.code).toBe('step_not_in_flow');
    const notImage = await uploadFile(flow, '/v1/flow/steps/selfie/selfie', 'image', Buffer.from('%PDF-1.4 not really an image'));
    expect([400, 415]).toContain(notImage.status);
    const html = await uploadFile(flow, '/v1/flow/steps/selfie/selfie', 'image', Buffer.from('<html><script>alert(1)</script></html>'));
    expect(html.body.error.code).toBe('unsupported_type');
    const huge = await uploadFile(flow, '/v1/flow/steps/selfie/selfie', 'image', Buffer.alloc(16 * 1024 * 1024, 0xff));
    expect(huge.status).toBe(413);
    const subs = await t.ctx.db.selectFrom('stepSubmissions').select('id').where('applicantId', '=', id).execute();
    expect(subs).toHaveLength(0);
    const files = await t.ctx.db.selectFrom('files').select('id').where('applicantId', '=', id).execute();
    expect(files).toHaveLength(0);
    // Attempts are enforced.
    const img = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#333333' } }).png().toBuffer();
    expect((await uploadFile(flow, '/v1/flow/steps/selfie/selfie', 'image', img)).status).toBe(202);
    await waitFor(() => flow.get('/v1/flow/steps/selfie/result'), (r) => r.body?.status === 'completed');
    const again = await uploadFile(flow, '/v1/flow/steps/selfie/selfie', 'image', img);
    expect(again.body.error.code).toBe('attempts_exhausted');
    // An expired session answers session_expired.
    await t.ctx.db.updateTable('applicantSessions').set({ expiresAt: new Date(Date.now() - 1000) }).where('applicantId', '=', id).execute();
    expect((await flow.get('/v1/flow/session')).body.error.code).toBe('session_expired');
  });

  it('deactivates a step into history, the applicant redoes it, and an older result can be reactivated', async () => {
    const flowId = await makeFlow(o.api, [Q], { approvalPolicy: 'manual' });
    const { id, flow } = await startApplicant(t, o.api, flowId);
    await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } });
    expect((await o.api.get(`/v1/applicants/${id}`)).body.status).toBe('COMPLETED');
    const d = await o.owner.post(`/v1/applicants/${id}/steps/q/deactivate`);
    expect(d.body.status).toBe('INCOMPLETE');
    let full = await o.api.get(`/v1/applicants/${id}`);
    expect(full.body.steps[0].status).toBe('not_submitted');
    expect(full.body.steps[0].history).toHaveLength(1);
    const oldId = full.body.steps[0].history[0].id;
    await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'other', sourceOther: 'gift' } });
    full = await o.api.get(`/v1/applicants/${id}`);
    expect(full.body.status).toBe('COMPLETED');
    expect(full.body.steps[0].current.answers).toEqual({ source: 'other', sourceOther: 'gift' });
    const re = await o.owner.post(`/v1/applicants/${id}/steps/q/reactivate`, { submissionId: oldId });
    expect(re.status).toBe(200);
    full = await o.api.get(`/v1/applicants/${id}`);
    expect(full.body.steps[0].current.id).toBe(oldId);
    expect(full.body.steps[0].current.answers).toEqual({ source: 'salary' });
  });

  it('declines with RETRY: the named steps are redone and the verification completes again', async () => {
    const flowId = await makeFlow(o.api, [Q, E], { approvalPolicy: 'manual' });
    const { id, flow } = await startApplicant(t, o.api, flowId);
    await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } });
    await passEmail(t, flow, 'email', 'retry@example.test');
    const dec = await o.owner.post(`/v1/applicants/${id}/review`, { decision: 'decline', rejectType: 'RETRY', retrySteps: ['q'], rejectLabels: ['BAD_ANSWERS'], clientComment: 'Please tell us more about your funds.' });
    expect(dec.body.status).toBe('DECLINED');
    const s = await flow.get('/v1/flow/session');
    expect(s.body.nextStepId).toBe('q');
    expect(s.body.applicant.review.clientComment).toBe('Please tell us more about your funds.');
    await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'other', sourceOther: 'business sale' } });
    expect((await o.api.get(`/v1/applicants/${id}`)).body.status).toBe('COMPLETED');
    const final = await o.owner.post(`/v1/applicants/${id}/review`, { decision: 'decline', rejectType: 'FINAL', reason: 'fraud' });
    expect(final.body.status).toBe('DECLINED');
    expect((await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } })).body.error.code).toBe('verification_finished');
  });

  it('deletes with a grace period, restores, and erases personal data for good', async () => {
    const flowId = await makeFlow(o.api, [Q]);
    const { id, flow } = await startApplicant(t, o.api, flowId, { email: 'erase@example.test', fixedInfo: { firstName: 'Erin', lastName: 'Erasable' } });
    await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } });
    const del = await o.api.del(`/v1/applicants/${id}`);
    expect(del.status).toBe(200);
    expect(new Date(del.body.eraseAfter).getTime()).toBeGreaterThan(Date.now() + 19 * 86400_000);
    expect((await o.api.get('/v1/applicants?q=erasable')).body.data).toHaveLength(0);
    expect((await o.api.get('/v1/applicants?deleted=true')).body.data.map((a: { id: string }) => a.id)).toContain(id);
    expect((await flow.get('/v1/flow/session')).status).toBe(401);
    expect((await o.api.post(`/v1/applicants/${id}/restore`)).status).toBe(200);
    expect((await o.api.get('/v1/applicants?q=erasable')).body.data).toHaveLength(1);
    await o.api.del(`/v1/applicants/${id}`);
    await t.ctx.db.updateTable('applicants').set({ eraseAfter: new Date(Date.now() - 1000) }).where('id', '=', id).execute();
    expect(await t.ctx.erasure.sweep()).toBe(1);
    const raw = await t.ctx.db.selectFrom('applicants').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(raw.erasedAt).not.toBeNull();
    expect(raw.emailEnc).toBeNull();
    expect(raw.externalUserId).toBe(`erased:${id}`);
    expect(await t.ctx.db.selectFrom('stepSubmissions').select('id').where('applicantId', '=', id).execute()).toHaveLength(0);
    expect((await o.api.get(`/v1/applicants/${id}`)).status).toBe(404);
    const audit = await o.owner.get(`/v1/audit?targetId=${id}&action=applicant.erased`);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0].after).toBeNull();
  });

  it('one-time links: 50 concurrent redemptions, exactly one succeeds', async () => {
    const flowId = await makeFlow(o.api, [Q]);
    const r = await o.api.post('/v1/links', { flowId, count: 3, ttlSeconds: 3600 });
    expect(r.status).toBe(201);
    expect(r.body.data).toHaveLength(3);
    const path = new URL(r.body.data[0].url).pathname;
    const results = await Promise.all(Array.from({ length: 50 }, () => t.app.inject({ method: 'GET', url: path })));
    const codes = results.map((x) => x.statusCode);
    expect(codes.filter((c) => c === 302)).toHaveLength(1);
    expect(codes.filter((c) => c === 410)).toHaveLength(49);
    const location = results.find((x) => x.statusCode === 302)!.headers.location as string;
    expect(location).toMatch(/^http:\/\/tessera\.test\/flow\/#token=ast_/);
    const flow = new Client(t, decodeURIComponent(location.split('#token=')[1]));
    await flow.post('/v1/flow/steps/q/questionnaire', { answers: { source: 'salary' } });
    const list = await o.api.get(`/v1/links?batchId=${r.body.batchId}`);
    expect(list.body.data.find((l: { id: string }) => l.id === r.body.data[0].id).status).toBe('completed');
    const csv = await t.app.inject({ method: 'GET', url: `/v1/links/export.csv?batchId=${r.body.batchId}`, headers: { authorization: `Bearer ${o.api.apiKey}` } });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.trim().split('\n')).toHaveLength(4);
  });
});
