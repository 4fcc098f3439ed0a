import { sql, type Kysely } from 'kysely';
import type { DB, Mode } from '../../db/types.ts';

export type Scope = { orgId: string; mode: Mode };

const SERVICES: Record<string, string[]> = {
  document: ['document'],
  selfie: ['selfie', 'selfie_with_document'],
  liveness: ['liveness'],
  face_match: ['face_match'],
  aml: ['aml'],
  questionnaire: ['questionnaire'],
  otp: ['email', 'phone'],
};
const FUNNEL = ['intro', 'document', 'selfie', 'liveness', 'selfie_with_document', 'questionnaire', 'email', 'phone'];

export type TStatsService = ReturnType<typeof statsServiceFactory>;

/** The dashboard's figures for applicants created in [from, to). */
export function statsServiceFactory({ db }: { db: Kysely<DB> }) {
  return {
    async dashboard(scope: Scope, from: Date, to: Date) {
      const base = sql`org_id = ${scope.orgId} AND mode = ${scope.mode} AND erased_at IS NULL AND created_at >= ${from} AND created_at < ${to}`;
      const q = async <T>(s: ReturnType<typeof sql>) => (await s.execute(db)).rows as T[];

      const [totals] = await q<{ applicants: number; inReview: number; completed: number; approved: number; rejected: number }>(sql`
        SELECT count(*)::int AS applicants,
               count(*) FILTER (WHERE status IN ('COMPLETED', 'ON_HOLD'))::int AS "inReview",
               count(*) FILTER (WHERE completed_at IS NOT NULL)::int AS completed,
               count(*) FILTER (WHERE status = 'APPROVED')::int AS approved,
               count(*) FILTER (WHERE status = 'DECLINED')::int AS rejected
        FROM applicants WHERE ${base}`);
      const daily = await q<{ date: string; applicants: number; approved: number; rejected: number }>(sql`
        SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS date, count(*)::int AS applicants,
               count(*) FILTER (WHERE status = 'APPROVED')::int AS approved, count(*) FILTER (WHERE status = 'DECLINED')::int AS rejected
        FROM applicants WHERE ${base} GROUP BY 1 ORDER BY 1`);
      const statusBreakdown = await q<{ status: string; count: number }>(sql`SELECT status, count(*)::int AS count FROM applicants WHERE ${base} GROUP BY 1 ORDER BY 2 DESC`);
      const countries = await q<{ country: string; count: number }>(sql`SELECT country, count(*)::int AS count FROM applicants WHERE ${base} AND country IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 30`);
      const [warnings] = await q<{ resolved: number; unresolved: number }>(sql`
        SELECT count(*) FILTER (WHERE resolved_at IS NOT NULL)::int AS resolved, count(*) FILTER (WHERE resolved_at IS NULL)::int AS unresolved
        FROM warnings WHERE org_id = ${scope.orgId} AND mode = ${scope.mode} AND created_at >= ${from} AND created_at < ${to}`);
      const subs = await q<{ stepType: string; outcome: string | null; n: number }>(sql`
        SELECT s.step_type AS "stepType", s.outcome, count(*)::int AS n FROM step_submissions s
        JOIN applicants a ON a.id = s.applicant_id
        WHERE a.org_id = ${scope.orgId} AND a.mode = ${scope.mode} AND a.erased_at IS NULL AND a.created_at >= ${from} AND a.created_at < ${to}
          AND s.status = 'completed'
        GROUP BY 1, 2`);
      const reached = await q<{ stepType: string; n: number }>(sql`
        SELECT s.step_type AS "stepType", count(DISTINCT s.applicant_id)::int AS n FROM step_submissions s
        JOIN applicants a ON a.id = s.applicant_id
        WHERE a.org_id = ${scope.orgId} AND a.mode = ${scope.mode} AND a.erased_at IS NULL AND a.created_at >= ${from} AND a.created_at < ${to}
        GROUP BY 1`);
      const [median] = await q<{ seconds: number | null }>(sql`
        SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM decided_at - coalesce(started_at, created_at)))::float AS seconds
        FROM applicants WHERE ${base} AND decided_at IS NOT NULL`);

      const count = (types: string[], outcome: string) => subs.filter((s) => types.includes(s.stepType) && s.outcome === outcome).reduce((a, s) => a + s.n, 0);
      const failing = new Map<string, number>();
      // Not passed = refused or sent to a reviewer, as in the per-service success rates.
      for (const s of subs) if (s.outcome === 'failed' || s.outcome === 'review') failing.set(s.stepType, (failing.get(s.stepType) ?? 0) + s.n);
      return {
        totals,
        daily,
        statusBreakdown,
        warnings: warnings ?? { resolved: 0, unresolved: 0 },
        countries,
        verifications: { successful: totals.approved, failed: totals.rejected },
        failingSteps: [...failing].map(([stepType, c]) => ({ stepType, count: c })).sort((a, b) => b.count - a.count),
        serviceSuccess: Object.entries(SERVICES).map(([service, types]) => ({ service, passed: count(types, 'passed'), failed: count(types, 'failed') + count(types, 'review'), notRun: count(types, 'engine_unavailable') })),
        medianProcessingSeconds: median?.seconds ?? null,
        funnel: [
          { step: 'created', reached: totals.applicants },
          ...FUNNEL.filter((t) => reached.some((r) => r.stepType === t)).map((t) => ({ step: t, reached: reached.find((r) => r.stepType === t)!.n })),
          { step: 'completed', reached: totals.completed },
          { step: 'approved', reached: totals.approved },
        ],
      };
    },
  };
}
