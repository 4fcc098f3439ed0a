import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { hostOf, type ResolvedAddress } from './ssrf.ts';
import type { AttemptResult } from './delivery-policy.ts';

const SNIPPET_CHARS = 1024;
// Enough to keep a small answer's connection reusable; a larger body is cut off rather than read.
const MAX_READ_BYTES = 64 * 1024;
const USER_AGENT = 'Tessera-Webhooks/1';

// Keep-alive pools shared by every delivery: a busy endpoint reuses its connections instead of paying a
// TCP (and TLS) handshake per event. A pooled socket stays connected to the address checked when it opened.
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 30_000 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, timeout: 30_000 }),
};

/** A lookup that answers with the addresses the SSRF guard already approved, so the check cannot be raced. */
function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, addresses.map((a) => ({ address: a.address, family: a.family })));
    else callback(null, addresses[0].address, addresses[0].family);
  }) as LookupFunction;
}

/**
 * One POST: never follows redirects, gives up after `timeoutMs` in total, and reports what happened
 * without throwing (the caller judges it).
 */
export function postWebhook(url: URL, addresses: ResolvedAddress[], headers: Record<string, string>, body: string, timeoutMs: number): Promise<AttemptResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const mod = url.protocol === 'https:' ? https : http;
  const payload = Buffer.from(body, 'utf8');

  return new Promise<AttemptResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<AttemptResult, 'latencyMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, latencyMs: elapsed() });
    };
    const req = mod.request(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: hostOf(url),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        agent: agents[url.protocol as 'http:' | 'https:'],
        lookup: pinnedLookup(addresses),
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(payload.length), 'user-agent': USER_AGENT },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let read = 0;
        const done = (truncated: boolean) => {
          const text = Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_CHARS);
          const retryAfter = res.headers['retry-after'];
          finish({
            statusCode: res.statusCode ?? null,
            // Control characters would garble the log view; the text is the receiver's, kept short.
            snippet: text ? text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '') : null,
            error: null,
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
          });
          if (truncated) res.destroy();
        };
        res.on('data', (c: Buffer) => {
          read += c.length;
          if (read <= MAX_READ_BYTES) chunks.push(c);
          else done(true);
        });
        res.on('end', () => done(false));
        res.on('error', (err) => finish({ statusCode: res.statusCode ?? null, snippet: null, error: describeError(err), retryAfter: null }));
      },
    );
    const timer = setTimeout(() => {
      finish({ statusCode: null, snippet: null, error: `timeout: no complete answer within ${Math.round(timeoutMs / 1000)} s`, retryAfter: null });
      req.destroy();
    }, timeoutMs);
    req.on('error', (err) => finish({ statusCode: null, snippet: null, error: describeError(err), retryAfter: null }));
    req.end(payload);
  });
}

function describeError(err: Error & { code?: string }): string {
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset by the receiver',
    EPIPE: 'connection closed by the receiver',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    ENOTFOUND: 'host not found',
    CERT_HAS_EXPIRED: 'TLS certificate has expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate is self-signed',
    ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host',
  };
  const text = (err.code && known[err.code]) ?? err.message ?? 'request failed';
  return (err.code ? `${err.code}: ${text}` : text).slice(0, 300);
}
