/**
 * When a delivery counts as delivered, when it is tried again, and when an endpoint is given up on.
 * Retry delays and Retry-After waits are multiplied by WEBHOOK_TIME_SCALE (1 outside tests).
 */

export const ATTEMPT_LIMIT = 10;
/** A 2xx must arrive within this, from the start of the attempt (DNS, connect, TLS and headers included). */
export const ATTEMPT_TIMEOUT_MS = 15_000;
/** A worker's claim on a delivery; longer than one attempt, so only a dead worker's claim runs out. */
export const LEASE_MS = ATTEMPT_TIMEOUT_MS + 10_000;
/** An endpoint that has failed without a single success for this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * 3600_000;
/** After a rotation the old secret keeps signing (as a second signature) this long. */
export const PREVIOUS_SECRET_TTL_MS = 24 * 3600_000;

const FIRST_DELAY_MS = 5_000;
const GROWTH = 5;
const MAX_DELAY_MS = 24 * 3600_000;

/**
 * Delay before attempt n+1 after attempt n failed: 5 s × 5^(n−1), capped at 24 h, each ±20 % at random so
 * that deliveries failed by one outage do not come back in lockstep. Attempts 1…10 then land at about
 * 0, 5 s, 30 s, 2.5 min, 13 min, 65 min, 5.4 h, 27 h, 51 h and 75 h: roughly three days.
 */
export function backoffMs(failedAttempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * GROWTH ** (failedAttempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Retry-After as seconds or an HTTP date; null when absent or unreadable. Capped at the longest backoff. */
export function parseRetryAfterMs(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const v = value.trim();
  let ms: number;
  if (/^\d+$/.test(v)) ms = Number(v) * 1000;
  else {
    const at = Date.parse(v);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(MAX_DELAY_MS, Math.max(0, ms));
}

export type AttemptResult = {
  statusCode: number | null;
  latencyMs: number;
  snippet: string | null;
  error: string | null;
  retryAfter: string | null;
};

export type Verdict =
  | { kind: 'delivered' }
  /** 410 Gone: the receiver says the endpoint no longer exists. */
  | { kind: 'gone' }
  | { kind: 'retry'; delayMs: number }
  | { kind: 'exhausted' };

/**
 * 2xx is success. 3xx is a failure (redirects are never followed: following one would let a public URL
 * send us to an internal one). 410 disables the endpoint. For 429 and 5xx a Retry-After makes us wait at
 * least that long; the backoff is kept as the floor so a receiver cannot make us hammer it.
 */
export function judge(r: AttemptResult, attemptNo: number, attemptLimit: number, timeScale: number, now: number, random?: () => number): Verdict {
  const code = r.statusCode;
  if (code !== null && code >= 200 && code < 300) return { kind: 'delivered' };
  if (code === 410) return { kind: 'gone' };
  if (attemptNo >= attemptLimit) return { kind: 'exhausted' };
  let delay = backoffMs(attemptNo, random);
  if (code === 429 || (code !== null && code >= 500)) {
    const ra = parseRetryAfterMs(r.retryAfter, now);
    if (ra !== null) delay = Math.max(delay, ra);
  }
  return { kind: 'retry', delayMs: Math.round(delay * timeScale) };
}
