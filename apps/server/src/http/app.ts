import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import {
  hasZodFastifySchemaValidationErrors,
  isResponseSerializationError,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { ZodError } from 'zod';
import type { AppContext } from '../context.ts';
import { AppError } from '../lib/errors.ts';
import { newId } from '../lib/ids.ts';
import { authenticate, type AuthMode } from './auth.ts';
import { idempotency } from './idempotency.ts';
import type { Permission } from '../lib/permissions.ts';
import type { AuthContext } from './auth.ts';
import type { Actor } from '../modules/audit/audit-service.ts';
import { registerRoutes } from './routes.ts';
import { registerStatic, spaIndexFor } from './static.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; every /v1 route must say. */
    auth?: AuthMode;
    /** The permission the caller's role (or API key) must hold. */
    permission?: Permission;
  }
  interface FastifyRequest {
    auth: AuthContext | null;
    actor: Actor;
  }
}

export type ZApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export const JSON_BODY_LIMIT = 1024 * 1024;
export const UPLOAD_LIMIT = 15 * 1024 * 1024;

export type RouteInfo = { method: string; url: string; auth: AuthMode; permission?: Permission };

export async function buildApp(ctx: AppContext, opts: { logger?: boolean } = {}) {
  const app = Fastify({
    loggerInstance: (opts.logger === false ? undefined : ctx.logger) as FastifyBaseLogger | undefined,
    // Our own onResponse line replaces fastify's request logs, which would print raw URLs.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: ctx.config.trustProxy,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[A-Za-z0-9_\-.]{8,64}$/.test(incoming) ? incoming : newId('request');
    },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('auth', null);
  app.decorateRequest('actor', null as unknown as Actor);

  // The route table, as the security test and the docs see it.
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    const auth = (r.config as { auth?: AuthMode } | undefined)?.auth;
    if (r.url.startsWith('/v1/') && !auth) throw new Error(`route ${methods.join(',')} ${r.url} declares no auth mode`);
    for (const m of methods) if (m !== 'HEAD') routes.push({ method: m, url: r.url, auth: auth ?? 'public', permission: (r.config as { permission?: Permission })?.permission });
  });
  app.decorate('routeTable', routes);

  await app.register(cookie);
  await app.register(cors, { origin: [ctx.config.publicUrl], credentials: true, exposedHeaders: ['x-request-id', 'retry-after', 'idempotent-replayed'] });
  await app.register(multipart, { limits: { fileSize: UPLOAD_LIMIT, files: 12, fields: 20, fieldSize: 64 * 1024, parts: 32 } });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tessera API',
        version: '1.0.0',
        description:
          'Identity verification (KYC/KYB) and AML screening. Authenticate server-to-server calls with `Authorization: Bearer <private API key>`; ' +
          'the back office uses a session cookie plus the `x-csrf-token` header. Errors are `{error: {code, message, details?}}`.',
      },
      servers: [{ url: ctx.config.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Private API key (sk_test_… / sk_live_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'tessera_session' },
          applicantToken: { type: 'http', scheme: 'bearer', description: 'Applicant session access token (the hosted flow and SDK)' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    req.actor = actorFromRequest(req);
  });
  app.addHook('onRequest', authenticate(ctx));
  idempotency(app, ctx);

  app.addHook('onResponse', async (req, reply) => {
    // Route pattern, never the raw URL: query strings and paths may carry search terms.
    req.log.info({ reqId: req.id, method: req.method, route: req.routeOptions.url ?? 'unmatched', status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'request');
  });

  app.setErrorHandler((err, req, reply) => sendError(err, req, reply));
  app.setNotFoundHandler((req, reply) => {
    // Single-page apps: a path that is not a file is one of the app's routes.
    const spa = req.method === 'GET' ? spaIndexFor(req.url) : null;
    if (spa) return spa(reply);
    reply.code(404).send({ error: { code: 'route_not_found', message: `No route ${req.method} ${req.url.split('?')[0]}.` } });
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const checks: Record<string, unknown> = { database: ctx.database.kind, pgvector: ctx.database.hasVector, faceSearch: ctx.faces.searchMethod };
    try {
      await sql`SELECT 1`.execute(ctx.db);
      checks.databaseReachable = true;
    } catch {
      checks.databaseReachable = false;
    }
    checks.queue = ctx.queue.started;
    const ready = checks.databaseReachable === true && checks.queue === true;
    reply.code(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not_ready', checks };
  });

  await registerRoutes(app as unknown as ZApp, ctx);
  await registerStatic(app as unknown as ZApp);
  return app;
}

function actorFromRequest(req: FastifyRequest): Actor {
  const ua = req.headers['user-agent'];
  return { type: 'system', id: null, ip: req.ip, userAgent: typeof ua === 'string' ? ua : null };
}

function sendError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const e = err as Error & { code?: string; statusCode?: number; validation?: unknown };
  if (e instanceof AppError) {
    if (e.headers) reply.headers(e.headers);
    return reply.code(e.status).send({ error: { code: e.code, message: e.message, ...(e.details !== undefined ? { details: e.details } : {}) } });
  }
  if (hasZodFastifySchemaValidationErrors(e)) {
    const details = (e.validation as { instancePath: string; message: string; params?: { issue?: { path?: unknown[] } } }[]).map((v) => ({
      path: `${(e as { validationContext?: string }).validationContext ?? 'body'}${v.instancePath.replace(/\//g, '.')}`,
      message: v.message,
    }));
    return reply.code(400).send({ error: { code: 'validation_failed', message: `Invalid request: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details } });
  }
  // Services parse nested client input (flow definitions…) with zod too: that is still a bad request.
  if (e instanceof ZodError) {
    const details = e.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    return reply.code(400).send({ error: { code: 'validation_failed', message: `Invalid request: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, details } });
  }
  if (isResponseSerializationError(e)) {
    req.log.error({ err: { message: e.message } }, 'response did not match its declared schema');
    return reply.code(500).send({ error: { code: 'internal_error', message: 'Internal error.' } });
  }
  const known: Record<string, [number, string, string]> = {
    FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'The request body is too large.'],
    FST_REQ_FILE_TOO_LARGE: [413, 'file_too_large', 'The uploaded file is too large.'],
    FST_FILES_LIMIT: [413, 'too_many_files', 'Too many files in one request.'],
    FST_PARTS_LIMIT: [413, 'too_many_parts', 'Too many parts in the multipart request.'],
    FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'Unsupported Content-Type.'],
    FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json', 'The JSON body is empty.'],
    FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json', 'The body is not valid JSON.'],
    FST_INVALID_MULTIPART_CONTENT_TYPE: [415, 'unsupported_media_type', 'Expected a multipart/form-data request.'],
  };
  const k = e.code ? known[e.code] : undefined;
  if (k) return reply.code(k[0]).send({ error: { code: k[1], message: k[2] } });
  if (e instanceof SyntaxError && e.statusCode === 400) return reply.code(400).send({ error: { code: 'invalid_json', message: 'The body is not valid JSON.' } });
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return reply.code(e.statusCode).send({ error: { code: (e.code ?? 'bad_request').toLowerCase(), message: e.message } });
  }
  req.log.error({ err: { message: e?.message, stack: e?.stack, code: e?.code } }, 'unhandled error');
  return reply.code(500).send({ error: { code: 'internal_error', message: 'Internal error.' } });
}

declare module 'fastify' {
  interface FastifyInstance {
    routeTable: RouteInfo[];
  }
}
