import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newOrg, Client, type TestApp } from './helpers.ts';
import { makeFlow, startApplicant, upload, uploadFile, waitFor } from './flow-helpers.ts';

// Photos from the face engine's fixtures (deepface dataset, MIT): p1-* one person, p7-* another.
const FACES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../packages/faces/test/fixtures');
const photo = (f: string) => fs.readFileSync(path.join(FACES, f));

let t: TestApp;
let o: Awaited<ReturnType<typeof newOrg>>;
beforeAll(async () => {
  t = await createTestApp();
  o = await newOrg(t);
});
afterAll(async () => t?.close());

async function selfieApplicant(flowId: string, image: Buffer) {
  const s = await startApplicant(t, o.api, flowId);
  const up = await uploadFile(s.flow, '/v1/flow/steps/selfie/selfie', 'image', image);
  expect(up.status).toBe(202);
  // Polled with the API key: a blocked applicant's own token stops working.
  const a = await waitFor(() => o.api.get(`/v1/applicants/${s.id}`), (r) => r.body.steps.find((x: { id: string }) => x.id === 'selfie')?.current?.status === 'completed', 60_000);
  const current = a.body.steps.find((x: { id: string }) => x.id === 'selfie').current;
  return { ...s, result: { ...current, feedback: current.summary } };
}

describe('face steps', () => {
  it('selfie: a clear face passes and its template is stored encrypted; a grey picture says the face was not found', async () => {
    const flowId = await makeFlow(o.api, [{ id: 'selfie', type: 'selfie' }]);
    const ok = await selfieApplicant(flowId, photo('p1-neutral.jpg'));
    expect(ok.result.outcome).toBe('passed');
    const rows = await t.ctx.db.selectFrom('faceEmbeddings').selectAll().where('applicantId', '=', ok.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].embeddingEnc.startsWith('v1.')).toBe(true);
    const plain = t.ctx.crypto.decryptJson<number[]>(rows[0].embeddingEnc, `face:${rows[0].id}`);
    expect(plain).toHaveLength(128);
    expect(rows[0].search[0]).not.toBeCloseTo(plain[0], 6);

    const grey = await sharp({ create: { width: 480, height: 640, channels: 3, background: '#7f7f7f' } }).jpeg().toBuffer();
    const none = await selfieApplicant(flowId, grey);
    expect(none.result.outcome).toBe('failed');
    expect(none.result.reasons).toContain('no_face');
    expect(none.result.feedback.message).toBe('Face could not be detected. Please upload a clear image of your face.');
  });

  it('several faces in a selfie are flagged for review', async () => {
    const flowId = await makeFlow(o.api, [{ id: 'selfie', type: 'selfie' }]);
    const r = await selfieApplicant(flowId, photo('two-people.jpg'));
    expect(r.result.reasons).toContain('multiple_faces');
    expect(r.result.outcome).toBe('review');
  });

  it('the same face on another applicant raises a duplicate warning linking it', async () => {
    const flowId = await makeFlow(o.api, [{ id: 'selfie', type: 'selfie' }]);
    const first = await selfieApplicant(flowId, photo('p7-frontal.jpg'));
    const second = await selfieApplicant(flowId, photo('p7-turned.jpg'));
    const a = await o.api.get(`/v1/applicants/${second.id}`);
    const dup = a.body.warnings.find((w: { kind: string }) => w.kind === 'duplicate_face');
    expect(dup.details.otherApplicantId).toBe(first.id);
  });

  it('a face on a blacklist fails the step and blocks the session', async () => {
    const list = await o.owner.post('/v1/face-lists', { name: 'Fraudsters', kind: 'blacklist' });
    expect(list.status).toBe(201);
    const added = await upload(o.owner, `/v1/face-lists/${list.body.id}/faces`, [{ field: 'image', data: photo('p9.jpg') }], { label: 'case 42' });
    expect(added.status).toBe(201);
    expect((await o.owner.get(`/v1/face-lists/${list.body.id}/faces`)).body.data[0].label).toBe('case 42');
    const flowId = await makeFlow(o.api, [{ id: 'selfie', type: 'selfie' }, { id: 'q', type: 'questionnaire', settings: { schema: { pages: [{ elements: [{ type: 'text', name: 'x' }] }] } } }]);
    const r = await selfieApplicant(flowId, photo('p9.jpg'));
    expect(r.result.outcome).toBe('failed');
    expect(r.result.reasons).toContain('face_blacklisted');
    // The warning names the matched face, so the back office can show its photo next to the selfie.
    const hit = (await o.api.get(`/v1/applicants/${r.id}`)).body.warnings.find((w: { kind: string }) => w.kind === 'face_blacklisted');
    expect(hit.details).toMatchObject({ listId: list.body.id, faceId: added.body.id });
    expect((await getImage(o.owner, `/v1/face-lists/${hit.details.listId}/faces/${hit.details.faceId}/image`)).status).toBe(200);
    const blocked = await r.flow.get('/v1/flow/session');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('session_frozen');
  });

  it('face match compares the chosen sources: the same person passes, another person goes to review', async () => {
    const flowId = await makeFlow(
      o.api,
      [
        { id: 'selfie', type: 'selfie' },
        { id: 'liveness', type: 'liveness', settings: { mode: 'one_shot' } },
        { id: 'match', type: 'face_match', settings: { sources: ['selfie', 'liveness'], threshold: 85 } },
      ],
      { approvalPolicy: 'auto_if_passed' },
    );
    const run = async (selfie: Buffer, frame: Buffer) => {
      const s = await startApplicant(t, o.api, flowId);
      await uploadFile(s.flow, '/v1/flow/steps/selfie/selfie', 'image', selfie);
      await waitFor(() => s.flow.get('/v1/flow/steps/selfie/result'), (r) => r.body?.status === 'completed', 60_000);
      const ch = await s.flow.post('/v1/flow/steps/liveness/liveness/challenge');
      expect(ch.body.mode).toBe('one_shot');
      const lv = await upload(s.flow, '/v1/flow/steps/liveness/liveness', [{ field: 'frames', data: frame }], { meta: JSON.stringify({ nonce: ch.body.nonce, timestamps: [Date.now()] }) });
      expect(lv.status).toBe(202);
      const replay = await upload(s.flow, '/v1/flow/steps/liveness/liveness', [{ field: 'frames', data: frame }], { meta: JSON.stringify({ nonce: ch.body.nonce, timestamps: [Date.now()] }) });
      expect(['invalid_challenge', 'step_pending']).toContain(replay.body.error.code);
      return waitFor(() => o.api.get(`/v1/applicants/${s.id}`), (r) => ['APPROVED', 'ON_HOLD', 'COMPLETED'].includes(r.body.status), 90_000);
    };
    const same = await run(photo('p1-neutral.jpg'), photo('p1-smile.jpg'));
    const match = same.body.steps.find((x: { id: string }) => x.id === 'match');
    expect(match.current.summary.similarity).toBeGreaterThanOrEqual(85);
    expect(match.current.outcome).toBe('passed');
    const other = await run(photo('p1-neutral.jpg'), photo('p9.jpg'));
    const m2 = other.body.steps.find((x: { id: string }) => x.id === 'match');
    expect(m2.current.outcome).toBe('review');
    expect(other.body.status).toBe('ON_HOLD');
    expect(other.body.warnings.map((w: { kind: string }) => w.kind)).toContain('low_face_match');
  });
});

