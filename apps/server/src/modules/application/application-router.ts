import { z } from 'zod';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { scopeOf } from '../../http/auth.ts';
import { ZIdParam, ZOk, errorResponses, iso } from '../../http/schemas.ts';
import type { ApiKey, Application } from '../../db/types.ts';
import { MAX_ALLOWED_ORIGINS, normaliseOrigin } from '../../lib/origins.ts';

const ZHeaders = z
  .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'invalid header name'), z.string().max(1024))
  .refine((h) => Object.keys(h).length <= 20, 'at most 20 headers');
const ZUrl = z.url({ protocol: /^https?$/ }).max(2048);

const ORIGINS_HELP =
  'Web origins allowed to embed the hosted flow in an iframe (web SDK), e.g. "https://app.example.com" or ' +
  '"https://example.com:8443". Each entry is a bare origin: https, or http for localhost/127.0.0.1 only; no path, ' +
  `no wildcards; at most ${MAX_ALLOWED_ORIGINS}. Entries are normalised (lowercase, trailing slash and default ` +
  'port removed, duplicates dropped). An empty list lets any website embed the flow. Opening the flow directly ' +
  '(not in a frame) is never restricted.';
const ZAllowedOrigins = z
  .array(
    z
      .string()
      .max(300)
      .transform((s, c) => {
        const r = normaliseOrigin(s);
        if (r.ok) return r.origin;
        c.addIssue({ code: 'custom', message: r.message });
        return z.NEVER;
      }),
  )
  .max(MAX_ALLOWED_ORIGINS)
  .transform((list) => [...new Set(list)])
  .describe(ORIGINS_HELP);

