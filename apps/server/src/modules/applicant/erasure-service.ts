import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { ObjectStorage } from '../../lib/storage.ts';
import { SYSTEM_ACTOR, type TAuditService } from '../audit/audit-service.ts';

export type TErasureService = ReturnType<typeof erasureServiceFactory>;

/**
 * Erasure: after the grace period (or the flow's retention), an applicant's personal data, files and
 * biometric data are destroyed. The row stays as a tombstone so ids and the audit trail still resolve;
 * the audit log records only that the erasure happened.
 */
export function erasureServiceFactory(deps: { db: Kysely<DB>; storage: ObjectStorage; audit: TAuditService; extraTables?: string[] }) {
  const { db, storage, audit } = deps;
  const extra = deps.extraTables ?? [];

  async function eraseOne(applicantId: string) {
    const a = await db.selectFrom('applicants').select(['id', 'orgId', 'mode', 'erasedAt']).where('id', '=', applicantId).executeTakeFirst();
    if (!a || a.erasedAt) return false;
    // Files first: if this run dies half-way, the next run finds the same applicant and finishes the job.
    await storage.deletePrefix(`${a.orgId}/${a.mode}/${a.id}/`);
    await db.transaction().execute(async (tx) => {
      for (const t of ['step_submissions', 'files', 'documents', 'warnings', 'comments', 'otp_challenges', 'liveness_challenges', 'applicant_sessions', 'face_embeddings', 'aml_scans', ...extra]) {
        await sql`DELETE FROM ${sql.table(t)} WHERE applicant_id = ${a.id}`.execute(tx);
      }
      await sql`UPDATE events SET payload = payload - 'externalUserId' WHERE applicant_id = ${a.id}`.execute(tx);
      await tx
        .updateTable('applicants')
        .set({
          externalUserId: `erased:${a.id}`,
          emailEnc: null,
          phoneEnc: null,
          fixedInfoEnc: null,
          infoEnc: null,
          tags: [],
          metadata: JSON.stringify({}),
          searchIndex: [],
          review: null,
          erasedAt: new Date(),
          updatedAt: new Date(),
        })
        .where('id', '=', a.id)
        .execute();
      await tx.updateTable('links').set({ applicantId: null }).where('applicantId', '=', a.id).execute();
      await audit.record(tx, { orgId: a.orgId, mode: a.mode, actor: SYSTEM_ACTOR, action: 'applicant.erased', targetType: 'applicant', targetId: a.id });
    });
    return true;
  }

  return {
    eraseOne,

    /** One sweep: due erasures, plus retention (decided applicants older than their flow's retention). */
    async sweep(now = new Date()) {
      await sql`
        UPDATE applicants a SET erase_after = ${now}, delete_requested_at = coalesce(a.delete_requested_at, ${now})
        FROM flow_versions v
        WHERE v.id = a.flow_version_id AND a.erased_at IS NULL AND a.erase_after IS NULL AND a.decided_at IS NOT NULL
          AND (v.definition->'settings'->>'dataRetentionDays')::int > 0
          AND a.decided_at < ${now}::timestamptz - make_interval(days => (v.definition->'settings'->>'dataRetentionDays')::int)`.execute(db);
      const due = await db.selectFrom('applicants').select('id').where('eraseAfter', '<=', now).where('erasedAt', 'is', null).limit(500).execute();
      let erased = 0;
      for (const d of due) if (await eraseOne(d.id)) erased++;
      return erased;
    },
  };
}