/** An image route read as bytes (the JSON client would mangle them). */
async function getImage(c: Client, url: string) {
  const r = await t.app.inject({ method: 'GET', url, headers: c.authHeaders('GET') });
  return { status: r.statusCode, headers: r.headers, bytes: r.rawPayload, json: r.headers['content-type']?.toString().startsWith('application/json') ? r.json() : null };
}

/** A member of the organisation with a built-in role, signed in through an invite. */
async function member(org: typeof o, builtin: string, email: string) {
  const role = (await org.owner.get('/v1/team/roles')).body.data.find((r: { builtin: string }) => r.builtin === builtin);
  expect((await org.owner.post('/v1/team/invites', { email, roleId: role.id })).status).toBe(201);
  const token = decodeURIComponent(/token=([^\s&]+)/.exec((await t.smtp.waitFor((m) => m.to === email)).text)![1]);
  const c = new Client(t);
  expect((await c.post('/v1/auth/invites/accept', { token, name: 'Team Member', password: 'long enough password' })).status).toBe(201);
  return c;
}

describe('face list photos', () => {
  it('keeps the photo encrypted, serves it to pii.view only, within its organisation and mode, and audits the read', async () => {
    const list = await o.owner.post('/v1/face-lists', { name: 'Photos kept', kind: 'custom' });
    const added = await upload(o.owner, `/v1/face-lists/${list.body.id}/faces`, [{ field: 'image', data: photo('p7-frontal.jpg') }], { label: 'case 7' });
    expect(added.status).toBe(201);
    const url = `/v1/face-lists/${list.body.id}/faces/${added.body.id}/image`;
    const faces = await o.owner.get(`/v1/face-lists/${list.body.id}/faces`);
    expect(faces.body.data).toEqual([expect.objectContaining({ id: added.body.id, hasImage: true })]);

    // Stored under the org/mode/list/face key, envelope-encrypted at rest; the route answers the decrypted bytes.
    const row = await t.ctx.db.selectFrom('faceEmbeddings').select(['imageKey']).where('id', '=', added.body.id).executeTakeFirstOrThrow();
    expect(row.imageKey).toBe(`${o.orgId}/test/face-lists/${list.body.id}/${added.body.id}`);
    const atRest = fs.readFileSync(path.join(t.config.storage.dir, ...row.imageKey!.split('/')));
    expect(atRest.subarray(0, 4).toString()).toBe('TSE1');
    const stored = await t.ctx.storage.get(row.imageKey!);
    const img = await getImage(o.owner, url);
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    expect(img.headers['cache-control']).toBe('private, no-store');
    expect(Buffer.compare(img.bytes, stored)).toBe(0);
    expect(atRest.includes(stored.subarray(0, 64))).toBe(false);
    const audit = await t.ctx.db.selectFrom('auditLog').selectAll().where('orgId', '=', o.orgId).where('action', '=', 'face_list.face_viewed').where('targetId', '=', list.body.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ targetType: 'face_list', targetId: list.body.id });

    // A role without pii.view: 403.
    const viewer = await member(o, 'viewer', 'viewer.photos@acme.test');
    const denied = await getImage(viewer, url);
    expect(denied.status).toBe(403);
    expect(denied.json.error.code).toEqual(expect.any(String));

    // Another organisation, the other mode, an unknown face: 404 not_found.
    const other = await newOrg(t, 'Other');
    const otherList = await other.owner.post('/v1/face-lists', { name: 'Theirs', kind: 'custom' });
    for (const [c, u] of [
      [other.owner, url],
      [other.owner, `/v1/face-lists/${otherList.body.id}/faces/${added.body.id}/image`],
      [o.owner, `/v1/face-lists/${list.body.id}/faces/fce_00000000000000000000000000/image`],
    ] as const) {
      const r = await getImage(c, u);
      expect(r.status).toBe(404);
      expect(r.json.error.code).toBe('not_found');
    }
    o.owner.mode = 'live';
    try {
      expect((await getImage(o.owner, url)).status).toBe(404);
    } finally {
      o.owner.mode = 'test';
    }
  });

  it('a face added before photos were kept has no image (404); removing a face or a list removes its photo', async () => {
    const list = await o.owner.post('/v1/face-lists', { name: 'Removals', kind: 'blacklist' });
    const add = async () => (await upload(o.owner, `/v1/face-lists/${list.body.id}/faces`, [{ field: 'image', data: photo('p1-neutral.jpg') }])).body.id as string;
    const keyOf = async (id: string) => (await t.ctx.db.selectFrom('faceEmbeddings').select('imageKey').where('id', '=', id).executeTakeFirstOrThrow()).imageKey!;
    const gone = async (key: string) => expect(t.ctx.storage.get(key)).rejects.toMatchObject({ code: 'object_not_found' });

    const legacy = await add();
    const legacyKey = await keyOf(legacy);
    await t.ctx.storage.delete(legacyKey);
    await t.ctx.db.updateTable('faceEmbeddings').set({ imageKey: null }).where('id', '=', legacy).execute();
    expect((await o.owner.get(`/v1/face-lists/${list.body.id}/faces`)).body.data.find((f: { id: string }) => f.id === legacy).hasImage).toBe(false);
    const none = await getImage(o.owner, `/v1/face-lists/${list.body.id}/faces/${legacy}/image`);
    expect(none.status).toBe(404);
    expect(none.json.error.code).toBe('not_found');
    expect((await o.owner.del(`/v1/face-lists/${list.body.id}/faces/${legacy}`)).status).toBe(200);

    const one = await add();
    const oneKey = await keyOf(one);
    await t.ctx.storage.get(oneKey);
    expect((await o.owner.del(`/v1/face-lists/${list.body.id}/faces/${one}`)).status).toBe(200);
    await gone(oneKey);
    expect((await getImage(o.owner, `/v1/face-lists/${list.body.id}/faces/${one}/image`)).status).toBe(404);

    const two = await add();
    const twoKey = await keyOf(two);
    await t.ctx.storage.get(twoKey);
    expect((await o.owner.del(`/v1/face-lists/${list.body.id}`)).status).toBe(200);
    await gone(twoKey);
  });
});

