import { z } from 'zod';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { can, scopeOf } from '../../http/auth.ts';
import { ZIdParam, ZOk, errorResponses, iso } from '../../http/schemas.ts';
import { forbidden } from '../../lib/errors.ts';
import type { Flow, FlowVersion } from '../../db/types.ts';
import { STEP_SETTINGS, STEP_TYPES, DERIVED_STEPS, CONTENT_STEPS, parseDefinition } from './flow-types.ts';
import { definitionProblems } from './flow-service.ts';

const ZDefinitionOut = z.object({ steps: z.array(z.object({ id: z.string(), type: z.string(), title: z.string().optional(), settings: z.record(z.string(), z.unknown()) })), settings: z.record(z.string(), z.unknown()) });
const ZFlow = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['regular', 'on_demand']),
  mode: z.enum(['live', 'test']),
  status: z.enum(['active', 'archived']),
  draft: ZDefinitionOut,
  draftProblems: z.array(z.string()),
  published: ZDefinitionOut.nullable(),
  version: z.number().nullable(),
  publishedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const ZLevel = z.object({ id: z.string(), name: z.string(), flowId: z.string(), rank: z.number(), createdAt: z.string() });

function flowView(f: Flow, published: FlowVersion | null) {
  const draft = parseDefinition(f.draft);
  return {
    id: f.id,
    name: f.name,
    kind: f.kind,
    mode: f.mode,
    status: f.status,
    draft,
    draftProblems: definitionProblems(draft),
    published: published ? parseDefinition(published.definition) : null,
    version: f.currentVersion,
    publishedAt: iso(published?.publishedAt),
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}

export function registerFlowRoutes(app: ZApp, ctx: AppContext) {
  const read = { auth: 'staff' as const, permission: 'applicants.read' as const };
  const manage = { auth: 'staff' as const, permission: 'flows.manage' as const };
  const tags = ['flows'];
  const ZName = z.string().trim().min(1).max(120);

  app.get(
    '/v1/flow-steps/catalogue',
    {
      config: read,
      schema: {
        tags,
        summary: 'Every step type with its settings (JSON Schema) and defaults',
        response: { 200: z.object({ data: z.array(z.object({ type: z.string(), kind: z.enum(['content', 'applicant', 'derived']), defaults: z.unknown(), schema: z.unknown() })) }), ...errorResponses },
      },
    },
    async () => ({
      data: STEP_TYPES.map((type) => ({
        type,
        kind: CONTENT_STEPS.includes(type) ? ('content' as const) : DERIVED_STEPS.includes(type) ? ('derived' as const) : ('applicant' as const),
        defaults: STEP_SETTINGS[type].parse({}),
        schema: z.toJSONSchema(STEP_SETTINGS[type], { io: 'input' }),
      })),
    }),
  );

  app.get(
    '/v1/flows',
    {
      config: read,
      schema: {
        tags,
        summary: 'Flows in the current mode',
        querystring: z.object({ includeArchived: z.enum(['true', 'false']).optional(), kind: z.enum(['regular', 'on_demand']).optional() }),
        response: { 200: z.object({ data: z.array(ZFlow) }), ...errorResponses },
      },
    },
    async (req) => ({ data: (await ctx.flows.list(scopeOf(req), { includeArchived: req.query.includeArchived === 'true', kind: req.query.kind })).map((x) => flowView(x.flow, x.published)) }),
  );

  app.post(
    '/v1/flows',
    {
      config: manage,
      schema: {
        tags,
        summary: 'Create a flow (a draft; publish it to use it)',
        body: z.strictObject({ name: ZName, kind: z.enum(['regular', 'on_demand']).optional(), definition: z.unknown().optional(), publish: z.boolean().optional() }),
        response: { 201: ZFlow, ...errorResponses },
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const flow = await ctx.db.transaction().execute(async (tx) => {
        const f = await ctx.flows.create(tx, scope, req.body, req.actor);
        return req.body.publish ? ctx.flows.publish(tx, scope, f.id, req.actor) : f;
      });
      const r = await ctx.flows.get(scope, flow.id);
      return reply.code(201).send(flowView(r.flow, r.published));
    },
  );

  app.get('/v1/flows/:id', { config: read, schema: { tags, summary: 'One flow with its draft and published definitions', params: ZIdParam('flw'), response: { 200: ZFlow, ...errorResponses } } }, async (req) => {
    const r = await ctx.flows.get(scopeOf(req), req.params.id);
    return flowView(r.flow, r.published);
  });

  app.patch(
    '/v1/flows/:id',
    {
      config: manage,
      schema: { tags, summary: 'Save the draft (autosave): name and/or definition', params: ZIdParam('flw'), body: z.strictObject({ name: ZName.optional(), definition: z.unknown().optional() }), response: { 200: ZFlow, ...errorResponses } },
    },
    async (req) => {
      const r = await ctx.flows.updateDraft(scopeOf(req), req.params.id, req.body, req.actor);
      return flowView(r.flow, r.published);
    },
  );

  app.post('/v1/flows/:id/publish', { config: manage, schema: { tags, summary: 'Publish the draft as a new version', params: ZIdParam('flw'), response: { 200: ZFlow, ...errorResponses } } }, async (req) => {
    const scope = scopeOf(req);
    await ctx.db.transaction().execute((tx) => ctx.flows.publish(tx, scope, req.params.id, req.actor));
    const r = await ctx.flows.get(scope, req.params.id);
    return flowView(r.flow, r.published);
  });

  app.post(
    '/v1/flows/:id/duplicate',
    {
      config: manage,
      schema: { tags, summary: 'Copy a flow, in this mode or into the other one', params: ZIdParam('flw'), body: z.strictObject({ mode: z.enum(['live', 'test']).optional(), name: ZName.optional() }), response: { 201: ZFlow, ...errorResponses } },
    },
    async (req, reply) => {
      if (req.body.mode === 'live' && req.auth!.kind === 'user' && !can(req, 'live.access')) throw forbidden('Your role cannot work in live mode.', 'live_access_denied');
      if (req.auth!.kind === 'api_key' && req.body.mode && req.body.mode !== req.auth!.mode) throw forbidden('An API key works in its own mode only.', 'wrong_mode');
      const r = await ctx.flows.duplicate(scopeOf(req), req.params.id, req.body, req.actor);
      return reply.code(201).send(flowView(r.flow, r.published));
    },
  );

  app.delete('/v1/flows/:id', { config: manage, schema: { tags, summary: 'Archive a flow (applicants on it keep their version)', params: ZIdParam('flw'), response: { 200: ZOk, ...errorResponses } } }, async (req) => {
    await ctx.flows.archive(scopeOf(req), req.params.id, req.actor);
    return { ok: true as const };
  });

  app.get(
    '/v1/flows/:id/versions',
    {
      config: read,
      schema: { tags, summary: 'Published versions', params: ZIdParam('flw'), response: { 200: z.object({ data: z.array(z.object({ id: z.string(), version: z.number(), publishedAt: z.string(), publishedBy: z.string().nullable(), definition: ZDefinitionOut })) }), ...errorResponses } },
    },
    async (req) => ({
      data: (await ctx.flows.versions(scopeOf(req), req.params.id)).map((v) => ({ id: v.id, version: v.version, publishedAt: v.publishedAt.toISOString(), publishedBy: v.publishedBy, definition: parseDefinition(v.definition) })),
    }),
  );

  const levelView = (l: { id: string; name: string; flowId: string; rank: number; createdAt: Date }) => ({ ...l, createdAt: l.createdAt.toISOString() });
  app.get('/v1/levels', { config: read, schema: { tags, summary: 'KYC levels', response: { 200: z.object({ data: z.array(ZLevel) }), ...errorResponses } } }, async (req) => ({
    data: (await ctx.flows.listLevels(scopeOf(req))).map(levelView),
  }));
  app.post(
    '/v1/levels',
    { config: manage, schema: { tags, summary: 'Create a KYC level mapped to a flow', body: z.strictObject({ name: z.string().trim().min(1).max(80), flowId: z.string(), rank: z.number().int().min(0).max(100).optional() }), response: { 201: ZLevel, ...errorResponses } } },
    async (req, reply) => reply.code(201).send(levelView(await ctx.flows.createLevel(scopeOf(req), req.body, req.actor))),
  );
  app.patch(
    '/v1/levels/:id',
    {
      config: manage,
      schema: { tags, summary: 'Edit a level', params: ZIdParam('lvl'), body: z.strictObject({ name: z.string().trim().min(1).max(80).optional(), flowId: z.string().optional(), rank: z.number().int().min(0).max(100).optional() }), response: { 200: ZLevel, ...errorResponses } },
    },
    async (req) => levelView(await ctx.flows.updateLevel(scopeOf(req), req.params.id, req.body, req.actor)),
  );
  app.delete('/v1/levels/:id', { config: manage, schema: { tags, summary: 'Delete an unused level', params: ZIdParam('lvl'), response: { 200: ZOk, ...errorResponses } } }, async (req) => {
    await ctx.flows.deleteLevel(scopeOf(req), req.params.id, req.actor);
    return { ok: true as const };
  });
}
