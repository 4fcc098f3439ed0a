/**
 * Whether this page may run inside the frame it is in: an application can list the web origins allowed
 * to embed its flow (`allowedOrigins` in the session bootstrap; empty = any). Pure, so it is unit-tested
 * without a browser.
 *
 * The embedding page's origin is, in order: `location.ancestorOrigins[0]` (our direct parent, set by the
 * browser; Chromium and Safari), the origin of the SDK's `init` message (also the direct parent, checked
 * by the browser; every browser when embedded by the web SDK), then `document.referrer`'s origin (Firefox
 * when framed without the SDK; a page can hide it, which then counts as unknown). Unknown means refused
 * whenever the list is not empty.
 */
export type EmbeddingContext = {
  /** `window.parent !== window`. */
  framed: boolean;
  ancestorOrigins?: ArrayLike<string> | null;
  /** Origin of the SDK's init message, when it came through the handshake. */
  messageOrigin?: string | null;
  referrer?: string | null;
};

export type EmbeddingDecision = { allowed: boolean; origin: string | null };

/** `https://Example.com:443/x` → `https://example.com`; opaque ("null") or unparsable → null. */
export function originOf(value: string | null | undefined): string | null {
  if (!value || value === 'null') return null;
  try {
    const o = new URL(value).origin;
    return o && o !== 'null' ? o : null;
  } catch {
    return null;
  }
}

/** The origin of the page we are framed in, as far as the browser tells us. */
export function embedderOrigin(ctx: EmbeddingContext): string | null {
  if (!ctx.framed) return null;
  const ancestor = ctx.ancestorOrigins && ctx.ancestorOrigins.length > 0 ? originOf(ctx.ancestorOrigins[0]) : null;
  return ancestor ?? originOf(ctx.messageOrigin) ?? originOf(ctx.referrer);
}

export function embeddingDecision(ctx: EmbeddingContext, allowedOrigins: readonly string[]): EmbeddingDecision {
  if (!ctx.framed) return { allowed: true, origin: null };
  const origin = embedderOrigin(ctx);
  if (allowedOrigins.length === 0) return { allowed: true, origin };
  const list = new Set(allowedOrigins.map((o) => originOf(o)).filter((o): o is string => o !== null));
  return { allowed: origin !== null && list.has(origin), origin };
}

/** What this browser tells us about where we are. */
export function browserEmbeddingContext(messageOrigin: string | null): EmbeddingContext {
  const framed = window.parent !== window;
  let referrer: string | null = null;
  try {
    referrer = document.referrer || null;
  } catch {
    referrer = null;
  }
  return { framed, ancestorOrigins: window.location.ancestorOrigins ?? null, messageOrigin, referrer };
}
