import crypto from 'node:crypto';
import sharp from 'sharp';
import type { Kysely, Transaction } from 'kysely';
import type { Applicant, DB, FileRow, Submission } from '../../db/types.ts';
import type { Crypto } from '../../lib/crypto.ts';
import type { ObjectStorage } from '../../lib/storage.ts';
import { newId } from '../../lib/ids.ts';
import { AppError, conflict, notFound } from '../../lib/errors.ts';
import { indexTerms } from '../../lib/search-terms.ts';
import type { Queue } from '../../jobs/queue.ts';
import { processStepJob } from '../../jobs/process-step.ts';
import { SYSTEM_ACTOR, type Actor, type TAuditService } from '../audit/audit-service.ts';
import type { TEventService } from '../event/event-service.ts';
import type { TFlowService } from '../flow/flow-service.ts';
import { CONTENT_STEPS, DERIVED_STEPS, requiredSteps, type FlowDefinition, type FlowStep, type StepType } from '../flow/flow-types.ts';
import type { TStateMachine } from '../applicant/state-machine.ts';
import type { TSessionService } from '../session/session-service.ts';
import { engineUnavailable, type Processor, type ProcessorResult, type WarningInput } from './step-types.ts';

export type UploadedFile = { kind: string; image: Buffer; mime: string; width: number; height: number; capturedAt?: Date | null };

export type StepView = {
  step: FlowStep;
  status: 'not_submitted' | 'pending' | 'approved' | 'rejected';
  current: Submission | null;
  attemptsUsed: number;
};

const ENGINE_OF: Partial<Record<StepType, string>> = {
  document: 'document',
  selfie: 'face',
  selfie_with_document: 'face',
  liveness: 'face',
  face_match: 'face',
  aml: 'screening',
};

export function stepStatusOf(sub: Submission | null): StepView['status'] {
  if (!sub) return 'not_submitted';
  if (sub.status !== 'completed' || sub.outcome === 'review' || sub.outcome === 'engine_unavailable') return 'pending';
  return sub.outcome === 'passed' ? 'approved' : 'rejected';
}

/** A flow step is satisfied by the active submission of the same step id, else of the same type (level up, flow change). */
export function currentFor(step: FlowStep, active: Submission[]): Submission | null {
  const byId = active.filter((s) => s.stepId === step.id);
  const pool = byId.length ? byId : active.filter((s) => s.stepType === step.type);
  return pool.length ? pool[pool.length - 1] : null;
}

export type TStepService = ReturnType<typeof stepServiceFactory>;