const ZApplication = z.object({
  id: z.string(),
  mode: z.enum(['live', 'test']),
  name: z.string(),
  description: z.string(),
  clientKey: z.string(),
  webhookUrl: z.string().nullable(),
  webhookHeaders: z.record(z.string(), z.string()).nullable(),
  redirectUrl: z.string().nullable(),
  allowedOrigins: z.array(z.string()).describe(ORIGINS_HELP),
  status: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const ZApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  mode: z.enum(['live', 'test']),
  applicationId: z.string(),
  rateLimitPerMinute: z.number().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const keyView = (k: ApiKey) => ({ ...k, createdAt: k.createdAt.toISOString(), lastUsedAt: iso(k.lastUsedAt), revokedAt: iso(k.revokedAt) });

export function registerApplicationRoutes(app: ZApp, ctx: AppContext) {
  const cfg = { auth: 'user' as const, permission: 'settings.manage' as const };
  const view = (a: Application) => {
    const v = ctx.applications.view(a);
    return { ...v, createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString() };
  };

  app.get(
    '/v1/applications',
    { config: cfg, schema: { tags: ['applications'], summary: 'Applications in the current mode', response: { 200: z.object({ data: z.array(ZApplication) }), ...errorResponses } } },
    async (req) => ({ data: (await ctx.applications.list(scopeOf(req))).map(view) }),
  );

  app.post(
    '/v1/applications',
    {
      config: cfg,
      schema: {
        tags: ['applications'],
        summary: 'Create an application (its crypto key is returned once here)',
        body: z.strictObject({
          name: z.string().trim().min(1).max(120),
          description: z.string().max(1000).optional(),
          webhookUrl: ZUrl.nullable().optional(),
          webhookHeaders: ZHeaders.nullable().optional(),
          redirectUrl: ZUrl.nullable().optional(),
          allowedOrigins: ZAllowedOrigins.optional(),
        }),
        response: { 201: ZApplication.extend({ cryptoKey: z.string() }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const a = await ctx.db.transaction().execute((tx) => ctx.applications.createApplication(tx, scopeOf(req), req.body, req.actor));
      return reply.code(201).send({ ...view(a), cryptoKey: ctx.applications.revealCryptoKey(a) });
    },
  );

  app.get(
    '/v1/applications/:id',
    { config: cfg, schema: { tags: ['applications'], summary: 'One application', params: ZIdParam('app'), response: { 200: ZApplication, ...errorResponses } } },
    async (req) => view(await ctx.applications.get(scopeOf(req), req.params.id)),
  );

  app.patch(
    '/v1/applications/:id',
    {
      config: cfg,
      schema: {
        tags: ['applications'],
        summary: 'Edit an application: name, webhook URL and headers, redirect URL, allowed embedding origins, status',
        params: ZIdParam('app'),
        body: z.strictObject({
          name: z.string().trim().min(1).max(120).optional(),
          description: z.string().max(1000).optional(),
          webhookUrl: ZUrl.nullable().optional(),
          webhookHeaders: ZHeaders.nullable().optional(),
          redirectUrl: ZUrl.nullable().optional(),
          allowedOrigins: ZAllowedOrigins.optional(),
          status: z.enum(['active', 'disabled']).optional(),
        }),
        response: { 200: ZApplication, ...errorResponses },
      },
    },
    async (req) => view(await ctx.applications.update(scopeOf(req), req.params.id, req.body, req.actor)),
  );

  app.get(
    '/v1/applications/:id/crypto-key',
    { config: cfg, schema: { tags: ['applications'], summary: 'Reveal the payload-encryption key (audited)', params: ZIdParam('app'), response: { 200: z.object({ cryptoKey: z.string() }), ...errorResponses } } },
    async (req) => {
      const scope = scopeOf(req);
      const a = await ctx.applications.get(scope, req.params.id);
      await ctx.audit.record(ctx.db, { orgId: scope.orgId, mode: scope.mode, actor: req.actor, action: 'application.crypto_key_viewed', targetType: 'application', targetId: a.id });
      return { cryptoKey: ctx.applications.revealCryptoKey(a) };
    },
  );

  app.post(
    '/v1/applications/:id/crypto-key/rotate',
    { config: cfg, schema: { tags: ['applications'], summary: 'Replace the payload-encryption key', params: ZIdParam('app'), response: { 200: z.object({ cryptoKey: z.string() }), ...errorResponses } } },
    async (req) => ({ cryptoKey: await ctx.applications.rotateCryptoKey(scopeOf(req), req.params.id, req.actor) }),
  );

  app.post(
    '/v1/applications/:id/client-key/rotate',
    { config: cfg, schema: { tags: ['applications'], summary: 'Replace the public client key', params: ZIdParam('app'), response: { 200: ZApplication, ...errorResponses } } },
    async (req) => view(await ctx.applications.rotateClientKey(scopeOf(req), req.params.id, req.actor)),
  );

  app.get(
    '/v1/applications/:id/keys',
    { config: cfg, schema: { tags: ['applications'], summary: 'Private API keys (never their secrets)', params: ZIdParam('app'), response: { 200: z.object({ data: z.array(ZApiKey) }), ...errorResponses } } },
    async (req) => ({ data: (await ctx.applications.listKeys(scopeOf(req), req.params.id)).map(keyView) }),
  );

  app.post(
    '/v1/applications/:id/keys',
    {
      config: cfg,
      schema: {
        tags: ['applications'],
        summary: 'Create a private API key; the secret is shown once',
        params: ZIdParam('app'),
        body: z.strictObject({ name: z.string().max(120).optional(), rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable().optional() }),
        response: { 201: ZApiKey.extend({ secret: z.string() }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { key, secret } = await ctx.applications.createKey(scopeOf(req), req.params.id, req.body, req.actor);
      return reply.code(201).send({ ...keyView(key), secret });
    },
  );

  app.delete(
    '/v1/applications/:id/keys/:keyId',
    {
      config: cfg,
      schema: {
        tags: ['applications'],
        summary: 'Revoke a private API key',
        params: z.object({ id: z.string(), keyId: z.string() }),
        response: { 200: ZOk, ...errorResponses },
      },
    },
    async (req) => {
      await ctx.applications.revokeKey(scopeOf(req), req.params.id, req.params.keyId, req.actor);
      return { ok: true as const };
    },
  );
}
