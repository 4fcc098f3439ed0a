import { sql, type Kysely, type Transaction } from 'kysely';
import type { Applicant, ApplicantStatus, DB, Mode } from '../../db/types.ts';
import type { Config } from '../../config.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import { conflict, notFound, unprocessable } from '../../lib/errors.ts';
import { indexTerms, queryTerms } from '../../lib/search-terms.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import type { TEventService } from '../event/event-service.ts';
import type { TFlowService } from '../flow/flow-service.ts';
import type { TStateMachine } from './state-machine.ts';
import type { FixedInfo, TCreateApplicant, TListQuery } from './applicant-types.ts';
import { DERIVED_STEPS, CONTENT_STEPS } from '../flow/flow-types.ts';

export type Scope = { orgId: string; mode: Mode };

export type TApplicantService = ReturnType<typeof applicantServiceFactory>;

export function applicantServiceFactory(deps: {
  db: Kysely<DB>;
  config: Config;
  crypto: Crypto;
  audit: TAuditService;
  events: TEventService;
  flows: TFlowService;
  states: TStateMachine;
}) {
  const { db, crypto, audit, events, flows, states } = deps;

  const enc = (a: { id: string }, v: unknown) => (v === undefined || v === null ? null : crypto.encryptJson(v, a.id));
  const dec = <T>(a: { id: string }, v: string | null): T | null => (v ? crypto.decryptJson<T>(v, a.id) : null);

  function scoped(ex: Kysely<DB> | Transaction<DB>, scope: Scope) {
    return ex.selectFrom('applicants').where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('erasedAt', 'is', null);
  }

  async function mustGet(ex: Kysely<DB> | Transaction<DB>, scope: Scope, id: string, opts: { lock?: boolean; includeDeleted?: boolean } = {}) {
    let q = scoped(ex, scope).selectAll().where('id', '=', id);
    if (!opts.includeDeleted) q = q.where('deleteRequestedAt', 'is', null);
    if (opts.lock) q = q.forUpdate();
    const a = await q.executeTakeFirst();
    if (!a) throw notFound('Applicant');
    return a;
  }

  function searchIndexFor(a: { id: string }, fixedInfo: FixedInfo | null, extra: { names?: string[]; documentNumbers?: string[] } = {}) {
    return indexTerms(crypto, {
      names: [fixedInfo?.firstName, fixedInfo?.middleName, fixedInfo?.lastName, fixedInfo?.companyName, ...(extra.names ?? [])],
      documentNumbers: extra.documentNumbers,
    });
  }

  return {
    mustGet,
    dec,
    enc,
    searchIndexFor,

    async create(scope: Scope, input: TCreateApplicant, actor: Actor, opts: { applicationId?: string | null; appKey?: string | null } = {}) {
      return db.transaction().execute(async (tx) => {
        const level = input.level ? await flows.levelByName(tx, scope, input.level) : null;
        const flowId = input.flowId ?? level?.flowId;
        if (!flowId) throw unprocessable('flow_required', 'Give flowId or level.');
        const id = newId('applicant');
        const a = { id };
        // One statement: the applicant is inserted on the flow's current published version, or not at all
        // (the reasons are looked up only then, off the hot path).
        const inserted = await tx
          .insertInto('applicants')
          .columns(['id', 'orgId', 'mode', 'type', 'externalUserId', 'applicationId', 'flowId', 'flowVersionId', 'levelId', 'lang', 'emailEnc', 'phoneEnc', 'fixedInfoEnc', 'tags', 'metadata', 'searchIndex', 'country', 'eventSeq'])
          .expression((eb) =>
            eb
              .selectFrom('flows as f')
              .innerJoin('flowVersions as v', (j) => j.onRef('v.flowId', '=', 'f.id').onRef('v.version', '=', 'f.currentVersion'))
              .where('f.id', '=', flowId)
              .where('f.orgId', '=', scope.orgId)
              .where('f.mode', '=', scope.mode)
              .where('f.status', '=', 'active')
              .where('f.kind', '=', 'regular')
              .select([
                eb.val(id).as('id'),
                eb.val(scope.orgId).as('orgId'),
                eb.val(scope.mode).as('mode'),
                eb.val(input.type).as('type'),
                eb.val(input.externalUserId).as('externalUserId'),
                eb.val(opts.applicationId ?? null).as('applicationId'),
                'f.id as flowId',
                'v.id as flowVersionId',
                eb.val(level?.id ?? null).as('levelId'),
                eb.val(input.lang ?? null).as('lang'),
                eb.val(input.email ? crypto.encrypt(input.email, id) : null).as('emailEnc'),
                eb.val(input.phone ? crypto.encrypt(input.phone, id) : null).as('phoneEnc'),
                eb.val(enc(a, input.fixedInfo)).as('fixedInfoEnc'),
                sql<string[]>`${sql.val(input.tags ?? [])}::text[]`.as('tags'),
                sql<string>`${JSON.stringify(input.metadata ?? {})}::jsonb`.as('metadata'),
                sql<string[]>`${sql.val(searchIndexFor(a, input.fixedInfo ?? null))}::text[]`.as('searchIndex'),
                eb.val(input.fixedInfo?.country ?? null).as('country'),
                // The applicant.created event below is its first: sequence 1.
                eb.val(1).as('eventSeq'),
              ]),
          )
          .onConflict((oc) => oc.columns(['orgId', 'mode', 'externalUserId']).doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!inserted) {
          const { flow } = await flows.publishedVersionOf(tx, scope, flowId);
          if (flow.kind !== 'regular') throw unprocessable('flow_kind', 'Applicants start on a regular flow; on-demand flows request extra information from existing applicants.');
          throw conflict('applicant_exists', 'An applicant with this externalUserId already exists in this mode.');
        }
        const appKey = opts.appKey !== undefined ? opts.appKey : opts.applicationId ? ((await tx.selectFrom('applications').select('clientKey').where('id', '=', opts.applicationId).executeTakeFirst())?.clientKey ?? null) : null;
        await events.emit(tx, { orgId: scope.orgId, mode: scope.mode, type: 'applicant.created', applicant: inserted, known: { seq: 1, appKey } });
        // Last statement before commit: the audit chain's per-organisation lock is held only briefly.
        await audit.record(tx, {
          orgId: scope.orgId,
          mode: scope.mode,
          actor,
          action: 'applicant.created',
          targetType: 'applicant',
          targetId: id,
          after: { externalUserId: input.externalUserId, flowId: inserted.flowId, flowVersionId: inserted.flowVersionId, tags: input.tags ?? [] },
        });
        return inserted;
      });
    },

    async update(scope: Scope, id: string, patch: { email?: string | null; phone?: string | null; lang?: string; fixedInfo?: FixedInfo; tags?: string[]; metadata?: Record<string, unknown>; level?: string }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const a = await mustGet(tx, scope, id, { lock: true });
        const set: Record<string, unknown> = { updatedAt: new Date() };
        const changed: string[] = [];
        if (patch.email !== undefined) (set.emailEnc = patch.email ? crypto.encrypt(patch.email, id) : null), changed.push('email');
        if (patch.phone !== undefined) (set.phoneEnc = patch.phone ? crypto.encrypt(patch.phone, id) : null), changed.push('phone');
        if (patch.lang !== undefined) (set.lang = patch.lang), changed.push('lang');
        if (patch.tags !== undefined) (set.tags = patch.tags), changed.push('tags');
        if (patch.metadata !== undefined) (set.metadata = JSON.stringify(patch.metadata)), changed.push('metadata');
        if (patch.fixedInfo !== undefined) {
          set.fixedInfoEnc = enc(a, patch.fixedInfo);
          set.searchIndex = [...new Set([...searchIndexFor(a, patch.fixedInfo), ...(await documentTerms(tx, a))])];
          if (patch.fixedInfo.country) set.country = patch.fixedInfo.country;
          changed.push('fixedInfo');
        }
        if (patch.level !== undefined) {
          const level = await flows.levelByName(tx, scope, patch.level);
          if (level.id !== a.levelId) {
            // A new level: the applicant moves to that level's flow and is asked only for what they have not passed.
            const { version } = await flows.publishedVersionOf(tx, scope, level.flowId);
            Object.assign(set, { levelId: level.id, flowId: level.flowId, flowVersionId: version.id });
            changed.push('level');
          }
        }
        const after = await tx.updateTable('applicants').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, {
          orgId: scope.orgId,
          mode: scope.mode,
          actor,
          action: 'applicant.updated',
          targetType: 'applicant',
          targetId: id,
          // Personal fields are named, never copied into the audit log.
          after: { changed, tags: patch.tags, metadata: patch.metadata, level: patch.level },
        });
        return after;
      });
    },

    async list(scope: Scope, f: TListQuery) {
      let q = scoped(db, scope).selectAll();
      q = f.deleted === 'true' ? q.where('deleteRequestedAt', 'is not', null) : q.where('deleteRequestedAt', 'is', null);
      if (f.status) q = q.where('status', '=', f.status);
      if (f.flowId) q = q.where('flowId', '=', f.flowId);
      if (f.tag) q = q.where(sql<boolean>`tags @> ARRAY[${f.tag}]::text[]`);
      if (f.from) q = q.where('createdAt', '>=', new Date(f.from));
      if (f.to) q = q.where('createdAt', '<', new Date(f.to));
      if (f.country) q = q.where('country', '=', f.country);
      if (f.reviewerId) q = q.where('reviewerId', '=', f.reviewerId);
      if (f.stepType && f.stepStatus) {
        const sub = db
          .selectFrom('stepSubmissions as s')
          .select(sql`1`.as('x'))
          .where(sql<boolean>`s.applicant_id = applicants.id`)
          .where('s.stepType', '=', f.stepType)
          .where('s.active', '=', true);
        if (f.stepStatus === 'not_submitted') q = q.where(({ not, exists }) => not(exists(sub)));
        else if (f.stepStatus === 'pending') q = q.where(({ exists }) => exists(sub.where((eb) => eb.or([eb('s.status', '!=', 'completed'), eb('s.outcome', 'in', ['review', 'engine_unavailable'])]))));
        else q = q.where(({ exists }) => exists(sub.where('s.status', '=', 'completed').where('s.outcome', '=', f.stepStatus === 'approved' ? 'passed' : 'failed')));
      }
      if (f.q) {
        const t = queryTerms(crypto, f.q);
        q = q.where((eb) => {
          const ors = [eb('externalUserId', '=', f.q!), eb('id', '=', f.q!)];
          if (t.allNames.length) ors.push(eb(sql<boolean>`search_index @> ${sql.val(t.allNames)}::text[]`, '=', true));
          if (t.documentNumber) ors.push(eb(sql<boolean>`search_index @> ARRAY[${t.documentNumber}]::text[]`, '=', true));
          return eb.or(ors);
        });
      }
      if (f.cursor) {
        const [ts, cid] = Buffer.from(f.cursor, 'base64url').toString().split('|');
        if (ts && cid) q = q.where((eb) => eb.or([eb('createdAt', '<', new Date(ts)), eb.and([eb('createdAt', '=', new Date(ts)), eb('id', '<', cid)])]));
      }
      const rows = await q.orderBy('createdAt', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
      const last = rows[rows.length - 1];
      return { rows, nextCursor: rows.length === f.limit ? Buffer.from(`${last.createdAt.toISOString()}|${last.id}`).toString('base64url') : null };
    },

    /** Current submissions per step of the applicant's flow version. */
    async stepStates(ex: Kysely<DB> | Transaction<DB>, a: Applicant) {
      const { definition } = await flows.versionById(ex, a.flowVersionId);
      const subs = await ex.selectFrom('stepSubmissions').selectAll().where('applicantId', '=', a.id).orderBy('createdAt').execute();
      return { definition, subs };
    },

    /** Schedules erasure after the grace period; the applicant disappears from lists but can be restored. */
    async requestDeletion(scope: Scope, id: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const a = await mustGet(tx, scope, id, { lock: true });
        const eraseAfter = new Date(Date.now() + deps.config.erasureGraceDays * 86400_000);
        await tx.updateTable('applicants').set({ deleteRequestedAt: new Date(), eraseAfter, updatedAt: new Date() }).where('id', '=', id).execute();
        await tx.updateTable('applicantSessions').set({ status: 'revoked' }).where('applicantId', '=', id).where('status', '=', 'active').execute();
        await events.emit(tx, { orgId: scope.orgId, mode: scope.mode, type: 'applicant.deleted', applicant: a, data: { eraseAfter: eraseAfter.toISOString() } });
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'applicant.deletion_requested', targetType: 'applicant', targetId: id, after: { eraseAfter } });
        return eraseAfter;
      });
    },

    async restore(scope: Scope, id: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const a = await mustGet(tx, scope, id, { lock: true, includeDeleted: true });
        if (!a.deleteRequestedAt) throw conflict('not_deleted', 'This applicant is not scheduled for deletion.');
        const after = await tx.updateTable('applicants').set({ deleteRequestedAt: null, eraseAfter: null, updatedAt: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        await events.emit(tx, { orgId: scope.orgId, mode: scope.mode, type: 'applicant.restored', applicant: a });
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'applicant.restored', targetType: 'applicant', targetId: id });
        return after;
      });
    },

    /** Puts every current result in history and the applicant back to the start of its flow. */
    async restart(scope: Scope, id: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        await mustGet(tx, scope, id, { lock: true });
        await tx.updateTable('stepSubmissions').set({ active: false, deactivatedAt: new Date(), deactivatedBy: actor.id }).where('applicantId', '=', id).where('active', '=', true).execute();
        await tx.updateTable('applicants').set({ review: null, updatedAt: new Date() }).where('id', '=', id).execute();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'applicant.restarted', targetType: 'applicant', targetId: id });
        return states.transition(tx, id, 'INIT', { actor, reason: 'restarted' });
      });
    },

    /** Moves the applicant to another flow; steps already passed there are kept, the rest are asked for. */
    async changeFlow(scope: Scope, id: string, flowId: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const a = await mustGet(tx, scope, id, { lock: true });
        const { flow, version } = await flows.publishedVersionOf(tx, scope, flowId);
        if (flow.kind !== 'regular') throw unprocessable('flow_kind', 'Use request-info for on-demand flows.');
        await tx.updateTable('applicants').set({ flowId, flowVersionId: version.id, updatedAt: new Date() }).where('id', '=', id).execute();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'applicant.flow_changed', targetType: 'applicant', targetId: id, before: { flowId: a.flowId }, after: { flowId } });
        return a;
      });
    },

    /** Statuses that mean the applicant still has something to do in its flow. */
    isOpen(status: ApplicantStatus) {
      return status === 'INIT' || status === 'IN_PROGRESS' || status === 'INCOMPLETE';
    },

    derivedOrContent(type: string) {
      return DERIVED_STEPS.includes(type as never) || CONTENT_STEPS.includes(type as never);
    },
  };

  async function documentTerms(tx: Transaction<DB>, a: Applicant) {
    const docs = await tx.selectFrom('documents').select(['fieldsEnc', 'amendedEnc']).where('applicantId', '=', a.id).execute();
    const names: string[] = [];
    const numbers: string[] = [];
    for (const d of docs) {
      const f = { ...(dec<Record<string, string>>(a, d.fieldsEnc) ?? {}), ...(dec<Record<string, string>>(a, d.amendedEnc) ?? {}) };
      names.push(f.surname ?? '', f.givenNames ?? '');
      if (f.documentNumber) numbers.push(f.documentNumber);
    }
    return indexTerms(crypto, { names, documentNumbers: numbers });
  }
}
