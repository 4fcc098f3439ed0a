import type { Kysely, Transaction } from 'kysely';
import type { Applicant, DB, EventRow, Mode } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import { notFound } from '../../lib/errors.ts';

/**
 * Event types (dotted). Other vendors' older camelCase names are documented in docs/webhooks.md.
 */
export const EVENT_TYPES = [
  'applicant.created',
  'applicant.status_changed',
  'applicant.incomplete',
  'applicant.in_progress',
  'applicant.on_hold',
  'applicant.completed',
  'applicant.approved',
  'applicant.declined',
  'applicant.in_review',
  'applicant.step_passed',
  'applicant.step_failed',
  'applicant.deleted',
  'applicant.restored',
  'document.received',
  'review.completed',
  'aml.alert',
  'link.completed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type EmitInput = {
  orgId: string;
  mode: Mode;
  type: EventType;
  /** The applicant the event is about; its per-applicant sequence number is taken in the same transaction. */
  applicant?: Pick<Applicant, 'id' | 'externalUserId' | 'flowId' | 'applicationId' | 'status'> | null;
  stepId?: string | null;
  stepType?: string | null;
  warnings?: string[];
  data?: Record<string, unknown>;
  /**
   * The applicant's sequence number when the caller already holds it (a brand-new applicant's first event
   * is 1) together with its app key: saves a round trip on the hottest path.
   */
  known?: { seq: number; appKey: string | null };
};

/** Called inside the emitting transaction (the webhook module enqueues deliveries here). */
export type EventListener = (tx: Transaction<DB>, event: EventRow) => Promise<void>;

export type TEventService = ReturnType<typeof eventServiceFactory>;

export function eventServiceFactory({ db }: { db: Kysely<DB> }) {
  const listeners: EventListener[] = [];

  return {
    onEvent(l: EventListener) {
      listeners.push(l);
    },

    /**
     * Writes the event in the caller's transaction, so it exists exactly when the change that caused it
     * does. `seq` increases by one per event of an applicant: receivers drop anything older than what
     * they have already applied.
     */
    async emit(tx: Transaction<DB>, e: EmitInput): Promise<EventRow> {
      let seq: number | null = null;
      let appKey: string | null = null;
      if (e.applicant && e.known) {
        seq = e.known.seq;
        appKey = e.known.appKey;
      } else if (e.applicant) {
        const r = await tx
          .updateTable('applicants')
          .set((eb) => ({ eventSeq: eb('eventSeq', '+', 1) }))
          .where('id', '=', e.applicant.id)
          .returning((eb) => [
            'eventSeq',
            eb.selectFrom('applications').select('clientKey').whereRef('applications.id', '=', 'applicants.applicationId').as('appKey'),
          ])
          .executeTakeFirstOrThrow();
        seq = r.eventSeq;
        appKey = r.appKey ?? null;
      }
      const id = newId('event');
      const createdAt = new Date();
      const payload = {
        id,
        type: e.type,
        createdAt: createdAt.toISOString(),
        mode: e.mode,
        applicantId: e.applicant?.id ?? null,
        externalUserId: e.applicant?.externalUserId ?? null,
        appKey,
        flowId: e.applicant?.flowId ?? null,
        stepId: e.stepId ?? null,
        stepType: e.stepType ?? null,
        status: e.applicant?.status ?? null,
        warnings: e.warnings ?? [],
        sequence: seq,
        ...e.data,
      };
      const row = await tx
        .insertInto('events')
        .values({ id, orgId: e.orgId, mode: e.mode, type: e.type, applicantId: e.applicant?.id ?? null, seq, payload: JSON.stringify(payload), createdAt })
        .returningAll()
        .executeTakeFirstOrThrow();
      for (const l of listeners) await l(tx, row);
      return row;
    },

    async list(scope: { orgId: string; mode: Mode }, f: { type?: string; applicantId?: string; cursor?: string; limit: number }) {
      let q = db.selectFrom('events').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode);
      if (f.type) q = q.where('type', '=', f.type);
      if (f.applicantId) q = q.where('applicantId', '=', f.applicantId);
      if (f.cursor) q = q.where('id', '<', f.cursor);
      const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
      return { rows, nextCursor: rows.length === f.limit ? rows[rows.length - 1].id : null };
    },

    async get(scope: { orgId: string; mode: Mode }, id: string) {
      const e = await db.selectFrom('events').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('id', '=', id).executeTakeFirst();
      if (!e) throw notFound('Event');
      return e;
    },
  };
}