describe('FACE_SEARCH=exact', () => {
  it('searches with the exact in-process index even where the database has pgvector, and still finds duplicates', async () => {
    const x = await createTestApp({ env: { FACE_SEARCH: 'exact' } });
    try {
      const ready = await new Client(x).get('/readyz');
      expect(ready.body.checks.faceSearch).toBe('exact_in_process');
      const org = await newOrg(x, 'Exact');
      const flowId = await makeFlow(org.api, [{ id: 'selfie', type: 'selfie' }]);
      const first = await startApplicant(x, org.api, flowId);
      const second = await startApplicant(x, org.api, flowId);
      for (const [s, file] of [[first, 'p7-frontal.jpg'], [second, 'p7-turned.jpg']] as const) {
        expect((await uploadFile(s.flow, '/v1/flow/steps/selfie/selfie', 'image', photo(file))).status).toBe(202);
        await waitFor(() => org.api.get(`/v1/applicants/${s.id}`), (r) => r.body.steps.find((x: { id: string }) => x.id === 'selfie')?.current?.status === 'completed', 60_000);
      }
      const a = await org.api.get(`/v1/applicants/${second.id}`);
      expect(a.body.warnings.find((w: { kind: string }) => w.kind === 'duplicate_face')?.details.otherApplicantId).toBe(first.id);
    } finally {
      await x.close();
    }
  });
});
