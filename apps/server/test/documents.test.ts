import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { degrade, generateSpecimen } from '@tessera/documents';
import { createTestApp, newOrg, type TestApp } from './helpers.ts';
import { makeFlow, startApplicant, upload, waitFor } from './flow-helpers.ts';

// The ICAO 9303 "Utopia" specimen passport page (PassportEye, MIT), committed with the document engine.
const TD3 = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../packages/documents/test/fixtures/passport-td3.jpg'));

let t: TestApp;
let o: Awaited<ReturnType<typeof newOrg>>;
let flowId: string;
beforeAll(async () => {
  t = await createTestApp();
  o = await newOrg(t);
  flowId = await makeFlow(o.api, [
    { id: 'document', type: 'document', settings: { documentTypes: [{ type: 'passport', back: 'none' }], qualityChecks: { focus: false, glare: false, colour: false } } },
    { id: 'aml', type: 'aml' },
  ]);
});
afterAll(async () => t?.close());

async function submitDocument(front: Buffer, extra: Record<string, unknown> = {}) {
  const s = await startApplicant(t, o.api, flowId, extra);
  const up = await upload(s.flow, '/v1/flow/steps/document/document', [{ field: 'front', data: front }], { documentType: 'passport' });
  expect(up.status).toBe(202);
  const result = await waitFor(() => s.flow.get('/v1/flow/steps/document/result'), (r) => r.body?.status === 'completed', 120_000);
  const applicant = await o.api.get(`/v1/applicants/${s.id}`);
  return { ...s, result: result.body, applicant: applicant.body };
}

describe('document step', () => {
  it('reads the ICAO specimen passport: MRZ, fields, cross-checks; the specimen state is accepted in test mode', async () => {
    const r = await submitDocument(TD3);
    const doc = r.applicant.documents[0];
    expect(doc.documentType).toBe('passport');
    expect(doc.issuingState).toBe('UTO');
    expect(doc.fields).toMatchObject({ surname: 'ERIKSSON', givenNames: 'ANNA MARIA', documentNumber: 'L898902C3', birthDate: '1974-08-12' });
    expect(doc.checks.mrz.valid).toBe(true);
    expect(r.applicant.info.extracted).toMatchObject({ surname: 'ERIKSSON', documentNumber: 'L898902C3' });
    // 2012 expiry: expired, reported as such.
    expect(r.result.reasons).toContain('rule:expiry');
    expect(r.applicant.warnings.map((w: { kind: string }) => w.kind)).toContain('expired_document');
    // Searchable by name and document number through blind indexes.
    expect((await o.api.get('/v1/applicants?q=L898902C3')).body.data.map((a: { id: string }) => a.id)).toContain(r.id);
    expect((await o.api.get('/v1/applicants?q=eriksson')).body.data.map((a: { id: string }) => a.id)).toContain(r.id);
  });

  it('a generated passport passes; the same document under another applicant is a duplicate; amending re-runs AML', async () => {
    const spec = await generateSpecimen({ kind: 'td3', seed: 4242 });
    // Photographed on a table, as a camera would: the document's edges are visible.
    const photo = await degrade(spec.front, { backgroundMargin: 0.08 });
    const first = await submitDocument(photo);
    expect(first.result.reasons.filter((x: string) => x.startsWith('rule:') || x.startsWith('quality:'))).toEqual([]);
    expect(first.result.outcome).toBe('passed');
    expect(first.applicant.documents[0].fields.documentNumber).toBe(spec.truth.person.documentNumber);
    const second = await submitDocument(photo);
    const dup = second.applicant.warnings.find((w: { kind: string }) => w.kind === 'duplicate_document');
    expect(dup.details.otherApplicantId).toBe(first.id);
    expect(second.result.outcome).toBe('review');

    const aml = await waitFor(() => o.api.get(`/v1/applicants/${first.id}`), (r) => r.body.steps.find((s: { id: string }) => s.id === 'aml').current?.status === 'completed', 60_000);
    const docId = aml.body.documents[0].id;
    const amended = await o.owner.patch(`/v1/applicants/${first.id}/documents/${docId}`, { fields: { surname: 'CORRECTED' } });
    expect(amended.status).toBe(200);
    const after = await waitFor(() => o.api.get(`/v1/applicants/${first.id}`), (r) => {
      const step = r.body.steps.find((s: { id: string }) => s.id === 'aml');
      return step.history.length >= 1 && step.current?.status === 'completed';
    }, 60_000);
    expect(after.body.documents[0].fields.surname).toBe('CORRECTED');
    expect(after.body.documents[0].originalFields.surname).toBe(first.applicant.documents[0].fields.surname);
    expect(after.body.documents[0].amendedFields).toEqual(['surname']);
  });

  it('an underage document fails the step with an age warning', async () => {
    const spec = await generateSpecimen({ kind: 'td3', seed: 777, tamper: 'underage' });
    const r = await submitDocument(spec.front);
    expect(r.result.outcome).toBe('failed');
    expect(r.result.reasons).toContain('rule:age');
    expect(r.applicant.warnings.map((w: { kind: string }) => w.kind)).toContain('age');
  });

  it('OCR prefill: the applicant sees what was read and can correct it; the reviewer sees the correction', async () => {
    const prefillFlow = await makeFlow(o.api, [{ id: 'document', type: 'document', settings: { documentTypes: [{ type: 'passport', back: 'none' }], prefill: { enabled: true, mapping: {} } } }]);
    const s = await startApplicant(t, o.api, prefillFlow);
    const spec = await generateSpecimen({ kind: 'td3', seed: 9191 });
    await upload(s.flow, '/v1/flow/steps/document/document', [{ field: 'front', data: await degrade(spec.front, { backgroundMargin: 0.08 }) }], { documentType: 'passport' });
    await waitFor(() => s.flow.get('/v1/flow/steps/document/result'), (r) => r.body?.status === 'completed', 120_000);
    // A prefilled document holds the verification open until the applicant confirms its data.
    expect((await o.api.get(`/v1/applicants/${s.id}`)).body.status).toBe('IN_PROGRESS');
    const read = await s.flow.get('/v1/flow/steps/document/extracted');
    expect(read.body.fields).toMatchObject({ documentNumber: spec.truth.person.documentNumber, birthDate: spec.truth.person.birthDate });
    const c = await s.flow.post('/v1/flow/steps/document/confirm', { fields: { ...read.body.fields, givenNames: 'CORRECTED NAME' } });
    expect(c.body.changed).toEqual(['givenNames']);
    expect((await s.flow.post('/v1/flow/steps/document/confirm', { fields: read.body.fields })).body.error.code).toBe('already_confirmed');
    const a = await o.api.get(`/v1/applicants/${s.id}`);
    expect(a.body.documents[0].applicantConfirmed.givenNames).toBe('CORRECTED NAME');
    expect(a.body.documents[0].fields.givenNames).toBe(read.body.fields.givenNames);
    expect(a.body.warnings.map((w: { kind: string }) => w.kind)).toContain('applicant_corrected_data');
    expect(a.body.status).not.toBe('IN_PROGRESS');
    await expect((await startApplicant(t, o.api, flowId)).flow.get('/v1/flow/steps/document/extracted').then((r) => r.body.error.code)).resolves.toBe('prefill_disabled');
  });
});

