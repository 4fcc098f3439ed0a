import { sql, type Kysely, type Transaction } from 'kysely';
import { buildIndex, type Entity, type Match, type ScreeningQuery, type ScreeningResult } from '@tessera/screening';
import type { AmlMatchStatus, AmlScan, DB, Mode } from '../../db/types.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import { badRequest, notFound } from '../../lib/errors.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import type { TEventService } from '../event/event-service.ts';
import type { AmlIndex } from './aml-index.ts';

export type Scope = { orgId: string; mode: Mode };
export type Periodicity = 'daily' | 'weekly' | 'monthly';

export const MATCH_STATUSES: AmlMatchStatus[] = ['unknown', 'no_match', 'potential_match', 'false_positive', 'true_positive', 'true_positive_approve', 'true_positive_reject'];
const RESOLVED_CLEAR: AmlMatchStatus[] = ['no_match', 'false_positive'];

const nextRun = (p: Periodicity, from = new Date()) => new Date(from.getTime() + { daily: 1, weekly: 7, monthly: 30 }[p] * 86400_000);

export type TAmlService = ReturnType<typeof amlServiceFactory>;

export function amlServiceFactory(deps: { db: Kysely<DB>; crypto: Crypto; audit: TAuditService; events: TEventService; index: AmlIndex }) {
  const { db, crypto, audit, events } = deps;
  const aadScan = (s: { id: string }) => `aml:${s.id}`;

  async function search(query: ScreeningQuery): Promise<ScreeningResult & { lists: Record<string, number> }> {
    const index = await deps.index.get();
    let r: ScreeningResult;
    try {
      r = index.search({ limit: 50, ...query });
    } catch (e) {
      if ((e as { code?: string }).code === 'INVALID_QUERY') throw badRequest('invalid_query', (e as Error).message);
      throw e;
    }
    return { ...r, lists: deps.index.loadedVersions() };
  }

  async function insertMatches(tx: Transaction<DB>, scan: AmlScan, matches: Match[], foundBy: 'scan' | 'monitoring' | 'rescreen') {
    const fresh: Match[] = [];
    for (const m of matches) {
      const r = await tx
        .insertInto('amlMatches')
        .values({
          id: newId('amlMatch'),
          scanId: scan.id,
          orgId: scan.orgId,
          mode: scan.mode,
          applicantId: scan.applicantId,
          entityId: m.entityId,
          caption: m.entity.caption,
          source: m.entity.source,
          score: m.score,
          hit: m.hit,
          // The match holds the screened person's name: encrypted like any personal data.
          matchEnc: crypto.encryptJson(m, aadScan(scan)),
          foundBy,
        })
        .onConflict((oc) => oc.columns(['scanId', 'entityId']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (r) fresh.push(m);
    }
    if (fresh.length) {
      await sql`UPDATE aml_scans SET matches = (SELECT count(*) FROM aml_matches WHERE scan_id = ${scan.id}), hits = (SELECT count(*) FROM aml_matches WHERE scan_id = ${scan.id} AND hit), updated_at = now() WHERE id = ${scan.id}`.execute(tx);
    }
    return fresh;
  }

  /** A new hit on a monitored subject: the compliance alert event, and a warning on the applicant. */
  async function alert(tx: Transaction<DB>, scan: AmlScan, hits: Match[], foundBy: string) {
    const applicant = scan.applicantId ? await tx.selectFrom('applicants').selectAll().where('id', '=', scan.applicantId).executeTakeFirst() : null;
    await events.emit(tx, {
      orgId: scan.orgId,
      mode: scan.mode,
      type: 'aml.alert',
      applicant: applicant ?? null,
      warnings: ['aml_hit'],
      data: { scanId: scan.id, foundBy, hits: hits.map((h) => ({ entityId: h.entityId, score: h.score, source: h.entity.source, caption: h.entity.caption })) },
    });
    if (applicant) {
      for (const h of hits) {
        await tx
          .insertInto('warnings')
          .values({
            id: newId('warning'),
            orgId: scan.orgId,
            mode: scan.mode,
            applicantId: applicant.id,
            stepId: null,
            kind: 'aml_hit',
            sourceKey: `${scan.id}:${h.entityId}`,
            severity: 'critical',
            message: `Possible match on ${h.entity.source}: ${h.entity.caption} (${Math.round(h.score)}%)`,
            details: JSON.stringify({ scanId: scan.id, entityId: h.entityId, score: h.score, foundBy }),
          })
          .onConflict((oc) => oc.columns(['applicantId', 'kind', 'sourceKey']).doNothing())
          .execute();
      }
    }
  }

  function scanQuery(scan: AmlScan): ScreeningQuery {
    return crypto.decryptJson<ScreeningQuery>(scan.queryEnc, aadScan(scan));
  }

  async function mustScan(scope: Scope, id: string) {
    const s = await db.selectFrom('amlScans').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('id', '=', id).executeTakeFirst();
    if (!s) throw notFound('Scan');
    return s;
  }

  return {
    search,
    scanQuery,

    /** Screens and saves: the scan, its matches (≥ 50 listed, ≥ threshold hits), optional monitoring. */
    async createScan(
      scope: Scope,
      query: ScreeningQuery,
      opts: { kind: 'applicant' | 'manual'; applicantId?: string | null; submissionId?: string | null; label?: string | null; monitoring?: { enabled: boolean; periodicity: Periodicity } | null },
      actor: Actor,
      tx?: Transaction<DB>,
    ) {
      const result = await search(query);
      const run = async (t: Transaction<DB>) => {
        const id = newId('amlScan');
        const scan = await t
          .insertInto('amlScans')
          .values({
            id,
            orgId: scope.orgId,
            mode: scope.mode,
            kind: opts.kind,
            applicantId: opts.applicantId ?? null,
            submissionId: opts.submissionId ?? null,
            schema: query.schema ?? 'any',
            queryEnc: crypto.encryptJson(query, `aml:${id}`),
            labelEnc: opts.label ? crypto.encrypt(opts.label, `aml:${id}`) : null,
            threshold: query.threshold ?? 70,
            monitoring: !!opts.monitoring?.enabled,
            periodicity: opts.monitoring?.enabled ? opts.monitoring.periodicity : null,
            nextRunAt: opts.monitoring?.enabled ? nextRun(opts.monitoring.periodicity) : null,
            lastRunAt: new Date(),
            createdBy: actor.id,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await insertMatches(t, scan, result.matches, 'scan');
        await audit.record(t, {
          orgId: scope.orgId,
          mode: scope.mode,
          actor,
          action: 'aml.scanned',
          targetType: opts.applicantId ? 'applicant' : 'aml_scan',
          targetId: opts.applicantId ?? id,
          after: { scanId: id, kind: opts.kind, hits: result.hits, matches: result.matches.length, monitoring: !!opts.monitoring?.enabled },
        });
        return { scan: { ...scan, hits: result.hits, matches: result.matches.length }, result };
      };
      return tx ? run(tx) : db.transaction().execute(run);
    },

    async listScans(scope: Scope, f: { kind?: 'applicant' | 'manual'; applicantId?: string; monitoring?: boolean; cursor?: string; limit: number }) {
      let q = db.selectFrom('amlScans').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode);
      if (f.kind) q = q.where('kind', '=', f.kind);
      if (f.applicantId) q = q.where('applicantId', '=', f.applicantId);
      if (f.monitoring !== undefined) q = q.where('monitoring', '=', f.monitoring);
      if (f.cursor) q = q.where('id', '<', f.cursor);
      const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
      return { rows, nextCursor: rows.length === f.limit ? rows[rows.length - 1].id : null };
    },

    async getScan(scope: Scope, id: string) {
      const scan = await mustScan(scope, id);
      const matches = await db.selectFrom('amlMatches').selectAll().where('scanId', '=', id).orderBy('score', 'desc').execute();
      return {
        scan,
        query: scanQuery(scan),
        label: scan.labelEnc ? crypto.decrypt(scan.labelEnc, aadScan(scan)) : null,
        matches: matches.map((m) => ({ row: m, match: crypto.decryptJson<Match>(m.matchEnc, aadScan(scan)) })),
      };
    },

    async setMonitoring(scope: Scope, id: string, m: { enabled: boolean; periodicity?: Periodicity }, actor: Actor) {
      const scan = await mustScan(scope, id);
      return db.transaction().execute(async (tx) => {
        const periodicity = m.periodicity ?? scan.periodicity ?? 'daily';
        const after = await tx
          .updateTable('amlScans')
          .set({ monitoring: m.enabled, periodicity: m.enabled ? periodicity : scan.periodicity, nextRunAt: m.enabled ? nextRun(periodicity) : null, updatedAt: new Date() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'aml.monitoring_changed', targetType: 'aml_scan', targetId: id, before: { monitoring: scan.monitoring, periodicity: scan.periodicity }, after: { monitoring: m.enabled, periodicity } });
        return after;
      });
    },

    /** A reviewer's verdict on a match, with an optional comment; every change is kept in its history. */
    async updateMatch(scope: Scope, matchId: string, input: { status?: AmlMatchStatus; comment?: string }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const m = await tx.selectFrom('amlMatches').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('id', '=', matchId).forUpdate().executeTakeFirst();
        if (!m) throw notFound('Match');
        if (!input.status && !input.comment) throw badRequest('nothing_to_change', 'Give a status or a comment.');
        if (input.status && input.status !== m.status) await tx.updateTable('amlMatches').set({ status: input.status, updatedAt: new Date() }).where('id', '=', m.id).execute();
        await tx
          .insertInto('amlMatchHistory')
          .values({ id: newId('amlHistory'), matchId: m.id, orgId: scope.orgId, fromStatus: input.status ? m.status : null, toStatus: input.status ?? null, commentEnc: input.comment ? crypto.encrypt(input.comment, `amlm:${m.id}`) : null, actorId: actor.id })
          .execute();
        // Clearing a hit as a false positive resolves the warning it raised on the applicant.
        if (m.applicantId && input.status && RESOLVED_CLEAR.includes(input.status)) {
          await tx
            .updateTable('warnings')
            .set({ resolvedAt: new Date(), resolvedBy: actor.id, resolutionNote: `AML match marked ${input.status}` })
            .where('applicantId', '=', m.applicantId)
            .where('kind', '=', 'aml_hit')
            .where('sourceKey', '=', `${m.scanId}:${m.entityId}`)
            .where('resolvedAt', 'is', null)
            .execute();
        }
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'aml.match_updated', targetType: m.applicantId ? 'applicant' : 'aml_scan', targetId: m.applicantId ?? m.scanId, before: { status: m.status }, after: { matchId: m.id, status: input.status ?? m.status, comment: input.comment ? '[text]' : undefined } });
        return tx.selectFrom('amlMatches').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow();
      });
    },

    async matchHistory(scope: Scope, matchId: string) {
      const m = await db.selectFrom('amlMatches').select(['id']).where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('id', '=', matchId).executeTakeFirst();
      if (!m) throw notFound('Match');
      const rows = await db.selectFrom('amlMatchHistory as h').leftJoin('users as u', 'u.id', 'h.actorId').selectAll('h').select('u.name as actorName').where('h.matchId', '=', m.id).orderBy('h.createdAt').execute();
      return rows.map((r) => ({ ...r, comment: r.commentEnc ? crypto.decrypt(r.commentEnc, `amlm:${m.id}`) : null }));
    },

    /**
     * A list version changed: screen every monitored subject against only what that version added or
     * changed. Candidates come from a small index of the changed entities; scores from the full index,
     * so they equal what a fresh scan would give. Idempotent per (list, version) through its run row.
     */
    async monitorDelta(source: string, version: number) {
      const runId = newId('amlRun');
      const claimed = await db.insertInto('amlRescreenRuns').values({ id: runId, kind: 'delta', source, version, status: 'running' }).onConflict((oc) => oc.columns(['kind', 'source', 'version']).doNothing()).returning('id').executeTakeFirst();
      const run = claimed ?? (await db.selectFrom('amlRescreenRuns').selectAll().where('kind', '=', 'delta').where('source', '=', source).where('version', '=', version).executeTakeFirstOrThrow());
      if ('status' in run && run.status === 'done') return { newHits: 0, skipped: true };
      const changed = (
        await sql<{ data: Entity }>`SELECT e.data FROM aml_changes c JOIN aml_entities e ON e.id = c.entity_id WHERE c.source = ${source} AND c.version = ${version} AND c.change IN ('added', 'changed')`.execute(db)
      ).rows.map((r) => r.data);
      const full = await deps.index.get({ fresh: true });
      const mini = buildIndex(changed);
      const scans = await db.selectFrom('amlScans').selectAll().where('monitoring', '=', true).execute();
      await db.updateTable('amlRescreenRuns').set({ total: scans.length }).where('id', '=', run.id).execute();
      let newHits = 0;
      let done = 0;
      for (const scan of scans) {
        const q = scanQuery(scan);
        if (changed.length) {
          const candidates = mini.search({ ...q, threshold: 0, limit: 50 }).matches;
          const rescored = candidates.map((c) => full.scorePair(q, full.get(c.entityId) ?? changed.find((e) => e.id === c.entityId)!)).filter((m): m is Match => !!m && m.score >= 50);
          if (rescored.length) {
            await db.transaction().execute(async (tx) => {
              const fresh = await insertMatches(tx, scan, rescored, 'monitoring');
              const hits = fresh.filter((m) => m.hit);
              if (hits.length) {
                newHits += hits.length;
                await alert(tx, scan, hits, 'monitoring');
              }
            });
          }
        }
        if (++done % 100 === 0) await db.updateTable('amlRescreenRuns').set({ done }).where('id', '=', run.id).execute();
      }
      await db.updateTable('amlRescreenRuns').set({ status: 'done', done, newHits, finishedAt: new Date() }).where('id', '=', run.id).execute();
      return { newHits, skipped: false, subjects: scans.length, entities: changed.length };
    },

    /** The periodic full re-screen of monitored subjects that are due, as one batch run with progress. */
    async rescreenDue(now = new Date()) {
      const due = await db.selectFrom('amlScans').selectAll().where('monitoring', '=', true).where('nextRunAt', '<=', now).orderBy('nextRunAt').limit(5000).execute();
      if (!due.length) return { subjects: 0, newHits: 0 };
      const runId = newId('amlRun');
      await db.insertInto('amlRescreenRuns').values({ id: runId, kind: 'periodic', status: 'running', total: due.length }).execute();
      let newHits = 0;
      let done = 0;
      for (const scan of due) {
        const result = await search(scanQuery(scan));
        await db.transaction().execute(async (tx) => {
          const fresh = await insertMatches(tx, scan, result.matches, 'rescreen');
          const hits = fresh.filter((m) => m.hit);
          if (hits.length) {
            newHits += hits.length;
            await alert(tx, scan, hits, 'rescreen');
          }
          await tx.updateTable('amlScans').set({ lastRunAt: now, nextRunAt: nextRun(scan.periodicity ?? 'daily', now) }).where('id', '=', scan.id).execute();
        });
        if (++done % 100 === 0) await db.updateTable('amlRescreenRuns').set({ done }).where('id', '=', runId).execute();
      }
      await db.updateTable('amlRescreenRuns').set({ status: 'done', done, newHits, finishedAt: new Date() }).where('id', '=', runId).execute();
      return { subjects: due.length, newHits };
    },

    async runs(limit = 20) {
      return db.selectFrom('amlRescreenRuns').selectAll().orderBy('startedAt', 'desc').limit(limit).execute();
    },
  };
}
