import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSpecimen, type SpecimenOptions } from '../../packages/documents/src/specimen/render.ts';

/**
 * Real verifications for the back-office pages to show: specimen documents rendered by packages/documents
 * (with the flow tests' face photo as the portrait) and that same face as the selfie, sent through the
 * applicant API exactly as the SDK sends them, then read by the real engines.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const FACE = path.join(here, '../flow/fixtures/face-neutral.jpg');

type Call = <T>(method: string, path: string, body?: unknown) => Promise<T>;

export function client(baseUrl: string, bearer: string): Call {
  return async <T>(method: string, p: string, body?: unknown): Promise<T> => {
    const isForm = body instanceof FormData;
    const res = await fetch(`${baseUrl}${p}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined || isForm ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p} → ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}

export const VERIFIED_FLOW = {
  steps: [
    { id: 'document', type: 'document', settings: { documentTypes: [{ type: 'passport', back: 'none' }], prefill: { enabled: true, mapping: {} } } },
    { id: 'selfie', type: 'selfie' },
    { id: 'face-match', type: 'face_match', settings: { sources: ['document', 'selfie'] } },
    { id: 'screening', type: 'aml', settings: { fieldMapping: { fullName: 'document', birthDate: 'document', country: 'document' } } },
  ],
  settings: { approvalPolicy: 'manual' },
};

type Applicant = { id: string; status: string; steps: { id: string; current: { status: string } | null }[] };

/**
 * One applicant through document (with a correction at the OCR prefill), selfie, face match and AML.
 * Resolves once every step has a finished result.
 */
export async function seedVerifiedApplicant(baseUrl: string, apiKey: string, opts: { flowId: string; externalUserId: string; seed: number; person?: SpecimenOptions['person']; correct?: Record<string, string> }) {
  const api = client(baseUrl, apiKey);
  const applicant = await api<{ id: string }>('POST', '/v1/applicants', { externalUserId: opts.externalUserId, flowId: opts.flowId });
  const session = await api<{ accessToken: string }>('POST', `/v1/applicants/${applicant.id}/sessions`, {});
  const flow = client(baseUrl, session.accessToken);

  const portrait = fs.readFileSync(FACE);
  const doc = await generateSpecimen({ kind: 'td3', seed: opts.seed, portrait, scale: 10, person: opts.person });
  const form = new FormData();
  form.set('documentType', 'passport');
  form.set('front', new Blob([new Uint8Array(doc.front)], { type: 'image/png' }), 'front.png');
  await flow('POST', '/v1/flow/steps/document/document', form);
  await until(async () => (await api<Applicant>('GET', `/v1/applicants/${applicant.id}`)).steps.find((s) => s.id === 'document')?.current?.status === 'completed');

  if (opts.correct) {
    const read = await flow<{ fields: Record<string, string | null> }>('GET', '/v1/flow/steps/document/extracted');
    await flow('POST', '/v1/flow/steps/document/confirm', { fields: { ...read.fields, ...opts.correct } });
  }

  const selfie = new FormData();
  selfie.set('image', new Blob([new Uint8Array(portrait)], { type: 'image/jpeg' }), 'selfie.jpg');
  await flow('POST', '/v1/flow/steps/selfie/selfie', selfie);
  await until(async () => (await api<Applicant>('GET', `/v1/applicants/${applicant.id}`)).steps.every((s) => s.current?.status === 'completed'));
  return { id: applicant.id, truth: doc.truth };
}

async function until(check: () => Promise<boolean>, timeoutMs = 90_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the engines did not finish in time');
}
