import { z } from 'zod';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { scopeOf } from '../../http/auth.ts';
import { ZIdParam, errorResponses } from '../../http/schemas.ts';
import { badRequest } from '../../lib/errors.ts';
import type { AmlMatchRow, AmlScan } from '../../db/types.ts';
import type { Match } from '@tessera/screening';
import { MATCH_STATUSES } from './aml-service.ts';

const ZYear = z.number().int().min(1850).max(2100);
const ZCountry = z.string().trim().min(2).max(60);

/** The API query: the same fields as `tessera screen` and each line of `tessera screen --batch`. */
export const ZScreeningQuery = z.strictObject({
  name: z.string().trim().min(1).max(300).optional(),
  names: z.array(z.string().trim().min(1).max(300)).min(1).max(20).optional(),
  schema: z.enum(['person', 'organization', 'vessel', 'aircraft', 'any']).default('any'),
  birthDate: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'YYYY, YYYY-MM or YYYY-MM-DD').optional(),
  birthYearFrom: ZYear.optional(),
  birthYearTo: ZYear.optional(),
  countries: z.array(ZCountry).max(20).optional(),
  gender: z.enum(['male', 'female']).optional(),
  documentNumber: z.string().trim().min(3).max(64).optional(),
  lists: z.array(z.string().max(40)).max(20).optional(),
  threshold: z.number().min(0).max(100).default(70),
  includeRelatives: z.boolean().optional(),
  includeAliases: z.boolean().optional(),
  deep: z.boolean().optional(),
  limit: z.number().int().min(1).max(200).optional(),
});

const ZMatch = z.object({
  entityId: z.string(),
  score: z.number(),
  hit: z.boolean(),
  matchedName: z.string(),
  matchedNameKind: z.string(),
  queryName: z.string(),
  features: z.array(z.object({ feature: z.string(), effect: z.number(), detail: z.string() })),
  entity: z.record(z.string(), z.unknown()),
  relatedTo: z.object({ entityId: z.string(), relation: z.string() }).optional(),
});
const ZMatchRow = z.object({ id: z.string(), status: z.enum(MATCH_STATUSES as [string, ...string[]]), foundBy: z.string(), createdAt: z.string(), updatedAt: z.string(), match: ZMatch });
const ZScan = z.object({
  id: z.string(),
  kind: z.string(),
  applicantId: z.string().nullable(),
  schema: z.string(),
  label: z.string().nullable(),
  threshold: z.number(),
  hits: z.number(),
  matches: z.number(),
  monitoring: z.boolean(),
  periodicity: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  lastRunAt: z.string().nullable(),
  createdAt: z.string(),
});

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const matchOut = (m: Match) => ({ ...m, entity: m.entity as unknown as Record<string, unknown> });