describe('a step job that runs more than once (re-run after a crash, two workers at once)', () => {
  it('records the result, the document, its warnings, files and event exactly once, and leaves no stray objects', async () => {
    const x = await createTestApp({ work: false }); // no worker: this test runs the job itself
    try {
      const org = await newOrg(x, 'Rerun');
      const flow = await makeFlow(org.api, [{ id: 'document', type: 'document', settings: { documentTypes: [{ type: 'passport', back: 'none' }], qualityChecks: { focus: false, glare: false, colour: false } } }]);
      const s = await startApplicant(x, org.api, flow);
      expect((await upload(s.flow, '/v1/flow/steps/document/document', [{ field: 'front', data: TD3 }], { documentType: 'passport' })).status).toBe(202);
      const sub = await x.ctx.db.selectFrom('stepSubmissions').select(['id', 'status']).where('applicantId', '=', s.id).where('stepId', '=', 'document').executeTakeFirstOrThrow();
      expect(sub.status).toBe('queued');

      await Promise.all([x.ctx.steps.process(sub.id), x.ctx.steps.process(sub.id)]);
      await x.ctx.steps.process(sub.id); // the retry of a job whose first run committed

      const done = await x.ctx.db.selectFrom('stepSubmissions').select('status').where('id', '=', sub.id).executeTakeFirstOrThrow();
      expect(done.status).toBe('completed');
      expect(await x.ctx.db.selectFrom('documents').select('id').where('applicantId', '=', s.id).execute()).toHaveLength(1);
      const warnings = await x.ctx.db.selectFrom('warnings').select('kind').where('applicantId', '=', s.id).execute();
      expect(warnings.map((w) => w.kind)).toContain('expired_document');
      expect(new Set(warnings.map((w) => w.kind)).size).toBe(warnings.length);
      const events = await x.ctx.db.selectFrom('events').select('type').where('applicantId', '=', s.id).where('type', 'in', ['applicant.step_passed', 'applicant.step_failed', 'document.received']).execute();
      expect(events.filter((e) => e.type !== 'document.received')).toHaveLength(1);
      // Files: the upload and the engine's crops, once each; storage holds exactly those objects (the runs
      // that lost remove what they stored before their transaction).
      const rows = await x.ctx.db.selectFrom('files').select(['kind', 'storageKey']).where('applicantId', '=', s.id).execute();
      expect(rows.length).toBeGreaterThan(1);
      expect(new Set(rows.map((r) => r.kind)).size).toBe(rows.length);
      const stored = (fs.readdirSync(x.config.dataDir, { recursive: true }) as string[])
        .filter((f) => f.includes(s.id) && fs.statSync(path.join(x.config.dataDir, f)).isFile())
        .map((f) => f.split(path.sep).join('/'));
      for (const r of rows) expect(stored.some((k) => k.endsWith(r.storageKey))).toBe(true);
      expect(stored).toHaveLength(rows.length);
    } finally {
      await x.close();
    }
  });
});
