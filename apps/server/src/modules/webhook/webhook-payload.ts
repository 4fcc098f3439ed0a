import crypto from 'node:crypto';

/**
 * What a receiver gets in the body: the event's payload (the same object GET /v1/events/:id returns under
 * `payload`), reduced to statuses for "no personal data" endpoints, then optionally encrypted.
 */

// "No personal data" is an allowlist: a field added to events later stays out until it is judged harmless
// here. externalUserId is out because integrators often use an email address or a name as that id.
const STATUS_FIELDS = [
  'id',
  'type',
  'createdAt',
  'mode',
  'applicantId',
  'appKey',
  'flowId',
  'stepId',
  'stepType',
  'status',
  'sequence',
  'warnings',
  'from',
  'to',
  'outcome',
  'reasons',
  'linkId',
  'submissionId',
  'endpointId',
] as const;
const REVIEW_FIELDS = ['decision', 'rejectType', 'rejectLabels'] as const;

export function withoutPersonalData(payload: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of STATUS_FIELDS) if (k in payload) out[k] = payload[k];
  const review = payload.reviewResult;
  if (review && typeof review === 'object') {
    const r: Record<string, unknown> = {};
    for (const k of REVIEW_FIELDS) if (k in review) r[k] = (review as Record<string, unknown>)[k];
    out.reviewResult = r;
  }
  return out;
}

const FINAL_STATUSES = new Set(['APPROVED', 'DECLINED']);

/** "Final only" endpoints get verdicts: an approval or a decline, and the review that produced it. */
export function isFinalEvent(type: string, payload: Record<string, unknown>): boolean {
  if (type === 'applicant.approved' || type === 'applicant.declined' || type === 'review.completed') return true;
  return type === 'applicant.status_changed' && typeof payload.to === 'string' && FINAL_STATUSES.has(payload.to);
}

/**
 * AES-256-CBC with the application's 256-bit crypto key and a random 16-byte IV (PKCS#7 padding):
 * `{"data": base64(iv ‖ ciphertext)}`. CBC is what receivers of other vendors already decrypt; integrity
 * comes from the webhook signature, which covers this encrypted body and must be checked first.
 */
export function encryptBody(json: string, keyBase64: string): string {
  const key = Buffer.from(keyBase64, 'base64');
  if (key.length !== 32) throw new Error('payload key must be 32 bytes');
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-cbc', key, iv);
  const data = Buffer.concat([iv, cipher.update(json, 'utf8'), cipher.final()]).toString('base64');
  return JSON.stringify({ data });
}

export function renderBody(payload: Record<string, unknown>, opts: { noPersonalData: boolean; encryptionKey: string | null }): string {
  const json = JSON.stringify(opts.noPersonalData ? withoutPersonalData(payload) : payload);
  return opts.encryptionKey ? encryptBody(json, opts.encryptionKey) : json;
}
