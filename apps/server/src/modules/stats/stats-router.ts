import { z } from 'zod';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { scopeOf } from '../../http/auth.ts';
import { errorResponses } from '../../http/schemas.ts';
import { badRequest } from '../../lib/errors.ts';
import { statsServiceFactory } from './stats-service.ts';

const n = z.number();

export function registerStatsRoutes(app: ZApp, ctx: AppContext) {
  const stats = statsServiceFactory({ db: ctx.db });
  // Open event streams end when the server shuts down, so a graceful stop is not held up by them.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.get(
    '/v1/stats/dashboard',
    {
      config: { auth: 'staff', permission: 'applicants.read' },
      schema: {
        tags: ['reports'],
        summary: 'Dashboard figures for applicants created in a date range',
        querystring: z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }),
        response: {
          200: z.object({
            totals: z.object({ applicants: n, inReview: n, completed: n, approved: n, rejected: n }),
            daily: z.array(z.object({ date: z.string(), applicants: n, approved: n, rejected: n })),
            statusBreakdown: z.array(z.object({ status: z.string(), count: n })),
            warnings: z.object({ resolved: n, unresolved: n }),
            countries: z.array(z.object({ country: z.string(), count: n })),
            verifications: z.object({ successful: n, failed: n }),
            failingSteps: z.array(z.object({ stepType: z.string(), count: n })),
            serviceSuccess: z.array(z.object({ service: z.string(), passed: n, failed: n, notRun: n })),
            medianProcessingSeconds: n.nullable(),
            funnel: z.array(z.object({ step: z.string(), reached: n })),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const from = new Date(req.query.from);
      const to = new Date(req.query.to);
      if (to <= from) throw badRequest('invalid_range', '`to` must be after `from`.');
      if (to.getTime() - from.getTime() > 400 * 86400_000) throw badRequest('invalid_range', 'The range can cover at most 400 days.');
      return stats.dashboard(scopeOf(req), from, to);
    },
  );

  app.get(
    '/v1/reviewers',
    {
      config: { auth: 'staff', permission: 'applicants.read' },
      schema: { tags: ['applicants'], summary: 'Users who can review applicants in the current mode', response: { 200: z.object({ data: z.array(z.object({ id: z.string(), name: z.string(), email: z.string() })) }), ...errorResponses } },
    },
    async (req) => {
      const scope = scopeOf(req);
      const rows = await ctx.db
        .selectFrom('users as u')
        .innerJoin('roles as r', 'r.id', 'u.roleId')
        .select(['u.id', 'u.name', 'u.email', 'r.permissions'])
        .where('u.orgId', '=', scope.orgId)
        .where('u.status', '=', 'active')
        .orderBy('u.name')
        .execute();
      return { data: rows.filter((r) => r.permissions.includes('applicants.review') && (scope.mode === 'test' || r.permissions.includes('live.access'))).map(({ id, name, email }) => ({ id, name, email })) };
    },
  );

  /**
   * KYC logs, live: the organisation's events as server-sent events, as they are written. The stream
   * follows the events table (so it sees every process's events), polling once a second.
   */
  app.get(
    '/v1/kyc-logs/stream',
    { config: { auth: 'user', permission: 'applicants.read' }, schema: { tags: ['reports'], summary: 'Live events as server-sent events (text/event-stream)', querystring: z.object({ since: z.string().max(40).optional() }) } },
    async (req, reply) => {
      const scope = scopeOf(req);
      let last = req.query.since ?? '';
      if (!last) {
        const newest = await ctx.db.selectFrom('events').select('id').where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).orderBy('id', 'desc').limit(1).executeTakeFirst();
        last = newest?.id ?? '';
      }
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      res.write(': connected\n\n');
      let closed = false;
      req.raw.on('close', () => (closed = true));
      let beat = Date.now();
      while (!closed && !closing) {
        const rows = await ctx.db.selectFrom('events').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('id', '>', last).orderBy('id').limit(200).execute();
        for (const e of rows) {
          res.write(`id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ id: e.id, type: e.type, applicantId: e.applicantId, sequence: e.seq, createdAt: e.createdAt.toISOString(), payload: e.payload })}\n\n`);
          last = e.id;
        }
        if (Date.now() - beat > 15_000) {
          res.write(': keep-alive\n\n');
          beat = Date.now();
        }
        await new Promise((r) => setTimeout(r, rows.length === 200 ? 0 : 1000));
      }
      res.end();
    },
  );
}
