import type { Kysely } from 'kysely';
import type { DB, Mode } from '../../db/types.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import { conflict, notFound, unprocessable } from '../../lib/errors.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import type { TEventService } from '../event/event-service.ts';
import type { TStateMachine } from '../applicant/state-machine.ts';
import type { TApplicantService } from '../applicant/applicant-service.ts';
import type { TStepService } from '../steps/step-service.ts';
import type { Queue } from '../../jobs/queue.ts';
import { processStepJob } from '../../jobs/process-step.ts';

export type Scope = { orgId: string; mode: Mode };

export type Decision = {
  decision: 'approve' | 'decline';
  reason?: string;
  rejectLabels?: string[];
  rejectType?: 'FINAL' | 'RETRY';
  retrySteps?: string[];
  clientComment?: string;
};

export type TReviewService = ReturnType<typeof reviewServiceFactory>;

export function reviewServiceFactory(deps: {
  db: Kysely<DB>;
  crypto: Crypto;
  audit: TAuditService;
  events: TEventService;
  states: TStateMachine;
  applicants: TApplicantService;
  steps: TStepService;
  queue: Pick<Queue, 'send'>;
}) {
  const { db, crypto, audit, events, states, applicants, steps } = deps;

  return {
    /** Assigns a reviewer, who must be an active user of the organisation allowed to review. */
    async assign(scope: Scope, applicantId: string, reviewerId: string | null, actor: Actor) {
      if (reviewerId) {
        const u = await db
          .selectFrom('users as u')
          .innerJoin('roles as r', 'r.id', 'u.roleId')
          .select(['u.id', 'r.permissions', 'u.status'])
          .where('u.orgId', '=', scope.orgId)
          .where('u.id', '=', reviewerId)
          .executeTakeFirst();
        if (!u || u.status !== 'active') throw notFound('Reviewer');
        if (!u.permissions.includes('applicants.review')) throw unprocessable('not_a_reviewer', 'This user cannot review applicants.');
        if (scope.mode === 'live' && !u.permissions.includes('live.access')) throw unprocessable('not_a_reviewer', 'This user cannot work in live mode.');
      }
      return db.transaction().execute(async (tx) => {
        const a = await applicants.mustGet(tx, scope, applicantId, { lock: true });
        const after = await tx.updateTable('applicants').set({ reviewerId, updatedAt: new Date() }).where('id', '=', a.id).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: reviewerId ? 'applicant.assigned' : 'applicant.unassigned', targetType: 'applicant', targetId: a.id, before: { reviewerId: a.reviewerId }, after: { reviewerId } });
        return after;
      });
    },

    /**
     * A reviewer's decision. RETRY declines but lets the applicant redo the named steps (their current
     * results move to history); FINAL closes the verification.
     */
    async decide(scope: Scope, applicantId: string, d: Decision, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const a = await applicants.mustGet(tx, scope, applicantId, { lock: true });
        if (a.status === 'INIT') throw conflict('nothing_to_review', 'The applicant has not submitted anything yet.');
        const { definition } = await steps.stepViews(tx, a);
        if (d.decision === 'decline' && d.rejectType === 'RETRY') {
          const ids = d.retrySteps ?? [];
          if (!ids.length) throw unprocessable('retry_steps_required', 'Name the steps the applicant must redo.');
          const unknown = ids.filter((id) => !definition.steps.some((s) => s.id === id));
          if (unknown.length) throw unprocessable('step_not_in_flow', `Not steps of this flow: ${unknown.join(', ')}.`);
          await tx
            .updateTable('stepSubmissions')
            .set({ active: false, deactivatedAt: new Date(), deactivatedBy: actor.id ?? 'reviewer' })
            .where('applicantId', '=', a.id)
            .where('active', '=', true)
            .where('stepId', 'in', ids)
            .execute();
        }
        const review = {
          ...(a.review ?? {}),
          decision: d.decision,
          reason: d.reason ?? null,
          rejectLabels: d.rejectLabels ?? [],
          rejectType: d.decision === 'decline' ? (d.rejectType ?? 'FINAL') : null,
          retrySteps: d.decision === 'decline' && d.rejectType === 'RETRY' ? d.retrySteps : [],
          clientComment: d.clientComment ?? null,
          reviewerId: actor.id,
          decidedBy: actor.type === 'user' ? 'reviewer' : actor.type,
          reviewedAt: new Date().toISOString(),
        };
        await tx.updateTable('applicants').set({ review: JSON.stringify(review) }).where('id', '=', a.id).execute();
        const to = d.decision === 'approve' ? 'APPROVED' : 'DECLINED';
        const after = await states.transition(tx, a.id, to, { actor, reason: d.reason, extra: { reviewResult: { decision: d.decision, rejectType: review.rejectType, rejectLabels: review.rejectLabels } } });
        await events.emit(tx, {
          orgId: scope.orgId,
          mode: scope.mode,
          type: 'review.completed',
          applicant: after,
          data: { reviewResult: { decision: d.decision, rejectType: review.rejectType, rejectLabels: review.rejectLabels, clientComment: review.clientComment, retrySteps: review.retrySteps } },
        });
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'applicant.reviewed', targetType: 'applicant', targetId: a.id, before: { status: a.status }, after: { ...review, clientComment: review.clientComment ? '[text]' : null } });
        return after;
      });
    },

    /** Moves a step's current result to history: the applicant must redo it. */
    async deactivateStep(scope: Scope, applicantId: string, stepId: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const a = await applicants.mustGet(tx, scope, applicantId, { lock: true });
        const r = await tx
          .updateTable('stepSubmissions')
          .set({ active: false, deactivatedAt: new Date(), deactivatedBy: actor.id ?? 'reviewer' })
          .where('applicantId', '=', a.id)
          .where('stepId', '=', stepId)
          .where('active', '=', true)
          .returning('id')
          .execute();
        if (!r.length) throw notFound('Active result for this step');
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'step.deactivated', targetType: 'applicant', targetId: a.id, after: { stepId, submissionIds: r.map((x) => x.id) } });
        if (a.status === 'APPROVED' || a.status === 'DECLINED') await states.transition(tx, a.id, 'INCOMPLETE', { actor, reason: 'step_deactivated', reasons: [`${stepId}:deactivated`] });
        return steps.evaluate(tx, a.id, actor);
      });
    },

    /** Makes an earlier result of a step current again. */
    async reactivateStep(scope: Scope, applicantId: string, stepId: string, submissionId: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const a = await applicants.mustGet(tx, scope, applicantId, { lock: true });
        const sub = await tx.selectFrom('stepSubmissions').selectAll().where('applicantId', '=', a.id).where('stepId', '=', stepId).where('id', '=', submissionId).executeTakeFirst();
        if (!sub) throw notFound('Result');
        if (sub.active) throw conflict('already_active', 'This result is already the current one.');
        if (sub.status !== 'completed') throw conflict('not_completed', 'Only finished results can be reactivated.');
        await tx.updateTable('stepSubmissions').set({ active: false, deactivatedAt: new Date(), deactivatedBy: actor.id ?? 'reviewer' }).where('applicantId', '=', a.id).where('stepId', '=', stepId).where('active', '=', true).execute();
        await tx.updateTable('stepSubmissions').set({ active: true, deactivatedAt: null, deactivatedBy: null }).where('id', '=', sub.id).execute();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'step.reactivated', targetType: 'applicant', targetId: a.id, after: { stepId, submissionId } });
        return steps.evaluate(tx, a.id, actor);
      });
    },

    /**
     * A reviewer corrects extracted document fields. The amendment is kept beside the original, and the
     * checks that read those fields (face match is unaffected; AML is) run again.
     */
    async amendDocument(scope: Scope, applicantId: string, documentId: string, fields: Record<string, string | null>, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const a = await applicants.mustGet(tx, scope, applicantId, { lock: true });
        const doc = await tx.selectFrom('documents').selectAll().where('applicantId', '=', a.id).where('id', '=', documentId).executeTakeFirst();
        if (!doc) throw notFound('Document');
        const prev = doc.amendedEnc ? crypto.decryptJson<Record<string, string | null>>(doc.amendedEnc, a.id) : {};
        const amended = { ...prev, ...fields };
        await tx.updateTable('documents').set({ amendedEnc: crypto.encryptJson(amended, a.id), updatedAt: new Date() }).where('id', '=', doc.id).execute();
        const info = a.infoEnc ? crypto.decryptJson<Record<string, unknown>>(a.infoEnc, a.id) : {};
        await tx.updateTable('applicants').set({ infoEnc: crypto.encryptJson({ ...info, ...fields }, a.id) }).where('id', '=', a.id).execute();
        // Dependent checks: results computed from these fields are put in history and run again.
        const dependents = await tx.selectFrom('stepSubmissions').select(['id', 'stepId', 'stepType']).where('applicantId', '=', a.id).where('active', '=', true).where('stepType', '=', 'aml').execute();
        if (dependents.length) await tx.updateTable('stepSubmissions').set({ active: false, deactivatedAt: new Date(), deactivatedBy: actor.id ?? 'reviewer' }).where('id', 'in', dependents.map((d) => d.id)).execute();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'document.amended', targetType: 'applicant', targetId: a.id, after: { documentId, fields: Object.keys(fields), rerun: dependents.map((d) => d.stepId) } });
        // Completed or on-hold verifications need their derived checks recomputed before a decision.
        for (const d of dependents) {
          const id = newId('attempt');
          await tx
            .insertInto('stepSubmissions')
            .values({ id, orgId: a.orgId, mode: a.mode, applicantId: a.id, stepId: d.stepId, stepType: d.stepType, attemptNo: 1 + (await steps.countAttempts(tx, a.id, d.stepId)), source: 'reviewer', summary: JSON.stringify({ rerunAfter: 'document.amended' }) })
            .execute();
          await deps.queue.send(tx, processStepJob, { submissionId: id });
        }
        return { amended };
      });
    },

    async resolveWarning(scope: Scope, applicantId: string, warningId: string, note: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const a = await applicants.mustGet(tx, scope, applicantId);
        const w = await tx
          .updateTable('warnings')
          .set({ resolvedAt: new Date(), resolvedBy: actor.id, resolutionNote: note })
          .where('applicantId', '=', a.id)
          .where('id', '=', warningId)
          .where('resolvedAt', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (!w) throw notFound('Unresolved warning');
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'warning.resolved', targetType: 'applicant', targetId: a.id, after: { warningId, kind: w.kind } });
        return w;
      });
    },

    async addComment(scope: Scope, applicantId: string, c: { text: string; stepId?: string | null; parentId?: string | null; visibility: 'internal' | 'applicant' }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const a = await applicants.mustGet(tx, scope, applicantId);
        if (c.parentId) {
          const p = await tx.selectFrom('comments').select('id').where('applicantId', '=', a.id).where('id', '=', c.parentId).executeTakeFirst();
          if (!p) throw notFound('Parent comment');
        }
        const row = await tx
          .insertInto('comments')
          .values({ id: newId('comment'), orgId: a.orgId, mode: a.mode, applicantId: a.id, stepId: c.stepId ?? null, parentId: c.parentId ?? null, authorId: actor.id, visibility: c.visibility, textEnc: crypto.encrypt(c.text, a.id) })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'comment.added', targetType: 'applicant', targetId: a.id, after: { commentId: row.id, stepId: c.stepId ?? null, visibility: c.visibility } });
        return { ...row, text: c.text };
      });
    },

    async comments(scope: Scope, applicantId: string) {
      const a = await applicants.mustGet(db, scope, applicantId);
      const rows = await db
        .selectFrom('comments as c')
        .leftJoin('users as u', 'u.id', 'c.authorId')
        .selectAll('c')
        .select(['u.name as authorName'])
        .where('c.applicantId', '=', a.id)
        .orderBy('c.createdAt')
        .execute();
      return rows.map((r) => ({ ...r, text: crypto.decrypt(r.textEnc, a.id) }));
    },

    /** The applicant's history from the audit log: who did what, when, from where. */
    async timeline(scope: Scope, applicantId: string) {
      const a = await applicants.mustGet(db, scope, applicantId, { includeDeleted: true });
      return db
        .selectFrom('auditLog')
        .select(['id', 'at', 'action', 'actorType', 'actorId', 'actorLabel', 'ip', 'os', 'browser', 'after'])
        .where('orgId', '=', scope.orgId)
        .where('targetId', '=', a.id)
        .orderBy('seq')
        .execute();
    },

    /** What waits for a human: completed under manual review or on hold, oldest first, with the reasons. */
    async queue(scope: Scope, f: { reviewerId?: string; limit: number; cursor?: string }) {
      let q = db
        .selectFrom('applicants')
        .select(['id', 'externalUserId', 'status', 'flowId', 'reviewerId', 'review', 'completedAt', 'createdAt', 'country'])
        .where('orgId', '=', scope.orgId)
        .where('mode', '=', scope.mode)
        .where('status', 'in', ['COMPLETED', 'ON_HOLD'])
        .where('deleteRequestedAt', 'is', null)
        .where('erasedAt', 'is', null);
      if (f.reviewerId) q = q.where('reviewerId', '=', f.reviewerId);
      if (f.cursor) {
        const [ts, id] = Buffer.from(f.cursor, 'base64url').toString().split('|');
        if (ts && id) q = q.where((eb) => eb.or([eb('completedAt', '>', new Date(ts)), eb.and([eb('completedAt', '=', new Date(ts)), eb('id', '>', id)])]));
      }
      const rows = await q.orderBy('completedAt').orderBy('id').limit(f.limit).execute();
      const last = rows[rows.length - 1];
      return { rows, nextCursor: rows.length === f.limit && last?.completedAt ? Buffer.from(`${last.completedAt.toISOString()}|${last.id}`).toString('base64url') : null };
    },
  };
}
