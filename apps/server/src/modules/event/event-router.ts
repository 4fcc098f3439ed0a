import { z } from 'zod';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { scopeOf } from '../../http/auth.ts';
import { ZIdParam, errorResponses } from '../../http/schemas.ts';
import type { EventRow } from '../../db/types.ts';

const ZEvent = z.object({ id: z.string(), type: z.string(), applicantId: z.string().nullable(), sequence: z.number().nullable(), createdAt: z.string(), payload: z.record(z.string(), z.unknown()) });
const view = (e: EventRow) => ({ id: e.id, type: e.type, applicantId: e.applicantId, sequence: e.seq, createdAt: e.createdAt.toISOString(), payload: e.payload });

export function registerEventRoutes(app: ZApp, ctx: AppContext) {
  const cfg = { auth: 'staff' as const, permission: 'applicants.read' as const };
  app.get(
    '/v1/events',
    {
      config: cfg,
      schema: {
        tags: ['events'],
        summary: 'Events, newest first',
        querystring: z.object({ type: z.string().max(64).optional(), applicantId: z.string().max(40).optional(), cursor: z.string().max(40).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ data: z.array(ZEvent), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (req) => {
      const r = await ctx.events.list(scopeOf(req), req.query);
      return { data: r.rows.map(view), nextCursor: r.nextCursor };
    },
  );
  app.get('/v1/events/:id', { config: cfg, schema: { tags: ['events'], summary: 'One event', params: ZIdParam('evt'), response: { 200: ZEvent, ...errorResponses } } }, async (req) => view(await ctx.events.get(scopeOf(req), req.params.id)));
}
