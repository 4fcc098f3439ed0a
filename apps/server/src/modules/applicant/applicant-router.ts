import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { can, scopeOf } from '../../http/auth.ts';
import { ZIdParam, ZOk, errorResponses } from '../../http/schemas.ts';
import { notFound, unprocessable } from '../../lib/errors.ts';
import { ZCreateApplicant, ZListQuery, ZPatchApplicant, STATUSES } from './applicant-types.ts';

const ZSummary = z.object({
  id: z.string(),
  externalUserId: z.string(),
  type: z.string(),
  status: z.enum(STATUSES),
  flowId: z.string(),
  levelId: z.string().nullable(),
  name: z.string().nullable(),
  country: z.string().nullable(),
  tags: z.array(z.string()),
  reviewerId: z.string().nullable(),
  review: z.unknown(),
  createdAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  deletion: z.object({ requestedAt: z.string().nullable(), eraseAfter: z.string().nullable() }).nullable(),
});

const ZStepStatus = z.object({ id: z.string(), type: z.string(), status: z.enum(['not_submitted', 'pending', 'approved', 'rejected']) });

const ZSubmissionOut = z.object({
  id: z.string(),
  attempt: z.number(),
  status: z.string(),
  outcome: z.string().nullable(),
  reasons: z.array(z.string()),
  summary: z.unknown(),
  source: z.string(),
  active: z.boolean(),
  result: z.unknown(),
  answers: z.unknown(),
  files: z.array(z.object({ id: z.string(), kind: z.string(), mime: z.string(), width: z.number().nullable(), height: z.number().nullable(), capturedAt: z.string().nullable(), createdAt: z.string(), url: z.string() })),
  createdAt: z.string(),
  processedAt: z.string().nullable(),
  deactivatedAt: z.string().nullable(),
  deactivatedBy: z.string().nullable(),
});

const ZFull = ZSummary.extend({
  applicationId: z.string().nullable(),
  flowVersionId: z.string(),
  lang: z.string().nullable(),
  metadata: z.unknown(),
  startedAt: z.string().nullable(),
  info: z.object({ email: z.unknown(), phone: z.unknown(), fixedInfo: z.unknown(), extracted: z.unknown() }),
  device: z.unknown(),
  sessions: z.array(z.object({ id: z.string(), status: z.string(), createdAt: z.string(), openedAt: z.string().nullable(), expiresAt: z.string(), ipCountry: z.string().nullable(), onDemand: z.boolean(), criticalErrors: z.number() })),
  steps: z.array(z.object({ id: z.string(), type: z.string(), title: z.string().nullable(), status: z.string(), attemptsUsed: z.number(), current: ZSubmissionOut.nullable(), history: z.array(ZSubmissionOut) })),
  documents: z.array(z.object({ id: z.string(), submissionId: z.string(), documentType: z.string().nullable(), issuingState: z.string().nullable(), valid: z.boolean().nullable(), fields: z.unknown(), originalFields: z.unknown(), amendedFields: z.array(z.string()), applicantConfirmed: z.unknown(), checks: z.unknown(), active: z.boolean(), createdAt: z.string() })),
  warnings: z.array(z.object({ id: z.string(), kind: z.string(), severity: z.string(), stepId: z.string().nullable(), message: z.string(), details: z.unknown(), createdAt: z.string(), resolvedAt: z.string().nullable(), resolvedBy: z.string().nullable(), resolutionNote: z.string().nullable() })),
  flow: z.object({ approvalPolicy: z.string(), steps: z.array(z.object({ id: z.string(), type: z.string(), title: z.string().nullable() })) }),
  aml: z.unknown(),
});