export function stepServiceFactory(deps: {
  db: Kysely<DB>;
  crypto: Crypto;
  storage: ObjectStorage;
  queue: Pick<Queue, 'send' | 'nudge'>;
  audit: TAuditService;
  events: TEventService;
  flows: TFlowService;
  states: TStateMachine;
  sessions: TSessionService;
}) {
  const { db, crypto, storage, queue, audit, events, flows, states } = deps;
  const processors = new Map<string, Processor>();
  // Modules that persist parts of a result (face templates…) in the result's transaction.
  const finishers: ((tx: Transaction<DB>, a: Applicant, sub: Submission, r: ProcessorResult) => Promise<void>)[] = [];

  const definitionFor = async (ex: Kysely<DB> | Transaction<DB>, versionId: string) => (await flows.versionById(ex, versionId)).definition;

  async function activeSubs(ex: Kysely<DB> | Transaction<DB>, applicantId: string) {
    return ex.selectFrom('stepSubmissions').selectAll().where('applicantId', '=', applicantId).where('active', '=', true).orderBy('createdAt').execute();
  }

  async function raiseWarnings(tx: Transaction<DB>, a: Applicant, stepId: string | null, warnings: WarningInput[]) {
    for (const w of warnings) {
      await tx
        .insertInto('warnings')
        .values({
          id: newId('warning'),
          orgId: a.orgId,
          mode: a.mode,
          applicantId: a.id,
          stepId,
          kind: w.kind,
          sourceKey: w.sourceKey,
          severity: w.severity ?? 'warning',
          message: w.message,
          details: JSON.stringify(w.details ?? {}),
        })
        .onConflict((oc) => oc.columns(['applicantId', 'kind', 'sourceKey']).doNothing())
        .execute();
    }
  }

  async function storeFiles(a: Applicant, submissionId: string, files: UploadedFile[]) {
    const rows: Omit<FileRow, 'createdAt' | 'erasedAt'>[] = [];
    for (const f of files) {
      const id = newId('file');
      const storageKey = `${a.orgId}/${a.mode}/${a.id}/${id}`;
      await storage.put(storageKey, f.image);
      rows.push({
        id,
        orgId: a.orgId,
        mode: a.mode,
        applicantId: a.id,
        submissionId,
        kind: f.kind,
        mime: f.mime,
        width: f.width,
        height: f.height,
        bytes: f.image.length,
        sha256: crypto_sha256(f.image),
        storageKey,
        capturedAt: f.capturedAt ?? null,
      });
    }
    return rows;
  }

  /** Derived steps (face match, AML) run once their inputs exist; returns true when one was started. */
  async function startDerived(tx: Transaction<DB>, a: Applicant, def: FlowDefinition, active: Submission[]) {
    let started = false;
    for (const step of def.steps.filter((s) => DERIVED_STEPS.includes(s.type))) {
      if (currentFor(step, active)) continue;
      if (!derivedInputsReady(step, def, active)) continue;
      const id = newId('attempt');
      await tx
        .insertInto('stepSubmissions')
        .values({ id, orgId: a.orgId, mode: a.mode, applicantId: a.id, stepId: step.id, stepType: step.type, attemptNo: 1 + (await countAttempts(tx, a.id, step.id)), source: 'system', summary: JSON.stringify({}) })
        .execute();
      await queue.send(tx, processStepJob, { submissionId: id });
      active.push((await tx.selectFrom('stepSubmissions').selectAll().where('id', '=', id).executeTakeFirstOrThrow()) as Submission);
      started = true;
    }
    return started;
  }

  function derivedInputsReady(step: FlowStep, def: FlowDefinition, active: Submission[]) {
    const done = (type: StepType) => {
      const s = def.steps.find((x) => x.type === type);
      const sub = s ? currentFor(s, active) : null;
      return !!sub && sub.status === 'completed';
    };
    if (step.type === 'face_match') {
      return (step.settings as { sources: string[] }).sources.filter((x) => x !== 'external').every((src) => done(src as StepType));
    }
    if (step.type === 'aml') {
      const mapping = (step.settings as { fieldMapping: { fullName: string } }).fieldMapping;
      return mapping.fullName === 'fixedInfo' || done('document');
    }
    return false;
  }

  async function countAttempts(ex: Kysely<DB> | Transaction<DB>, applicantId: string, stepId: string) {
    // Attempts the applicant used: reviewer-deactivated results do not count against them.
    const r = await ex
      .selectFrom('stepSubmissions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('applicantId', '=', applicantId)
      .where('stepId', '=', stepId)
      .where('deactivatedBy', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * After any change: start derived steps whose inputs are ready, and when every required step has a
   * finished result, complete the verification and apply the flow's approval policy.
   */
  async function evaluate(tx: Transaction<DB>, applicantId: string, actor: Actor = SYSTEM_ACTOR) {
    const a = await tx.selectFrom('applicants').selectAll().where('id', '=', applicantId).forUpdate().executeTakeFirstOrThrow();
    if (a.deleteRequestedAt || a.erasedAt) return a;
    const def = await definitionFor(tx, a.flowVersionId);
    const active = await activeSubs(tx, a.id);
    await startDerived(tx, a, def, active);
    const required = requiredSteps(def);
    const states2 = required.map((step) => ({ step, sub: currentFor(step, active) }));
    const missing = states2.filter((s) => !s.sub);
    const pending = states2.filter((s) => s.sub && s.sub.status !== 'completed');
    // OCR prefill: a read document waits for the applicant to confirm or correct its data, for as long as the
    // applicant is still in the flow (reaching the thank-you screen ends the wait: the reading stands).
    const finished = active.some((sub) => sub.stepType === 'thank_you');
    const prefill = finished ? [] : states2.filter((s) => s.step.type === 'document' && (s.step.settings as { prefill?: { enabled: boolean } }).prefill?.enabled && s.sub?.status === 'completed' && s.sub.outcome !== 'failed');
    if (prefill.length) {
      const docs = await tx.selectFrom('documents').select(['submissionId', 'confirmedAt']).where('submissionId', 'in', prefill.map((p) => p.sub!.id)).execute();
      for (const p of prefill) if (docs.some((d) => d.submissionId === p.sub!.id && !d.confirmedAt)) pending.push(p);
    }
    if (missing.length || pending.length) {
      if ((a.status === 'COMPLETED' || a.status === 'ON_HOLD') && missing.length) {
        return states.transition(tx, a.id, 'INCOMPLETE', { actor, reason: 'steps_missing', reasons: missing.map((m) => `${m.step.id}:not_submitted`) });
      }
      return a;
    }
    if (a.status === 'COMPLETED' || a.status === 'ON_HOLD' || a.status === 'APPROVED' || a.status === 'DECLINED') return a;

    const failing = states2.filter((s) => s.sub!.outcome !== 'passed').map((s) => `${s.step.id}:${s.sub!.outcome}${s.sub!.reasons.length ? `(${s.sub!.reasons.join(',')})` : ''}`);
    const openWarnings = await tx.selectFrom('warnings').select(['kind']).where('applicantId', '=', a.id).where('resolvedAt', 'is', null).where('severity', '!=', 'info').execute();
    const reasons = [...failing, ...openWarnings.map((w) => `warning:${w.kind}`)];
    const policy = def.settings.approvalPolicy;
    await tx.updateTable('applicants').set({ review: JSON.stringify({ policy, reasons, evaluatedAt: new Date().toISOString() }) }).where('id', '=', a.id).execute();
    let after = await states.transition(tx, a.id, 'COMPLETED', { actor, reasons, inReview: policy === 'manual' });
    await markLink(tx, a, 'completed');
    if (policy === 'auto_all') {
      after = await states.transition(tx, a.id, 'APPROVED', { actor, reason: 'policy:auto_all', reasons });
      await recordDecision(tx, after, { decision: 'approve', by: 'policy:auto_all', reasons });
    } else if (policy === 'auto_if_passed') {
      if (reasons.length === 0) {
        after = await states.transition(tx, a.id, 'APPROVED', { actor, reason: 'policy:auto_if_passed' });
        await recordDecision(tx, after, { decision: 'approve', by: 'policy:auto_if_passed', reasons });
      } else {
        after = await states.transition(tx, a.id, 'ON_HOLD', { actor, reason: 'policy:auto_if_passed', reasons, inReview: true });
      }
    }
    return after;
  }

  async function recordDecision(tx: Transaction<DB>, a: Applicant, d: { decision: string; by: string; reasons: string[] }) {
    const review = { ...(a.review ?? {}), decision: d.decision, decidedBy: d.by, reasons: d.reasons, reviewedAt: new Date().toISOString() };
    await tx.updateTable('applicants').set({ review: JSON.stringify(review) }).where('id', '=', a.id).execute();
    await events.emit(tx, { orgId: a.orgId, mode: a.mode, type: 'review.completed', applicant: a, data: { reviewResult: { decision: d.decision, decidedBy: d.by, reasons: d.reasons } } });
  }

  async function markLink(tx: Transaction<DB>, a: Applicant, status: 'in_progress' | 'completed' | 'failed') {
    const link = await tx.selectFrom('links').selectAll().where('applicantId', '=', a.id).executeTakeFirst();
    if (!link || link.status === status || link.status === 'completed') return;
    await tx.updateTable('links').set({ status }).where('id', '=', link.id).execute();
    if (status === 'completed') await events.emit(tx, { orgId: a.orgId, mode: a.mode, type: 'link.completed', applicant: a, data: { linkId: link.id } });
  }

  return {
    evaluate,
    currentFor,
    activeSubs,
    countAttempts,
    raiseWarnings,
    recordDecision,
    definitionFor,

    registerProcessor(type: StepType, p: Processor) {
      processors.set(type, p);
    },

    onFinish(f: (tx: Transaction<DB>, a: Applicant, sub: Submission, r: ProcessorResult) => Promise<void>) {
      finishers.push(f);
    },

    /** Everything a step view needs, for the applicant's flow (or an on-demand session's flow). */
    async stepViews(ex: Kysely<DB> | Transaction<DB>, a: Applicant, flowVersionId?: string | null): Promise<{ definition: FlowDefinition; steps: StepView[]; submissions: Submission[] }> {
      const definition = await definitionFor(ex, flowVersionId ?? a.flowVersionId);
      const submissions = await ex.selectFrom('stepSubmissions').selectAll().where('applicantId', '=', a.id).orderBy('createdAt').execute();
      const active = submissions.filter((s) => s.active);
      const steps = definition.steps.map((step) => {
        const current = currentFor(step, active);
        // Attempts the applicant used: reviewer-deactivated results do not count (as in countAttempts).
        const attemptsUsed = submissions.filter((s) => s.stepId === step.id && s.deactivatedBy === null).length;
        return { step, current, status: stepStatusOf(current), attemptsUsed };
      });
      return { definition, steps, submissions };
    },

    /**
     * One applicant submission, in one transaction: the attempt row, its files, the status change and the
     * processing job commit together or not at all. Files are written to storage first and removed if
     * the transaction fails.
     */
    async submit(
      sessionId: string,
      stepId: string,
      input: { files?: UploadedFile[]; payload?: unknown; result?: ProcessorResult; validate?: (step: FlowStep, a: Applicant) => Promise<void> | void },
      actor: Actor,
    ) {
      const session = await deps.sessions.get(sessionId);
      const a = await db.selectFrom('applicants').selectAll().where('id', '=', session.applicantId).executeTakeFirstOrThrow();
      const def = await definitionFor(db, session.flowVersionId ?? a.flowVersionId);
      const step = def.steps.find((s) => s.id === stepId);
      if (!step) throw notFound(`Step "${stepId}" in this flow`, 'step_not_in_flow');
      if (DERIVED_STEPS.includes(step.type)) throw conflict('step_not_submittable', 'This step is run by the server, not submitted.');
      const onDemand = !!session.flowVersionId;
      if (!onDemand) {
        if (a.status === 'APPROVED') throw conflict('verification_finished', 'This verification is already approved.');
        if (a.status === 'DECLINED') {
          const review = (a.review ?? {}) as { rejectType?: string; retrySteps?: string[] };
          if (review.rejectType !== 'RETRY') throw conflict('verification_finished', 'This verification was declined.');
        }
      }
      await input.validate?.(step, a);

      const uploaded = input.files ?? [];
      const submissionId = newId('attempt');
      const fileRows = await storeFiles(a, submissionId, uploaded);
      try {
        return await db.transaction().execute(async (tx) => {
          const locked = await tx.selectFrom('applicants').selectAll().where('id', '=', a.id).forUpdate().executeTakeFirstOrThrow();
          const active = await activeSubs(tx, a.id);
          const current = active.filter((s) => s.stepId === step.id).pop() ?? null;
          if (current && current.status !== 'completed') throw conflict('step_pending', 'This step is still being checked. Wait for its result.');
          if (current && current.outcome === 'passed' && !CONTENT_STEPS.includes(step.type) && locked.status !== 'DECLINED') {
            throw conflict('step_already_passed', 'This step is already done.');
          }
          const limit = maxAttempts(step);
          const used = await countAttempts(tx, a.id, step.id);
          if (limit !== null && used >= limit) throw new AppError(409, 'attempts_exhausted', 'No attempts left for this step.', { maxAttempts: limit });

          await tx.updateTable('stepSubmissions').set({ active: false, deactivatedAt: new Date() }).where('applicantId', '=', a.id).where('stepId', '=', step.id).where('active', '=', true).execute();
          const r = input.result;
          const sub = await tx
            .insertInto('stepSubmissions')
            .values({
              id: submissionId,
              orgId: a.orgId,
              mode: a.mode,
              applicantId: a.id,
              sessionId,
              stepId: step.id,
              stepType: step.type,
              attemptNo: used + 1,
              status: r ? 'completed' : 'queued',
              outcome: r?.outcome ?? null,
              reasons: r?.reasons ?? [],
              summary: JSON.stringify(r?.summary ?? {}),
              payloadEnc: input.payload === undefined ? null : crypto.encryptJson(input.payload, a.id),
              resultEnc: r?.result === undefined ? null : crypto.encryptJson(r.result, a.id),
              processedAt: r ? new Date() : null,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          if (fileRows.length) await tx.insertInto('files').values(fileRows).execute();
          if (locked.status === 'INIT' || locked.status === 'INCOMPLETE' || locked.status === 'DECLINED') {
            await states.transition(tx, a.id, 'IN_PROGRESS', { actor, reason: 'applicant_submitted' });
            await markLink(tx, locked, 'in_progress');
          }
          await audit.record(tx, {
            orgId: a.orgId,
            mode: a.mode,
            actor,
            action: 'step.submitted',
            targetType: 'applicant',
            targetId: a.id,
            after: { stepId: step.id, stepType: step.type, submissionId, attempt: used + 1, files: fileRows.map((f) => f.kind) },
          });
          if (step.type === 'document') {
            await events.emit(tx, { orgId: a.orgId, mode: a.mode, type: 'document.received', applicant: locked, stepId: step.id, stepType: step.type, data: { submissionId } });
          }
          if (r) {
            await finish(tx, locked, sub, step, r, actor);
          } else {
            await queue.send(tx, processStepJob, { submissionId });
          }
          return sub;
        });
      } catch (e) {
        for (const f of fileRows) await storage.delete(f.storageKey).catch(() => {});
        throw e;
      }
    },

    /** The step job: run the engine outside any transaction, then record everything in one. */
    async process(submissionId: string) {
      const sub = await db.selectFrom('stepSubmissions').selectAll().where('id', '=', submissionId).executeTakeFirst();
      if (!sub || sub.status === 'completed' || !sub.active) return;
      const a = await db.selectFrom('applicants').selectAll().where('id', '=', sub.applicantId).executeTakeFirstOrThrow();
      if (a.deleteRequestedAt || a.erasedAt) return;
      const session = sub.sessionId ? await db.selectFrom('applicantSessions').selectAll().where('id', '=', sub.sessionId).executeTakeFirst() : null;
      const def = await definitionFor(db, session?.flowVersionId ?? a.flowVersionId);
      const step = def.steps.find((s) => s.id === sub.stepId);
      if (!step) return;
      await db.updateTable('stepSubmissions').set({ status: 'processing' }).where('id', '=', submissionId).where('status', '=', 'queued').execute();
      const files = await db.selectFrom('files').selectAll().where('submissionId', '=', submissionId).execute();
      const processor = processors.get(step.type);
      const active = await activeSubs(db, a.id);
      const sources = new Map<string, { submission: Submission; files: FileRow[]; result: unknown }>();
      for (const s of active) {
        if (s.id === sub.id || s.status !== 'completed') continue;
        sources.set(s.stepType, {
          submission: s,
          files: await db.selectFrom('files').selectAll().where('submissionId', '=', s.id).execute(),
          result: s.resultEnc ? crypto.decryptJson(s.resultEnc, a.id) : null,
        });
      }
      const result: ProcessorResult = processor
        ? await processor({
            applicant: a,
            submission: sub,
            step,
            definition: def,
            files,
            payload: sub.payloadEnc ? crypto.decryptJson(sub.payloadEnc, a.id) : null,
            readFile: (f) => storage.get(f.storageKey),
            sources,
            fixedInfo: a.fixedInfoEnc ? crypto.decryptJson(a.fixedInfoEnc, a.id) : null,
            info: a.infoEnc ? crypto.decryptJson(a.infoEnc, a.id) : null,
          })
        : engineUnavailable(ENGINE_OF[step.type] ?? step.type);
      const extraFiles = result.files?.length
        ? await storeFiles(
            a,
            submissionId,
            await Promise.all(
              result.files.map(async (f) => {
                const meta = f.width && f.height ? f : await sharp(f.image).metadata();
                return { ...f, width: meta.width ?? 0, height: meta.height ?? 0 };
              }),
            ),
          )
        : [];
      // Objects written above belong to this run only: if it does not record its result (another run did,
      // or the transaction failed and the job will run again), it removes them.
      let recorded = false;
      try {
        recorded = await db.transaction().execute(async (tx) => {
          const locked = await tx.selectFrom('applicants').selectAll().where('id', '=', a.id).forUpdate().executeTakeFirstOrThrow();
          // A re-run after a crash, or a duplicate delivery: whoever commits first wins, the rest do nothing.
          const now = await tx.selectFrom('stepSubmissions').selectAll().where('id', '=', submissionId).forUpdate().executeTakeFirstOrThrow();
          if (now.status === 'completed' || !now.active) return false;
          const updated = await tx
            .updateTable('stepSubmissions')
            .set({
              status: 'completed',
              outcome: result.outcome,
              reasons: result.reasons,
              summary: JSON.stringify(result.summary),
              resultEnc: result.result === undefined ? null : crypto.encryptJson(result.result, a.id),
              processedAt: new Date(),
            })
            .where('id', '=', submissionId)
            .returningAll()
            .executeTakeFirstOrThrow();
          if (extraFiles.length) await tx.insertInto('files').values(extraFiles).execute();
          await finish(tx, locked, updated, step, result, SYSTEM_ACTOR);
          if (result.blockSession && session) {
            await tx.updateTable('applicantSessions').set({ status: 'frozen', frozenAt: new Date() }).where('applicantId', '=', a.id).where('status', '=', 'active').execute();
          } else if (result.outcome === 'failed' && session && !DERIVED_STEPS.includes(step.type)) {
            await deps.sessions.criticalError(tx, session.id, def.settings.maxCriticalErrors);
          }
          return true;
        });
      } finally {
        if (!recorded) for (const f of extraFiles) await storage.delete(f.storageKey);
      }
    },
  };

  /** Records a finished result: document row, warnings, applicant info, step event; then re-evaluates. */
  async function finish(tx: Transaction<DB>, a: Applicant, sub: Submission, step: FlowStep, r: ProcessorResult, actor: Actor) {
    for (const f of finishers) await f(tx, a, sub, r);
    if (r.document) {
      const d = r.document;
      await tx
        .insertInto('documents')
        .values({
          id: newId('document'),
          orgId: a.orgId,
          mode: a.mode,
          applicantId: a.id,
          submissionId: sub.id,
          documentType: d.documentType,
          issuingState: d.issuingState,
          numberIndex: d.numberKey ? crypto.blindIndex(`docnum:${d.numberKey}`) : null,
          personIndex: d.personKey ? crypto.blindIndex(`person:${d.personKey}`) : null,
          fieldsEnc: crypto.encryptJson(d.fields, a.id),
          checks: JSON.stringify(d.checks),
          valid: d.valid,
        })
        .execute();
      const names = [d.fields.surname, d.fields.givenNames].filter((x): x is string => !!x);
      const terms = indexTerms(crypto, { names, documentNumbers: d.fields.documentNumber ? [d.fields.documentNumber] : [] });
      await tx
        .updateTable('applicants')
        .set({ searchIndex: [...new Set([...a.searchIndex, ...terms])], country: r.country ?? a.country })
        .where('id', '=', a.id)
        .execute();
    }
    if (r.info) {
      const prev = a.infoEnc ? crypto.decryptJson<Record<string, unknown>>(a.infoEnc, a.id) : {};
      const merged = { ...prev, ...Object.fromEntries(Object.entries(r.info).filter(([, v]) => v !== null && v !== undefined && v !== '')) };
      await tx.updateTable('applicants').set({ infoEnc: crypto.encryptJson(merged, a.id) }).where('id', '=', a.id).execute();
    }
    if (r.warnings?.length) await raiseWarnings(tx, a, step.id, r.warnings);
    // A redone source step makes the derived results built on it stale: they run again.
    if (!DERIVED_STEPS.includes(step.type)) {
      const derived = await tx.selectFrom('stepSubmissions').select(['id', 'stepType', 'stepId']).where('applicantId', '=', a.id).where('active', '=', true).where('stepType', 'in', DERIVED_STEPS).execute();
      const stale = derived.filter((d) => d.stepType === 'aml' ? step.type === 'document' : d.stepType === 'face_match' && ['document', 'selfie', 'liveness', 'selfie_with_document'].includes(step.type));
      if (stale.length) await tx.updateTable('stepSubmissions').set({ active: false, deactivatedAt: new Date() }).where('id', 'in', stale.map((s) => s.id)).execute();
    }
    if (!CONTENT_STEPS.includes(step.type)) {
      const passed = r.outcome === 'passed';
      await events.emit(tx, {
        orgId: a.orgId,
        mode: a.mode,
        type: passed ? 'applicant.step_passed' : 'applicant.step_failed',
        applicant: a,
        stepId: step.id,
        stepType: step.type,
        warnings: (r.warnings ?? []).map((w) => w.kind),
        data: { outcome: r.outcome, reasons: r.reasons },
      });
    }
    await audit.record(tx, {
      orgId: a.orgId,
      mode: a.mode,
      actor,
      action: 'step.result',
      targetType: 'applicant',
      targetId: a.id,
      after: { stepId: step.id, stepType: step.type, submissionId: sub.id, outcome: r.outcome, reasons: r.reasons },
    });
    await evaluate(tx, a.id, actor);
  }
}

function maxAttempts(step: FlowStep): number | null {
  const s = step.settings as { maxAttempts?: number; attempts?: number };
  return s.maxAttempts ?? s.attempts ?? null;
}

function crypto_sha256(b: Buffer) {
  return crypto.createHash('sha256').update(b).digest('hex');
}
