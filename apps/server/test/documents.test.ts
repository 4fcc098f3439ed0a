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
