import crypto from 'node:crypto';

/** One map of public id prefixes, so an id says what it points at (`apl_…` is an applicant). */
export const ID_PREFIX = {
  organisation: 'org',
  user: 'usr',
  role: 'rol',
  invite: 'inv',
  userSession: 'uss',
  application: 'app',
  apiKey: 'key',
  applicant: 'apl',
  flow: 'flw',
  flowVersion: 'flv',
  level: 'lvl',
  session: 'ses',
  link: 'lnk',
  linkBatch: 'lnb',
  stepResult: 'stp',
  attempt: 'att',
  file: 'fil',
  document: 'doc',
  warning: 'wrn',
  comment: 'cmt',
  event: 'evt',
  webhookEndpoint: 'whk',
  delivery: 'dlv',
  amlScan: 'scn',
  amlListVersion: 'lsv',
  amlHistory: 'amh',
  amlRun: 'amr',
  amlMatch: 'amm',
  amlList: 'lst',
  faceList: 'fls',
  face: 'fce',
  request: 'req',
  audit: 'aud',
  mail: 'msg',
  otp: 'otp',
  livenessChallenge: 'lvc',
} as const;

export type IdKind = keyof typeof ID_PREFIX;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Time-ordered ids: 48-bit milliseconds then 80 random bits in Crockford base32 (26 chars), so ids sort
 * roughly by creation and make stable pagination cursors.
 */
export function newId(kind: IdKind): string {
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(Date.now(), 0, 6);
  crypto.randomFillSync(bytes, 6, 10);
  return `${ID_PREFIX[kind]}_${base32(bytes).toLowerCase()}`;
}

export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIX[kind]}_[0-9a-z]{26}$`).test(value);
}

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += CROCKFORD[(value << (5 - bits)) & 31];
  return out;
}

/** Random url-safe secret material for API keys and one-time tokens. */
export function randomToken(bytes = 24): string {
  return crypto.randomBytes(bytes).toString('base64url');
}
