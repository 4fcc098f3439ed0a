import crypto from 'node:crypto';

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): each endpoint has a `whsec_<base64>`
 * secret; a message is signed as base64(HMAC-SHA256(secret bytes, "<webhook-id>.<webhook-timestamp>.<body>"))
 * and sent as `webhook-signature: v1,<signature>`, several space-separated signatures while a rotated-out
 * secret is still honoured.
 */

export const SECRET_PREFIX = 'whsec_';

export function generateSecret(): string {
  return SECRET_PREFIX + crypto.randomBytes(32).toString('base64');
}

/** What lists show instead of the secret: enough to tell two secrets apart, useless to an attacker. */
export function secretHint(secret: string): string {
  return `${secret.slice(0, SECRET_PREFIX.length + 4)}…`;
}

function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

export function sign(secret: string, msgId: string, timestamp: number, body: string): string {
  const mac = crypto.createHmac('sha256', secretBytes(secret)).update(`${msgId}.${timestamp}.${body}`).digest('base64');
  return `v1,${mac}`;
}

/** The three contract headers for one attempt; `secrets` lists the current secret first. */
export function signatureHeaders(secrets: string[], msgId: string, timestamp: number, body: string): Record<string, string> {
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => sign(s, msgId, timestamp, body)).join(' '),
  };
}