export function registerAmlRoutes(app: ZApp, ctx: AppContext) {
  const tags = ['aml'];
  const cfg = { auth: 'staff' as const, permission: 'aml.scan' as const };
  const scanView = (s: AmlScan, label: string | null) => ({ ...s, label, nextRunAt: iso(s.nextRunAt), lastRunAt: iso(s.lastRunAt), createdAt: s.createdAt.toISOString() });
  const rowView = (r: AmlMatchRow, m: Match) => ({ id: r.id, status: r.status, foundBy: r.foundBy, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(), match: matchOut(m) });
  const needName = (q: { name?: string; names?: string[]; documentNumber?: string }) => {
    if (!q.name && !q.names?.length && !q.documentNumber) throw badRequest('name_required', 'Give a name, names or a documentNumber.');
  };

  app.post(
    '/v1/aml/search',
    {
      config: cfg,
      schema: {
        tags,
        summary: 'Screen a name against the loaded sanctions and PEP lists (not saved)',
        body: ZScreeningQuery,
        response: { 200: z.object({ query: z.object({ names: z.array(z.string()), schema: z.string(), threshold: z.number() }), matches: z.array(ZMatch), hits: z.number(), lists: z.record(z.string(), z.number()) }), ...errorResponses },
      },
    },
    async (req) => {
      needName(req.body);
      const r = await ctx.aml.search(req.body);
      const scope = scopeOf(req);
      await ctx.audit.record(ctx.db, { orgId: scope.orgId, mode: scope.mode, actor: req.actor, action: 'aml.searched', targetType: 'aml', after: { hits: r.hits, matches: r.matches.length } });
      return { query: r.query, matches: r.matches.map(matchOut), hits: r.hits, lists: r.lists };
    },
  );

  app.post(
    '/v1/aml/scans',
    {
      config: cfg,
      schema: {
        tags,
        summary: 'Run and save a manual scan (individual or organisation), optionally monitored',
        body: ZScreeningQuery.extend({ label: z.string().max(200).optional(), monitoring: z.strictObject({ enabled: z.boolean(), periodicity: z.enum(['daily', 'weekly', 'monthly']).default('daily') }).optional() }),
        response: { 201: z.object({ scan: ZScan, matches: z.array(ZMatch) }), ...errorResponses },
      },
    },
    async (req, reply) => {
      needName(req.body);
      const { label, monitoring, ...query } = req.body;
      const r = await ctx.aml.createScan(scopeOf(req), query, { kind: 'manual', label: label ?? query.name ?? query.names?.[0] ?? null, monitoring: monitoring ?? null }, req.actor);
      return reply.code(201).send({ scan: scanView(r.scan, label ?? query.name ?? query.names?.[0] ?? null), matches: r.result.matches.map(matchOut) });
    },
  );

  app.get(
    '/v1/aml/scans',
    {
      config: cfg,
      schema: {
        tags,
        summary: 'Saved scans, newest first',
        querystring: z.object({ kind: z.enum(['applicant', 'manual']).optional(), applicantId: z.string().max(40).optional(), monitoring: z.enum(['true', 'false']).optional(), cursor: z.string().max(40).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ data: z.array(ZScan), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (req) => {
      const r = await ctx.aml.listScans(scopeOf(req), { ...req.query, monitoring: req.query.monitoring === undefined ? undefined : req.query.monitoring === 'true' });
      return { data: r.rows.map((s) => scanView(s, s.labelEnc ? ctx.crypto.decrypt(s.labelEnc, `aml:${s.id}`) : null)), nextCursor: r.nextCursor };
    },
  );

  app.get(
    '/v1/aml/scans/:id',
    { config: cfg, schema: { tags, summary: 'A scan with its query and matches', params: ZIdParam('scn'), response: { 200: z.object({ scan: ZScan, query: z.unknown(), matches: z.array(ZMatchRow) }), ...errorResponses } } },
    async (req) => {
      const r = await ctx.aml.getScan(scopeOf(req), req.params.id);
      return { scan: scanView(r.scan, r.label), query: r.query, matches: r.matches.map((m) => rowView(m.row, m.match)) };
    },
  );

  app.patch(
    '/v1/aml/scans/:id',
    {
      config: cfg,
      schema: { tags, summary: 'Turn ongoing monitoring on or off', params: ZIdParam('scn'), body: z.strictObject({ monitoring: z.strictObject({ enabled: z.boolean(), periodicity: z.enum(['daily', 'weekly', 'monthly']).optional() }) }), response: { 200: ZScan, ...errorResponses } },
    },
    async (req) => {
      const s = await ctx.aml.setMonitoring(scopeOf(req), req.params.id, req.body.monitoring, req.actor);
      return scanView(s, s.labelEnc ? ctx.crypto.decrypt(s.labelEnc, `aml:${s.id}`) : null);
    },
  );

  app.patch(
    '/v1/aml/matches/:id',
    {
      config: cfg,
      schema: {
        tags,
        summary: 'Set a match status and/or add a comment',
        params: ZIdParam('amm'),
        body: z.strictObject({ status: z.enum(MATCH_STATUSES as [string, ...string[]]).optional(), comment: z.string().trim().min(1).max(5000).optional() }),
        response: { 200: z.object({ id: z.string(), status: z.string() }), ...errorResponses },
      },
    },
    async (req) => {
      const m = await ctx.aml.updateMatch(scopeOf(req), req.params.id, req.body as never, req.actor);
      return { id: m.id, status: m.status };
    },
  );

  app.get(
    '/v1/aml/matches/:id/history',
    {
      config: cfg,
      schema: { tags, summary: 'Status changes and comments of a match', params: ZIdParam('amm'), response: { 200: z.object({ data: z.array(z.object({ id: z.string(), fromStatus: z.string().nullable(), toStatus: z.string().nullable(), comment: z.string().nullable(), actorId: z.string().nullable(), actorName: z.string().nullable(), createdAt: z.string() })) }), ...errorResponses } },
    },
    async (req) => ({ data: (await ctx.aml.matchHistory(scopeOf(req), req.params.id)).map((h) => ({ ...h, createdAt: h.createdAt.toISOString() })) }),
  );

  app.get(
    '/v1/aml/lists',
    {
      config: cfg,
      schema: {
        tags,
        summary: 'The sanctions and PEP lists of this installation: live version, counts, last import',
        response: {
          200: z.object({
            data: z.array(z.object({ source: z.string(), name: z.string(), url: z.string().nullable(), refreshEnabled: z.boolean(), currentVersion: z.number().nullable(), entities: z.number(), lastImportAt: z.string().nullable(), lastError: z.string().nullable(), diff: z.object({ added: z.number(), changed: z.number(), removed: z.number() }).nullable() })),
            index: z.object({ entities: z.number(), versions: z.record(z.string(), z.number()) }),
          }),
          ...errorResponses,
        },
      },
    },
    async () => {
      const rows = await ctx.amlLists.status();
      await ctx.amlIndex.get();
      return {
        data: rows.map((l) => ({ source: l.source, name: l.name, url: l.url, refreshEnabled: l.refreshEnabled, currentVersion: l.currentVersion, entities: l.live?.entityCount ?? 0, lastImportAt: iso(l.live?.finishedAt ?? null), lastError: l.lastError, diff: l.live ? { added: l.live.added, changed: l.live.changed, removed: l.live.removed } : null })),
        index: { entities: ctx.amlIndex.size(), versions: ctx.amlIndex.loadedVersions() },
      };
    },
  );

  app.get(
    '/v1/aml/lists/:source/versions',
    {
      config: cfg,
      schema: {
        tags,
        summary: 'Import history of a list with the diff of each version',
        params: z.object({ source: z.string().max(20) }),
        response: { 200: z.object({ data: z.array(z.object({ version: z.number(), status: z.string(), origin: z.string(), entityCount: z.number(), added: z.number(), changed: z.number(), removed: z.number(), error: z.string().nullable(), startedAt: z.string(), finishedAt: z.string().nullable() })) }), ...errorResponses },
      },
    },
    async (req) => ({ data: (await ctx.amlLists.versions(req.params.source)).map((v) => ({ ...v, startedAt: v.startedAt.toISOString(), finishedAt: iso(v.finishedAt) })) }),
  );
}
