import type { Transaction } from 'kysely';
import type { Applicant, ApplicantStatus, DB } from '../../db/types.ts';
import { conflict } from '../../lib/errors.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import type { EventType, TEventService } from '../event/event-service.ts';

/**
 * The applicant lifecycle. This module is the only writer of `applicants.status`.
 *
 *   INIT ─► IN_PROGRESS ─► COMPLETED ─► APPROVED / DECLINED   (policy or reviewer)
 *               │   ▲           │
 *               ▼   │           └─► ON_HOLD ─► APPROVED / DECLINED
 *           INCOMPLETE
 * A decision can be reopened (restart, retry, level up, flow change) back to INIT / IN_PROGRESS.
 */
const ALLOWED: Record<ApplicantStatus, ApplicantStatus[]> = {
  INIT: ['IN_PROGRESS', 'INCOMPLETE', 'COMPLETED', 'ON_HOLD'],
  IN_PROGRESS: ['INCOMPLETE', 'COMPLETED', 'ON_HOLD', 'INIT'],
  INCOMPLETE: ['IN_PROGRESS', 'COMPLETED', 'ON_HOLD', 'INIT'],
  COMPLETED: ['APPROVED', 'DECLINED', 'ON_HOLD', 'INCOMPLETE', 'IN_PROGRESS', 'INIT'],
  ON_HOLD: ['APPROVED', 'DECLINED', 'COMPLETED', 'INCOMPLETE', 'IN_PROGRESS', 'INIT'],
  APPROVED: ['DECLINED', 'ON_HOLD', 'IN_PROGRESS', 'INCOMPLETE', 'INIT'],
  DECLINED: ['APPROVED', 'ON_HOLD', 'IN_PROGRESS', 'INCOMPLETE', 'INIT'],
};

const STATUS_EVENT: Record<ApplicantStatus, EventType | null> = {
  INIT: null,
  INCOMPLETE: 'applicant.incomplete',
  IN_PROGRESS: 'applicant.in_progress',
  ON_HOLD: 'applicant.on_hold',
  COMPLETED: 'applicant.completed',
  APPROVED: 'applicant.approved',
  DECLINED: 'applicant.declined',
};

export const FINAL_STATUSES: ApplicantStatus[] = ['APPROVED', 'DECLINED'];

export type TStateMachine = ReturnType<typeof stateMachineFactory>;

export function stateMachineFactory(deps: { audit: TAuditService; events: TEventService }) {
  return {
    canTransition(from: ApplicantStatus, to: ApplicantStatus) {
      return from === to || ALLOWED[from].includes(to);
    },

    /**
     * Moves an applicant (row locked by the caller or here) to a new status, with its events and audit
     * entry, in the caller's transaction. A no-op when already there.
     */
    async transition(
      tx: Transaction<DB>,
      applicantId: string,
      to: ApplicantStatus,
      opts: { actor: Actor; reason?: string; reasons?: string[]; inReview?: boolean; extra?: Record<string, unknown> },
    ): Promise<Applicant> {
      const a = await tx.selectFrom('applicants').selectAll().where('id', '=', applicantId).forUpdate().executeTakeFirstOrThrow();
      if (a.status === to) return a;
      if (!ALLOWED[a.status].includes(to)) throw conflict('invalid_transition', `An applicant cannot go from ${a.status} to ${to}.`, { from: a.status, to });
      const now = new Date();
      const set: Partial<Record<keyof Applicant, unknown>> = { status: to, updatedAt: now };
      if (to === 'IN_PROGRESS' && !a.startedAt) set.startedAt = now;
      if (to === 'COMPLETED') set.completedAt = now;
      if (FINAL_STATUSES.includes(to)) set.decidedAt = now;
      if (to === 'INIT' || to === 'IN_PROGRESS') set.decidedAt = null;
      const after = await tx.updateTable('applicants').set(set as never).where('id', '=', applicantId).returningAll().executeTakeFirstOrThrow();
      await deps.audit.record(tx, {
        orgId: a.orgId,
        mode: a.mode,
        actor: opts.actor,
        action: 'applicant.status_changed',
        targetType: 'applicant',
        targetId: a.id,
        before: { status: a.status },
        after: { status: to, ...(opts.reason ? { reason: opts.reason } : {}), ...(opts.reasons?.length ? { reasons: opts.reasons } : {}) },
      });
      const base = { orgId: a.orgId, mode: a.mode, applicant: after };
      await deps.events.emit(tx, { ...base, type: 'applicant.status_changed', data: { from: a.status, to, reasons: opts.reasons ?? [], ...opts.extra } });
      const specific = STATUS_EVENT[to];
      if (specific) await deps.events.emit(tx, { ...base, type: specific, data: { reasons: opts.reasons ?? [], ...opts.extra } });
      if (opts.inReview) await deps.events.emit(tx, { ...base, type: 'applicant.in_review', data: { reasons: opts.reasons ?? [] } });
      return after;
    },
  };
}
