import { z } from 'zod';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { scopeOf } from '../../http/auth.ts';
import { errorResponses } from '../../http/schemas.ts';
import { AppError } from '../../lib/errors.ts';

const ZLink = z.object({
  id: z.string(),
  url: z.string(),
  status: z.enum(['created', 'opened', 'in_progress', 'completed', 'failed', 'expired']),
  flowId: z.string(),
  batchId: z.string(),
  lang: z.string().nullable(),
  applicantId: z.string().nullable(),
  createdAt: z.string(),
  expiresAt: z.string(),
  redeemedAt: z.string().nullable(),
});
const ZLinkQuery = z.object({
  flowId: z.string().max(40).optional(),
  batchId: z.string().max(40).optional(),
  status: z.enum(['created', 'opened', 'in_progress', 'completed', 'failed', 'expired']).optional(),
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Leading =,+,-,@ would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export function registerLinkRoutes(app: ZApp, ctx: AppContext) {
  const tags = ['links'];

  app.post(
    '/v1/links',
    {
      config: { auth: 'staff', permission: 'applicants.write' },
      schema: {
        tags,
        summary: 'Generate one-time verification links for a flow',
        body: z.strictObject({ flowId: z.string(), count: z.number().int().min(1).max(1000), ttlSeconds: z.number().int().min(60).max(90 * 86400), lang: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional() }),
        response: { 201: z.object({ batchId: z.string(), data: z.array(ZLink) }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const r = await ctx.links.create(scopeOf(req), req.body, req.actor);
      return reply.code(201).send({ batchId: r.batchId, data: r.links });
    },
  );

  app.get(
    '/v1/links',
    { config: { auth: 'staff', permission: 'applicants.read' }, schema: { tags, summary: 'Links with their status', querystring: ZLinkQuery, response: { 200: z.object({ data: z.array(ZLink), nextCursor: z.string().nullable() }), ...errorResponses } } },
    async (req) => {
      const r = await ctx.links.list(scopeOf(req), req.query);
      return { data: r.rows, nextCursor: r.nextCursor };
    },
  );

  app.get(
    '/v1/links/export.csv',
    { config: { auth: 'staff', permission: 'reports.export' }, schema: { tags, summary: 'Links as CSV', querystring: ZLinkQuery.omit({ cursor: true, limit: true }) } },
    async (req, reply) => {
      const scope = scopeOf(req);
      const lines = ['id,url,status,flowId,batchId,applicantId,createdAt,expiresAt,redeemedAt'];
      let cursor: string | undefined;
      do {
        const r = await ctx.links.list(scope, { ...(req.query as object), cursor, limit: 1000 });
        for (const l of r.rows) lines.push([l.id, l.url, l.status, l.flowId, l.batchId, l.applicantId, l.createdAt, l.expiresAt, l.redeemedAt].map(csvCell).join(','));
        cursor = r.nextCursor ?? undefined;
      } while (cursor);
      await ctx.audit.record(ctx.db, { orgId: scope.orgId, mode: scope.mode, actor: req.actor, action: 'links.exported', targetType: 'links', after: { rows: lines.length - 1 } });
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="links.csv"').send(lines.join('\n') + '\n');
    },
  );

  // The link itself: opened in a browser, so answers are redirects or a small readable page.
  app.get('/l/:token', { config: { auth: 'public' }, schema: { hide: true, params: z.object({ token: z.string().max(100) }) } }, async (req, reply) => {
    try {
      const r = await ctx.links.redeem(req.params.token, req.actor);
      return reply.header('cache-control', 'no-store').redirect(r.url, 302);
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const msg = e.message.replace(/[<>&]/g, '');
      return reply
        .code(e.status)
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(`<!doctype html><meta name="viewport" content="width=device-width"><title>Verification link</title><body style="font-family:system-ui;max-width:32rem;margin:4rem auto;padding:0 1rem"><h1>Verification link</h1><p>${msg}</p><p>Ask the company that sent it for a new link.</p></body>`);
    }
  });
}
