import { z } from 'zod';
import QRCode from 'qrcode';
import type { FastifyRequest } from 'fastify';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { errorResponses, ZOk } from '../../http/schemas.ts';
import { AppError, badRequest, conflict, notFound } from '../../lib/errors.ts';
import { readUploads, type Upload } from '../../lib/uploads.ts';
import { CONTENT_STEPS, DERIVED_STEPS, type FlowStep } from '../flow/flow-types.ts';
import { evaluateQuestionnaire } from '../steps/questionnaire.ts';
import type { StepView } from '../steps/step-service.ts';

const ZStepParam = z.object({ stepId: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/) });

const ZSubmission = z.object({
  id: z.string(),
  stepId: z.string(),
  attempt: z.number(),
  status: z.string(),
  outcome: z.string().nullable(),
  reasons: z.array(z.string()),
  feedback: z.record(z.string(), z.unknown()),
});

function applicantOf(req: FastifyRequest) {
  const a = req.auth?.applicant;
  if (!a) throw new AppError(401, 'unauthorized', 'An applicant access token is required.');
  return a;
}

/** What the applicant may see of a result: outcome, reasons and quality feedback, no engine internals. */
function feedbackOf(summary: Record<string, unknown>) {
  const keep = ['quality', 'faces', 'message', 'documentType', 'issuingState', 'prefill', 'liveness'];
  return Object.fromEntries(Object.entries(summary ?? {}).filter(([k]) => keep.includes(k)));
}

/** Step settings the browser needs; derived steps (face match, AML) reveal nothing. */
function publicStep(s: FlowStep) {
  if (DERIVED_STEPS.includes(s.type)) return { id: s.id, type: s.type, title: s.title ?? null, settings: {} };
  return { id: s.id, type: s.type, title: s.title ?? null, settings: s.settings };
}

const maskEmail = (e: string) => e.replace(/^(.).*(@.*)$/, '$1•••$2');
const maskPhone = (p: string) => p.replace(/.(?=.{3})/g, '•');

function nextStep(views: StepView[]) {
  for (const v of views) {
    if (DERIVED_STEPS.includes(v.step.type)) continue;
    if (v.status === 'not_submitted') return v.step.id;
    if (v.status === 'rejected') {
      const max = (v.step.settings as { maxAttempts?: number; attempts?: number }).maxAttempts ?? (v.step.settings as { attempts?: number }).attempts;
      if (!max || v.attemptsUsed < max) return v.step.id;
    }
  }
  return null;
}

