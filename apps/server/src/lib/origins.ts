/**
 * Web origins that may embed the hosted flow (an application's `allowedOrigins`). An entry is a bare
 * origin: `https://host[:port]`, or `http://` for a local development host only. It is stored normalised
 * (lowercase, no trailing slash, no default port) so that it compares equal to what a browser reports as
 * `location.ancestorOrigins[0]`, a message's `event.origin` or a referrer's origin.
 */

export const MAX_ALLOWED_ORIGINS = 50;

/** Hosts that may be given over plain http: a developer's own machine. */
const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$|^\[[0-9a-f:.]+\]$/;

export type OriginCheck = { ok: true; origin: string } | { ok: false; message: string };

export function normaliseOrigin(input: string): OriginCheck {
  const raw = input.trim().replace(/\/$/, '');
  const bad = (message: string): OriginCheck => ({ ok: false, message });
  if (raw.includes('*')) return bad('wildcards are not supported: list each origin');
  if (!/^https?:\/\/[^/?#@\s\\]+$/i.test(raw)) return bad('must be an origin like https://example.com (scheme and host, optional port, no path)');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return bad('must be an origin like https://example.com');
  }
  if (!HOST.test(u.hostname)) return bad('has an invalid host name');
  if (u.protocol === 'http:' && !LOCAL_HOSTS.includes(u.hostname)) return bad('must use https (http is allowed only for localhost and 127.0.0.1)');
  return { ok: true, origin: u.origin };
}
