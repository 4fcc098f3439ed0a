import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Mode, User } from '../db/types.ts';
import { forbidden, tooMany, unauthorized, AppError } from '../lib/errors.ts';
import { timingSafeEqualStr } from '../lib/crypto.ts';
import { API_KEY_PERMISSIONS, type Permission } from '../lib/permissions.ts';
import { parseUserAgent } from '../lib/ua.ts';
import type { Actor } from '../modules/audit/audit-service.ts';

/**
 * public:    anyone
 * user:      a back-office session (cookie + CSRF header on writes)
 * api:       a private API key
 * staff:     either of the two above
 * applicant: an applicant's session access token (hosted flow / SDK)
 */
export type AuthMode = 'public' | 'user' | 'api' | 'staff' | 'applicant';

export const SESSION_COOKIE = 'tessera_session';

export type AuthContext = {
  kind: 'user' | 'api_key' | 'applicant';
  orgId: string;
  mode: Mode;
  permissions: Set<Permission>;
  user?: User & { roleName: string };
  session?: { id: string; csrfToken: string };
  apiKey?: { id: string; applicationId: string; clientKey: string };
  /** Set for applicant tokens by the verification module's resolver. */
  applicant?: { sessionId: string; applicantId: string; applicationId: string | null };
};

export type ApplicantTokenResolver = (token: string, req: FastifyRequest) => Promise<AuthContext | null>;

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function scopeOf(req: FastifyRequest): { orgId: string; mode: Mode } {
  if (!req.auth) throw unauthorized();
  return { orgId: req.auth.orgId, mode: req.auth.mode };
}

export function userOf(req: FastifyRequest) {
  if (!req.auth?.user || !req.auth.session) throw unauthorized('This action needs a signed-in user.', 'user_session_required');
  return { user: req.auth.user, session: req.auth.session };
}

export function can(req: FastifyRequest, p: Permission) {
  return !!req.auth?.permissions.has(p);
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1] : null;
}

export function authenticate(ctx: AppContext & { resolveApplicantToken?: ApplicantTokenResolver }) {
  const limiter = createRateLimiter();

  return async function onRequest(req: FastifyRequest, reply: FastifyReply) {
    const cfg = req.routeOptions.config as { auth?: AuthMode; permission?: Permission } | undefined;
    const mode = cfg?.auth;
    if (!mode || mode === 'public') return;

    const client = parseUserAgent(req.headers['user-agent']);
    const baseActor = { ...req.actor, os: client.os, browser: client.browser };
    const token = bearer(req);

    let auth: AuthContext | null = null;
    let actor: Actor | null = null;

    if (mode === 'applicant') {
      if (!token || !ctx.resolveApplicantToken) throw unauthorized('An applicant access token is required.');
      auth = await ctx.resolveApplicantToken(token, req);
      if (!auth) throw unauthorized('The access token is invalid or expired.', 'invalid_token');
      actor = { ...baseActor, type: 'applicant', id: auth.applicant!.applicantId, label: null };
    } else if (token && (mode === 'api' || mode === 'staff')) {
      const key = await ctx.applications.authenticate(token);
      if (!key) throw unauthorized('The API key is invalid or revoked.', 'invalid_api_key');
      const limit = key.rateLimitPerMinute ?? ctx.config.apiRateLimitPerMinute;
      const wait = limiter.take(key.id, limit);
      reply.header('x-ratelimit-limit', String(limit));
      if (wait > 0) throw tooMany(wait / 1000, `Rate limit of ${limit} requests per minute exceeded for this API key.`);
      auth = {
        kind: 'api_key',
        orgId: key.orgId,
        mode: key.mode,
        permissions: new Set(API_KEY_PERMISSIONS),
        apiKey: { id: key.id, applicationId: key.applicationId, clientKey: key.clientKey },
      };
      actor = { ...baseActor, type: 'api_key', id: key.id, label: key.prefix };
    } else if (mode === 'user' || mode === 'staff') {
      const cookieToken = req.cookies?.[SESSION_COOKIE];
      if (!cookieToken) throw unauthorized();
      const su = await ctx.auth.resolveSession(cookieToken);
      if (!su) throw unauthorized('Your session has expired. Sign in again.', 'session_expired');
      if (!SAFE.has(req.method)) {
        const csrf = req.headers['x-csrf-token'];
        if (typeof csrf !== 'string' || !timingSafeEqualStr(csrf, su.session.csrfToken)) throw forbidden('Missing or invalid CSRF token.', 'csrf_failed');
      }
      const wanted = req.headers['x-tessera-mode'];
      const reqMode: Mode = wanted === 'live' ? 'live' : 'test';
      if (wanted !== undefined && wanted !== 'live' && wanted !== 'test') throw new AppError(400, 'invalid_mode', 'x-tessera-mode must be live or test.');
      if (reqMode === 'live' && !su.permissions.has('live.access')) throw forbidden('Your role cannot work in live mode.', 'live_access_denied');
      auth = {
        kind: 'user',
        orgId: su.user.orgId,
        mode: reqMode,
        permissions: su.permissions,
        user: { ...su.user, roleName: su.roleName },
        session: su.session,
      };
      actor = { ...baseActor, type: 'user', id: su.user.id, label: su.user.email };
    } else {
      throw unauthorized(mode === 'api' ? 'An API key is required (Authorization: Bearer sk_…).' : undefined);
    }

    req.auth = auth;
    req.actor = actor;
    if (cfg?.permission && !auth.permissions.has(cfg.permission)) {
      throw forbidden(`This needs the ${cfg.permission} permission.`, 'forbidden', { permission: cfg.permission });
    }
  };
}

/**
 * Token bucket per API key, per process. Good enough to stop a runaway integration; a cluster-wide limit
 * would cost a database round trip on every call, which the hot API paths cannot afford.
 */
function createRateLimiter() {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** Returns 0 when allowed, else milliseconds until a token is available. */
    take(id: string, perMinute: number): number {
      const now = Date.now();
      const rate = perMinute / 60_000;
      const b = buckets.get(id) ?? { tokens: perMinute, at: now };
      b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * rate);
      b.at = now;
      buckets.set(id, b);
      if (buckets.size > 10_000) buckets.delete(buckets.keys().next().value!);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil((1 - b.tokens) / rate);
    },
  };
}
