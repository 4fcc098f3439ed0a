import { z } from 'zod';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { ZLimit, errorResponses } from '../../http/schemas.ts';

const ZAuditEntry = z.object({
  id: z.string(),
  seq: z.number(),
  at: z.string(),
  mode: z.string().nullable(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  actorLabel: z.string().nullable(),
  ip: z.string().nullable(),
  os: z.string().nullable(),
  browser: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
});

export function registerAuditRoutes(app: ZApp, ctx: AppContext) {
  app.get(
    '/v1/audit',
    {
      config: { auth: 'staff', permission: 'audit.read' },
      schema: {
        tags: ['audit'],
        summary: 'The audit log, newest first',
        querystring: z.object({
          actorId: z.string().max(64).optional(),
          action: z.string().max(100).optional().describe('exact action, or a prefix ending in * (e.g. applicant.*)'),
          targetId: z.string().max(64).optional(),
          mode: z.enum(['live', 'test']).optional(),
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
          cursor: z.string().max(40).optional().describe('the id of the last entry you saw'),
          limit: ZLimit,
        }),
        response: { 200: z.object({ data: z.array(ZAuditEntry), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query;
      const rows = await ctx.audit.list(req.auth!.orgId, {
        actorId: q.actorId,
        action: q.action,
        targetId: q.targetId,
        mode: q.mode,
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        beforeId: q.cursor,
        limit: q.limit,
      });
      return {
        data: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
        nextCursor: rows.length === q.limit ? rows[rows.length - 1].id : null,
      };
    },
  );
}