const ZSession = z.object({ id: z.string(), url: z.string(), accessToken: z.string(), expiresAt: z.string() });
const ZStepParams = z.object({ id: z.string().regex(/^apl_[0-9a-z]{26}$/), stepId: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/) });
const sub = (name: string, prefix: string) => z.object({ id: z.string().regex(/^apl_[0-9a-z]{26}$/), [name]: z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`)) });

export function registerApplicantRoutes(app: ZApp, ctx: AppContext) {
  const tags = ['applicants'];
  const read = { auth: 'staff' as const, permission: 'applicants.read' as const };
  const write = { auth: 'staff' as const, permission: 'applicants.write' as const };
  const review = { auth: 'staff' as const, permission: 'applicants.review' as const };
  const del = { auth: 'staff' as const, permission: 'applicants.delete' as const };

  const pii = (req: FastifyRequest) => can(req, 'pii.view');
  const full = async (req: FastifyRequest, id: string) => {
    const a = await ctx.applicants.mustGet(ctx.db, scopeOf(req), id, { includeDeleted: true });
    return ctx.applicantView.full(a, pii(req));
  };

  app.post(
    '/v1/applicants',
    { config: write, schema: { tags, summary: 'Create an applicant on a published flow (or a level)', body: ZCreateApplicant, response: { 201: ZSummary.extend({ flowVersionId: z.string() }), ...errorResponses } } },
    async (req, reply) => {
      const scope = scopeOf(req);
      const key = req.auth!.apiKey;
      const app = !key && req.body.applicationId ? await ctx.applications.get(scope, req.body.applicationId) : null;
      const a = await ctx.applicants.create(scope, req.body, req.actor, key ? { applicationId: key.applicationId, appKey: key.clientKey } : { applicationId: app?.id ?? null, appKey: app?.clientKey ?? null });
      return reply.code(201).send({ ...ctx.applicantView.summary(a, pii(req)), flowVersionId: a.flowVersionId });
    },
  );

  app.get(
    '/v1/applicants',
    { config: read, schema: { tags, summary: 'List applicants with filters (cursor pagination, newest first)', querystring: ZListQuery, response: { 200: z.object({ data: z.array(ZSummary.extend({ steps: z.array(ZStepStatus) })), nextCursor: z.string().nullable() }), ...errorResponses } } },
    async (req) => {
      const r = await ctx.applicants.list(scopeOf(req), req.query);
      const steps = await ctx.applicantView.stepStatuses(r.rows);
      return { data: r.rows.map((a) => ({ ...ctx.applicantView.summary(a, pii(req)), steps: steps.get(a.id) ?? [] })), nextCursor: r.nextCursor };
    },
  );

  app.get(
    '/v1/applicants/:id',
    { config: read, schema: { tags, summary: 'The full applicant: info, device, steps with results and history, documents, warnings', params: ZIdParam('apl'), response: { 200: ZFull, ...errorResponses } } },
    async (req) => {
      const view = await full(req, req.params.id);
      if (req.auth!.kind === 'user' && pii(req)) {
        const scope = scopeOf(req);
        await ctx.audit.record(ctx.db, { orgId: scope.orgId, mode: scope.mode, actor: req.actor, action: 'applicant.pii_viewed', targetType: 'applicant', targetId: req.params.id });
      }
      return view;
    },
  );

  app.patch(
    '/v1/applicants/:id',
    { config: write, schema: { tags, summary: 'Update tags, metadata, fixed info, contact details or level', params: ZIdParam('apl'), body: ZPatchApplicant, response: { 200: ZSummary, ...errorResponses } } },
    async (req) => ctx.applicantView.summary(await ctx.applicants.update(scopeOf(req), req.params.id, req.body, req.actor), pii(req)),
  );

  app.delete(
    '/v1/applicants/:id',
    { config: del, schema: { tags, summary: 'Schedule erasure after the grace period (restorable until then)', params: ZIdParam('apl'), response: { 200: z.object({ ok: z.literal(true), eraseAfter: z.string() }), ...errorResponses } } },
    async (req) => ({ ok: true as const, eraseAfter: (await ctx.applicants.requestDeletion(scopeOf(req), req.params.id, req.actor)).toISOString() }),
  );

  app.post('/v1/applicants/:id/restore', { config: del, schema: { tags, summary: 'Cancel a scheduled erasure', params: ZIdParam('apl'), response: { 200: ZSummary, ...errorResponses } } }, async (req) =>
    ctx.applicantView.summary(await ctx.applicants.restore(scopeOf(req), req.params.id, req.actor), pii(req)),
  );

  app.post('/v1/applicants/:id/restart', { config: review, schema: { tags, summary: 'Move every result to history and start the flow again', params: ZIdParam('apl'), response: { 200: ZSummary, ...errorResponses } } }, async (req) =>
    ctx.applicantView.summary(await ctx.applicants.restart(scopeOf(req), req.params.id, req.actor), pii(req)),
  );

  app.post(
    '/v1/applicants/:id/flow',
    { config: review, schema: { tags, summary: 'Move the applicant to another flow; only steps not yet done are asked for', params: ZIdParam('apl'), body: z.strictObject({ flowId: z.string() }), response: { 200: ZFull, ...errorResponses } } },
    async (req) => {
      const scope = scopeOf(req);
      await ctx.applicants.changeFlow(scope, req.params.id, req.body.flowId, req.actor);
      await ctx.db.transaction().execute((tx) => ctx.steps.evaluate(tx, req.params.id, req.actor));
      return full(req, req.params.id);
    },
  );

  app.post(
    '/v1/applicants/:id/sessions',
    {
      config: write,
      schema: { tags, summary: 'Create a session for the hosted flow or SDK: a URL and an access token', params: ZIdParam('apl'), body: z.strictObject({ lang: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional(), ttlSeconds: z.number().int().min(60).max(90 * 86400).optional() }), response: { 201: ZSession, ...errorResponses } },
    },
    async (req, reply) => {
      const r = await ctx.sessions.create(scopeOf(req), req.params.id, req.body, req.actor);
      return reply.code(201).send({ id: r.session.id, url: r.url, accessToken: r.token, expiresAt: r.session.expiresAt.toISOString() });
    },
  );

  app.post(
    '/v1/applicants/:id/request-info',
    {
      config: write,
      schema: {
        tags,
        summary: "Ask for more information through an on-demand flow (the applicant's status does not change)",
        params: ZIdParam('apl'),
        body: z.strictObject({ flowId: z.string(), lang: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/).optional(), ttlSeconds: z.number().int().min(60).max(90 * 86400).optional() }),
        response: { 201: ZSession, ...errorResponses },
      },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const { flow, version } = await ctx.flows.publishedVersionOf(ctx.db, scope, req.body.flowId);
      if (flow.kind !== 'on_demand') throw unprocessable('flow_kind', 'Request information with an on-demand flow.');
      const r = await ctx.sessions.create(scope, req.params.id, { lang: req.body.lang, ttlSeconds: req.body.ttlSeconds, flowVersionId: version.id }, req.actor);
      return reply.code(201).send({ id: r.session.id, url: r.url, accessToken: r.token, expiresAt: r.session.expiresAt.toISOString() });
    },
  );

  app.post(
    '/v1/applicants/:id/assign',
    { config: review, schema: { tags, summary: 'Assign or unassign a reviewer', params: ZIdParam('apl'), body: z.strictObject({ reviewerId: z.string().nullable() }), response: { 200: ZSummary, ...errorResponses } } },
    async (req) => ctx.applicantView.summary(await ctx.review.assign(scopeOf(req), req.params.id, req.body.reviewerId, req.actor), pii(req)),
  );

  app.post(
    '/v1/applicants/:id/review',
    {
      config: review,
      schema: {
        tags,
        summary: 'Approve or decline (FINAL, or RETRY with the steps to redo)',
        params: ZIdParam('apl'),
        body: z.strictObject({
          decision: z.enum(['approve', 'decline']),
          reason: z.string().max(2000).optional(),
          rejectLabels: z.array(z.string().max(64)).max(20).optional(),
          rejectType: z.enum(['FINAL', 'RETRY']).optional(),
          retrySteps: z.array(z.string().max(40)).max(30).optional(),
          clientComment: z.string().max(2000).optional(),
        }),
        response: { 200: ZSummary, ...errorResponses },
      },
    },
    async (req) => ctx.applicantView.summary(await ctx.review.decide(scopeOf(req), req.params.id, req.body, req.actor), pii(req)),
  );

  app.post(
    '/v1/applicants/:id/steps/:stepId/deactivate',
    { config: review, schema: { tags, summary: "Move a step's result to history; the applicant must redo it", params: ZStepParams, response: { 200: ZSummary, ...errorResponses } } },
    async (req) => ctx.applicantView.summary(await ctx.review.deactivateStep(scopeOf(req), req.params.id, req.params.stepId, req.actor), pii(req)),
  );

  app.post(
    '/v1/applicants/:id/steps/:stepId/reactivate',
    { config: review, schema: { tags, summary: 'Make an earlier result of the step current again', params: ZStepParams, body: z.strictObject({ submissionId: z.string() }), response: { 200: ZSummary, ...errorResponses } } },
    async (req) => ctx.applicantView.summary(await ctx.review.reactivateStep(scopeOf(req), req.params.id, req.params.stepId, req.body.submissionId, req.actor), pii(req)),
  );

  app.patch(
    '/v1/applicants/:id/documents/:documentId',
    {
      config: { ...review, permission: 'applicants.review' as const },
      schema: {
        tags,
        summary: 'Amend extracted document fields; dependent checks run again',
        params: sub('documentId', 'doc'),
        body: z.strictObject({ fields: z.partialRecord(z.enum(['surname', 'givenNames', 'documentNumber', 'nationality', 'birthDate', 'sex', 'expiryDate', 'personalNumber', 'address', 'issuingState']), z.string().max(200).nullable()) }),
        response: { 200: z.object({ amended: z.record(z.string(), z.string().nullable()) }), ...errorResponses },
      },
    },
    async (req) => ctx.review.amendDocument(scopeOf(req), req.params.id, req.params.documentId as string, req.body.fields as Record<string, string | null>, req.actor),
  );

  app.post(
    '/v1/applicants/:id/warnings/:warningId/resolve',
    { config: review, schema: { tags, summary: 'Resolve a warning with a note', params: sub('warningId', 'wrn'), body: z.strictObject({ note: z.string().trim().min(1).max(2000) }), response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      await ctx.review.resolveWarning(scopeOf(req), req.params.id, req.params.warningId as string, req.body.note, req.actor);
      return { ok: true as const };
    },
  );

  const ZComment = z.object({ id: z.string(), stepId: z.string().nullable(), parentId: z.string().nullable(), authorId: z.string().nullable(), authorName: z.string().nullable().optional(), visibility: z.string(), text: z.string(), createdAt: z.string() });
  app.get('/v1/applicants/:id/comments', { config: read, schema: { tags, summary: 'Comment threads (per applicant and per step)', params: ZIdParam('apl'), response: { 200: z.object({ data: z.array(ZComment) }), ...errorResponses } } }, async (req) => ({
    data: (await ctx.review.comments(scopeOf(req), req.params.id)).map((c) => ({ ...c, createdAt: c.createdAt.toISOString() })),
  }));
  app.post(
    '/v1/applicants/:id/comments',
    {
      config: review,
      schema: {
        tags,
        summary: 'Add a comment: internal, or to the applicant',
        params: ZIdParam('apl'),
        body: z.strictObject({ text: z.string().trim().min(1).max(5000), stepId: z.string().max(40).nullable().optional(), parentId: z.string().max(40).nullable().optional(), visibility: z.enum(['internal', 'applicant']).default('internal') }),
        response: { 201: ZComment, ...errorResponses },
      },
    },
    async (req, reply) => {
      const c = await ctx.review.addComment(scopeOf(req), req.params.id, req.body, req.actor);
      return reply.code(201).send({ ...c, createdAt: c.createdAt.toISOString() });
    },
  );

  app.get(
    '/v1/applicants/:id/timeline',
    {
      config: read,
      schema: { tags, summary: 'Everything that happened to the applicant, with actor, time, IP, OS and browser', params: ZIdParam('apl'), response: { 200: z.object({ data: z.array(z.object({ id: z.string(), at: z.string(), action: z.string(), actorType: z.string(), actorId: z.string().nullable(), actorLabel: z.string().nullable(), ip: z.string().nullable(), os: z.string().nullable(), browser: z.string().nullable(), details: z.unknown() })) }), ...errorResponses } },
    },
    async (req) => ({
      data: (await ctx.review.timeline(scopeOf(req), req.params.id)).map((t) => ({ id: t.id, at: t.at.toISOString(), action: t.action, actorType: t.actorType, actorId: t.actorId, actorLabel: t.actorLabel, ip: pii(req) ? t.ip : null, os: t.os, browser: t.browser, details: t.after })),
    }),
  );

  app.get(
    '/v1/applicants/:id/files/:fileId',
    { config: { auth: 'staff', permission: 'pii.view' }, schema: { tags, summary: 'An image of the applicant (document page, selfie, frame)', params: sub('fileId', 'fil') } },
    async (req, reply) => {
      const scope = scopeOf(req);
      const params = req.params as { id: string; fileId: string };
      const f = await ctx.db
        .selectFrom('files')
        .selectAll()
        .where('orgId', '=', scope.orgId)
        .where('mode', '=', scope.mode)
        .where('applicantId', '=', params.id)
        .where('id', '=', params.fileId)
        .where('erasedAt', 'is', null)
        .executeTakeFirst();
      if (!f) throw notFound('File');
      const body = await ctx.storage.get(f.storageKey);
      if (req.auth!.kind === 'user') await ctx.audit.record(ctx.db, { orgId: scope.orgId, mode: scope.mode, actor: req.actor, action: 'file.viewed', targetType: 'applicant', targetId: params.id, after: { fileId: f.id, kind: f.kind } });
      return reply.header('cache-control', 'private, no-store').type(f.mime).send(body);
    },
  );

  app.get(
    '/v1/review-queue',
    {
      config: read,
      schema: {
        tags,
        summary: 'What waits for a human, oldest first, with the reasons',
        querystring: z.object({ reviewerId: z.string().max(40).optional(), cursor: z.string().max(200).optional(), limit: z.coerce.number().int().min(1).max(200).default(50) }),
        response: { 200: z.object({ data: z.array(z.object({ id: z.string(), externalUserId: z.string(), status: z.string(), flowId: z.string(), reviewerId: z.string().nullable(), reasons: z.array(z.string()), country: z.string().nullable(), completedAt: z.string().nullable(), createdAt: z.string() })), nextCursor: z.string().nullable() }), ...errorResponses },
      },
    },
    async (req) => {
      const r = await ctx.review.queue(scopeOf(req), req.query);
      return {
        data: r.rows.map((a) => ({ id: a.id, externalUserId: a.externalUserId, status: a.status, flowId: a.flowId, reviewerId: a.reviewerId, reasons: ((a.review as { reasons?: string[] } | null)?.reasons ?? []) as string[], country: a.country, completedAt: a.completedAt?.toISOString() ?? null, createdAt: a.createdAt.toISOString() })),
        nextCursor: r.nextCursor,
      };
    },
  );
}