export function registerFlowApiRoutes(app: ZApp, ctx: AppContext) {
  const cfg = { auth: 'applicant' as const };
  const tags = ['hosted flow'];

  async function load(req: FastifyRequest) {
    const { sessionId, applicantId } = applicantOf(req);
    const session = await ctx.sessions.get(sessionId);
    const a = await ctx.db.selectFrom('applicants').selectAll().where('id', '=', applicantId).executeTakeFirstOrThrow();
    const { definition, steps } = await ctx.steps.stepViews(ctx.db, a, session.flowVersionId);
    return { session, a, definition, steps };
  }

  async function stepOf(req: FastifyRequest, stepId: string, types: string[]) {
    const l = await load(req);
    const step = l.definition.steps.find((s) => s.id === stepId);
    if (!step) throw notFound(`Step "${stepId}" in this flow`, 'step_not_in_flow');
    if (!types.includes(step.type)) throw conflict('wrong_step_type', `Step "${stepId}" is a ${step.type} step.`);
    return { ...l, step };
  }

  const submissionView = (s: { id: string; stepId: string; attemptNo: number; status: string; outcome: string | null; reasons: string[]; summary: unknown }) => ({
    id: s.id,
    stepId: s.stepId,
    attempt: s.attemptNo,
    status: s.status,
    outcome: s.outcome,
    reasons: s.reasons,
    feedback: feedbackOf(s.summary as Record<string, unknown>),
  });

  app.get(
    '/v1/flow/session',
    {
      config: cfg,
      schema: {
        tags,
        summary: 'The session: flow steps, style, progress and the next step to show',
        response: {
          200: z.object({
            session: z.object({ id: z.string(), expiresAt: z.string(), lang: z.string().nullable(), onDemand: z.boolean() }),
            applicant: z.object({ id: z.string(), status: z.string(), externalUserId: z.string(), review: z.object({ clientComment: z.string().nullable(), rejectType: z.string().nullable(), retrySteps: z.array(z.string()) }) }),
            flow: z.object({ id: z.string(), steps: z.array(z.object({ id: z.string(), type: z.string(), title: z.string().nullable(), settings: z.record(z.string(), z.unknown()) })), settings: z.record(z.string(), z.unknown()) }),
            progress: z.array(z.object({ stepId: z.string(), type: z.string(), status: z.string(), attemptsUsed: z.number(), current: ZSubmission.nullable() })),
            nextStepId: z.string().nullable(),
            contact: z.object({ email: z.string().nullable(), phone: z.string().nullable() }).describe('masked, for the OTP steps'),
            appKey: z.string().nullable(),
            allowedOrigins: z
              .array(z.string())
              .describe("Origins allowed to embed this flow in an iframe (the application's allowedOrigins); empty = any. The flow refuses to run inside a frame of any other origin."),
            mode: z.enum(['live', 'test']),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { session, a, definition, steps } = await load(req);
      const review = (a.review ?? {}) as { clientComment?: string; rejectType?: string; retrySteps?: string[] };
      const app2 = a.applicationId ? await ctx.db.selectFrom('applications').select(['clientKey', 'allowedOrigins']).where('id', '=', a.applicationId).executeTakeFirst() : null;
      return {
        session: { id: session.id, expiresAt: session.expiresAt.toISOString(), lang: session.lang ?? a.lang ?? definition.settings.language, onDemand: !!session.flowVersionId },
        applicant: { id: a.id, status: a.status, externalUserId: a.externalUserId, review: { clientComment: review.clientComment ?? null, rejectType: review.rejectType ?? null, retrySteps: review.retrySteps ?? [] } },
        flow: {
          id: a.flowId,
          steps: definition.steps.map(publicStep),
          settings: { style: definition.settings.style, language: definition.settings.language, redirectUrl: definition.settings.redirectUrl },
        },
        progress: steps.map((v) => ({ stepId: v.step.id, type: v.step.type, status: v.status, attemptsUsed: v.attemptsUsed, current: v.current ? submissionView(v.current) : null })),
        nextStepId: nextStep(steps),
        contact: {
          email: a.emailEnc ? maskEmail(ctx.crypto.decrypt(a.emailEnc, a.id)) : null,
          phone: a.phoneEnc ? maskPhone(ctx.crypto.decrypt(a.phoneEnc, a.id)) : null,
        },
        appKey: app2?.clientKey ?? null,
        allowedOrigins: app2?.allowedOrigins ?? [],
        mode: a.mode,
      };
    },
  );

  app.get(
    '/v1/flow/steps/:stepId/result',
    { config: cfg, schema: { tags, summary: 'The current result of a step (poll after submitting)', params: ZStepParam, response: { 200: ZSubmission.nullable(), ...errorResponses } } },
    async (req) => {
      const { steps } = await load(req);
      const v = steps.find((s) => s.step.id === req.params.stepId);
      if (!v) throw notFound(`Step "${req.params.stepId}" in this flow`, 'step_not_in_flow');
      return v.current ? submissionView(v.current) : null;
    },
  );

  app.post(
    '/v1/flow/steps/:stepId/complete',
    { config: cfg, schema: { tags, summary: 'Mark an intro or thank-you screen as seen', params: ZStepParam, response: { 200: ZSubmission, ...errorResponses } } },
    async (req) => {
      const { session } = await stepOf(req, req.params.stepId, CONTENT_STEPS);
      const sub = await ctx.steps.submit(session.id, req.params.stepId, { result: { outcome: 'passed', reasons: [], summary: {} } }, req.actor);
      return submissionView(sub);
    },
  );

  app.post(
    '/v1/flow/steps/:stepId/questionnaire',
    {
      config: cfg,
      schema: { tags, summary: 'Submit questionnaire answers (validated with the SurveyJS logic on the server)', params: ZStepParam, body: z.strictObject({ answers: z.record(z.string().max(200), z.unknown()) }), response: { 200: ZSubmission, ...errorResponses } },
    },
    async (req) => {
      const { session, step } = await stepOf(req, req.params.stepId, ['questionnaire']);
      if (JSON.stringify(req.body.answers).length > 200_000) throw badRequest('answers_too_large', 'The answers are too large.');
      const data = evaluateQuestionnaire((step.settings as { schema: Record<string, unknown> }).schema, req.body.answers);
      const sub = await ctx.steps.submit(session.id, step.id, { payload: data, result: { outcome: 'passed', reasons: [], summary: { questions: Object.keys(data).length } } }, req.actor);
      return submissionView(sub);
    },
  );

  app.post(
    '/v1/flow/steps/:stepId/otp/send',
    {
      config: cfg,
      schema: {
        tags,
        summary: 'Send a one-time code to an email address or phone number',
        params: ZStepParam,
        body: z.strictObject({ target: z.string().trim().min(3).max(254).optional().describe('email or phone; defaults to the one on the applicant') }),
        response: { 200: z.object({ expiresAt: z.string(), channel: z.string(), target: z.string() }), ...errorResponses },
      },
    },
    async (req) => {
      const { a, step } = await stepOf(req, req.params.stepId, ['email', 'phone']);
      let target = req.body.target ?? (step.type === 'email' ? (a.emailEnc ? ctx.crypto.decrypt(a.emailEnc, a.id) : null) : a.phoneEnc ? ctx.crypto.decrypt(a.phoneEnc, a.id) : null);
      if (!target) throw badRequest('target_required', step.type === 'email' ? 'Enter your email address.' : 'Enter your phone number.');
      if (step.type === 'email') {
        if (!z.email().safeParse(target).success) throw badRequest('invalid_email', 'This email address is not valid.');
        target = target.toLowerCase();
      } else {
        target = ctx.otp.checkPhone(target, step).e164;
      }
      const r = await ctx.otp.send(a, step, target);
      return { expiresAt: r.expiresAt.toISOString(), channel: r.channel, target: step.type === 'email' ? maskEmail(target) : maskPhone(target) };
    },
  );

  app.post(
    '/v1/flow/steps/:stepId/otp/verify',
    { config: cfg, schema: { tags, summary: 'Verify the one-time code', params: ZStepParam, body: z.strictObject({ code: z.string().trim().min(4).max(8) }), response: { 200: ZSubmission, ...errorResponses } } },
    async (req) => {
      const { a, session, step } = await stepOf(req, req.params.stepId, ['email', 'phone']);
      let verified;
      try {
        verified = await ctx.otp.verify(a, step, req.body.code);
      } catch (e) {
        if ((e as AppError).code === 'otp_invalid') {
          const { definition } = await ctx.steps.stepViews(ctx.db, a, session.flowVersionId);
          await ctx.db.transaction().execute((tx) => ctx.sessions.criticalError(tx, session.id, definition.settings.maxCriticalErrors));
        }
        throw e;
      }
      const key = step.type === 'email' ? 'email' : 'phone';
      if (step.type === 'phone') {
        const p = ctx.otp.checkPhone(verified.target, step);
        verified = { ...verified, country: p.country, type: p.type };
      }
      const sub = await ctx.steps.submit(session.id, step.id, { result: { outcome: 'passed', reasons: [], summary: { channel: verified.channel }, result: verified, info: { [key]: verified.target } } }, req.actor);
      await ctx.db.updateTable('applicants').set({ [`${key}Enc`]: ctx.crypto.encrypt(verified.target, a.id) }).where('id', '=', a.id).execute();
      return submissionView(sub);
    },
  );

  /** File steps: the images are read, checked and re-encoded, then processed by the engines in a job. */
  const fileStep = (path: string, stepTypes: string[], files: string[], summary: string, kinds: (u: Upload, fields: Record<string, string>) => string, check?: (uploads: Upload[], fields: Record<string, string>, step: FlowStep, applicantId: string) => unknown) =>
    app.post(
      `/v1/flow/steps/:stepId/${path}`,
      {
        config: cfg,
        schema: { tags, summary, description: `multipart/form-data with file field(s): ${files.join(', ')}`, params: ZStepParam, consumes: ['multipart/form-data'], response: { 202: ZSubmission, ...errorResponses } },
      },
      async (req, reply) => {
        const { session, step, a } = await stepOf(req, (req.params as { stepId: string }).stepId, stepTypes);
        const { uploads, fields } = await readUploads(req, { files, maxFiles: path === 'liveness' ? 12 : 3 });
        const payload = check ? await check(uploads, fields, step, a.id) : fields;
        const sub = await ctx.steps.submit(
          session.id,
          step.id,
          { files: uploads.map((u) => ({ kind: kinds(u, fields), image: u.image, mime: u.mime, width: u.width, height: u.height, capturedAt: new Date() })), payload: { ...((payload as object) ?? {}), originals: uploads.map((u) => ({ field: u.field, mime: u.original.mime, bytes: u.original.bytes, jpegQuality: u.original.jpegQuality, software: u.original.exif?.software ?? null })) } },
          req.actor,
        );
        return reply.code(202).send(submissionView(sub));
      },
    );

  fileStep(
    'document',
    ['document'],
    ['front', 'back'],
    'Submit document pages (front, optional back) with documentType and country fields',
    (u) => `document_${u.field}`,
    (uploads, fields, step) => {
      const s = step.settings as { documentTypes: { type: string; back: string }[]; countries: { allowed: string[] | null; excluded: string[] } };
      const type = fields.documentType;
      const allowed = s.documentTypes.find((d) => d.type === type);
      if (!allowed) throw badRequest('document_type_not_allowed', `Document type must be one of: ${s.documentTypes.map((d) => d.type).join(', ')}.`);
      const country = fields.country?.toUpperCase();
      if (country && (s.countries.excluded.includes(country) || (s.countries.allowed?.length && !s.countries.allowed.includes(country)))) {
        throw badRequest('country_not_allowed', 'Documents from this country are not accepted.');
      }
      if (!uploads.some((u) => u.field === 'front')) throw badRequest('front_required', 'The front of the document is required.');
      if (allowed.back === 'required' && !uploads.some((u) => u.field === 'back')) throw badRequest('back_required', 'The back of the document is required.');
      return { documentType: type, country: country ?? null };
    },
  );
  fileStep('selfie', ['selfie'], ['image'], 'Submit a selfie', () => 'selfie');
  fileStep('selfie-with-document', ['selfie_with_document'], ['image'], 'Submit a selfie holding the document', () => 'selfie_with_document');
  fileStep(
    'liveness',
    ['liveness'],
    ['frames'],
    'Submit liveness frames with the challenge nonce and frame timestamps (field meta = JSON {nonce, timestamps})',
    () => 'liveness_frame',
    async (uploads, fields, step, applicantId) => {
      let meta: { nonce?: unknown; timestamps?: unknown; mirrored?: unknown };
      try {
        meta = JSON.parse(fields.meta ?? '{}');
      } catch {
        throw badRequest('invalid_meta', 'meta must be JSON.');
      }
      const ts = meta.timestamps;
      if (typeof meta.nonce !== 'string' || !Array.isArray(ts) || ts.length !== uploads.length || !ts.every((t) => typeof t === 'number')) {
        throw badRequest('invalid_meta', 'meta needs the challenge nonce and one numeric timestamp per frame.');
      }
      if (uploads.length < 1) throw badRequest('frames_required', 'Send at least one frame.');
      // The challenge is used up here, once: a replayed nonce is refused before anything is stored.
      const challenge = await ctx.liveness.consume(applicantId, step.id, meta.nonce);
      return { timestamps: ts, challenge, mirrored: meta.mirrored === true, submittedAt: Date.now() };
    },
  );

  app.post(
    '/v1/flow/steps/:stepId/liveness/challenge',
    {
      config: cfg,
      schema: { tags, summary: 'Start a liveness attempt: the random actions to perform, with a nonce', params: ZStepParam, response: { 200: z.object({ nonce: z.string(), mode: z.string(), actions: z.array(z.string()), expiresAt: z.string() }), ...errorResponses } },
    },
    async (req) => {
      const { a, step } = await stepOf(req, req.params.stepId, ['liveness']);
      return ctx.liveness.createChallenge(a, step);
    },
  );

  const ZFields = z.partialRecord(z.enum(['surname', 'givenNames', 'birthDate', 'documentNumber', 'nationality', 'sex', 'expiryDate', 'address']), z.string().trim().max(200).nullable());

  /** OCR prefill: the document data read from the applicant's pages, for them to confirm or correct. */
  app.get(
    '/v1/flow/steps/:stepId/extracted',
    { config: cfg, schema: { tags, summary: 'The data read from the document, when the flow asks the applicant to confirm it', params: ZStepParam, response: { 200: z.object({ fields: z.record(z.string(), z.string().nullable()), confirmed: z.boolean() }), ...errorResponses } } },
    async (req) => {
      const { a, step, steps } = await stepOf(req, req.params.stepId, ['document']);
      if (!(step.settings as { prefill: { enabled: boolean } }).prefill.enabled) throw notFound('Prefill for this step', 'prefill_disabled');
      const current = steps.find((v) => v.step.id === step.id)?.current;
      const doc = current ? await ctx.db.selectFrom('documents').selectAll().where('submissionId', '=', current.id).executeTakeFirst() : null;
      if (!doc?.fieldsEnc) throw conflict('not_read_yet', 'The document has not been read yet.');
      const read = ctx.crypto.decryptJson<Record<string, string | null>>(doc.fieldsEnc, a.id);
      const confirmed = doc.confirmedEnc ? ctx.crypto.decryptJson<Record<string, string | null>>(doc.confirmedEnc, a.id) : {};
      const keys = ['surname', 'givenNames', 'birthDate', 'documentNumber', 'nationality', 'sex', 'expiryDate', 'address'];
      // A field the applicant cleared stays cleared.
      return { fields: Object.fromEntries(keys.map((k) => [k, k in confirmed ? confirmed[k] : (read[k] ?? null)])), confirmed: !!doc.confirmedAt };
    },
  );

  app.post(
    '/v1/flow/steps/:stepId/confirm',
    { config: cfg, schema: { tags, summary: 'Confirm or correct the data read from the document', params: ZStepParam, body: z.strictObject({ fields: ZFields }), response: { 200: z.object({ changed: z.array(z.string()) }), ...errorResponses } } },
    async (req) => {
      const { a, step, steps } = await stepOf(req, req.params.stepId, ['document']);
      if (!(step.settings as { prefill: { enabled: boolean } }).prefill.enabled) throw notFound('Prefill for this step', 'prefill_disabled');
      // Corrections belong to an open verification (a prefilled document holds completion until confirmed).
      const review = (a.review ?? {}) as { rejectType?: string };
      if (a.status === 'APPROVED' || (a.status === 'DECLINED' && review.rejectType !== 'RETRY')) {
        throw conflict('verification_finished', 'This verification can no longer be changed.');
      }
      const current = steps.find((v) => v.step.id === step.id)?.current;
      if (current?.outcome === 'failed') throw conflict('document_refused', 'This document was refused; take the photo again.');
      const doc = current ? await ctx.db.selectFrom('documents').selectAll().where('submissionId', '=', current.id).executeTakeFirst() : null;
      if (!doc?.fieldsEnc) throw conflict('not_read_yet', 'The document has not been read yet.');
      if (doc.confirmedAt) throw conflict('already_confirmed', 'These details were already confirmed.');
      const read = ctx.crypto.decryptJson<Record<string, string | null>>(doc.fieldsEnc, a.id);
      const fields = req.body.fields as Record<string, string | null>;
      const changed = Object.keys(fields).filter((k) => (fields[k] ?? null) !== (read[k] ?? null));
      await ctx.db.transaction().execute(async (tx) => {
        await tx.updateTable('documents').set({ confirmedEnc: ctx.crypto.encryptJson(fields, a.id), confirmedAt: new Date() }).where('id', '=', doc.id).execute();
        // A reviewer sees what the applicant changed next to what the document says.
        if (changed.length) await ctx.steps.raiseWarnings(tx, a, step.id, [{ kind: 'applicant_corrected_data', sourceKey: doc.id, severity: 'warning', message: `The applicant corrected: ${changed.join(', ')}.`, details: { documentId: doc.id, fields: changed } }]);
        await ctx.audit.record(tx, { orgId: a.orgId, mode: a.mode, actor: req.actor, action: 'document.confirmed', targetType: 'applicant', targetId: a.id, after: { documentId: doc.id, changed } });
        await ctx.steps.evaluate(tx, a.id, req.actor);
      });
      return { changed };
    },
  );

  app.post(
    '/v1/flow/handoff',
    {
      config: cfg,
      schema: { tags, summary: 'A short code, link and QR code to continue this session on a phone', response: { 200: z.object({ code: z.string(), url: z.string(), qrSvg: z.string(), expiresAt: z.string() }), ...errorResponses } },
    },
    async (req) => {
      const { sessionId } = applicantOf(req);
      const h = await ctx.sessions.createHandoff(sessionId);
      return { code: h.code, url: h.url, qrSvg: await QRCode.toString(h.url, { type: 'svg', margin: 1 }), expiresAt: h.expiresAt.toISOString() };
    },
  );

  app.post(
    '/v1/flow/handoff/redeem',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'Exchange a handoff code for an access token on the second device', body: z.strictObject({ code: z.string().trim().min(6).max(12) }), response: { 200: z.object({ accessToken: z.string(), url: z.string() }), ...errorResponses } },
    },
    async (req) => {
      const r = await ctx.sessions.redeemHandoff(req.body.code, req.actor);
      return { accessToken: r.token, url: r.url };
    },
  );

  void ZOk;
}
