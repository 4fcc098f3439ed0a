import type { Kysely } from 'kysely';
import type { Applicant, DB, Submission } from '../../db/types.ts';
import type { Crypto } from '../../lib/crypto.ts';
import type { TStepService } from '../steps/step-service.ts';
import type { TSessionService } from '../session/session-service.ts';
import { currentFor, stepStatusOf } from '../steps/step-service.ts';

const MASK = '•••';

/** Replaces every string leaf with a mask: the shape stays visible, the personal data does not. */
export function mask(value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return value ? MASK : value;
  if (Array.isArray(value)) return value.map(mask);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mask(v)]));
  return value;
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

export type TApplicantView = ReturnType<typeof applicantViewFactory>;

/** The full applicant as the API returns it; personal data decrypted only for callers allowed to see it. */
export function applicantViewFactory(deps: { db: Kysely<DB>; crypto: Crypto; steps: TStepService; sessions: TSessionService }) {
  const { db, crypto } = deps;

  function summary(a: Applicant, pii: boolean) {
    const fixed = a.fixedInfoEnc ? crypto.decryptJson<Record<string, unknown>>(a.fixedInfoEnc, a.id) : null;
    const info = a.infoEnc ? crypto.decryptJson<Record<string, unknown>>(a.infoEnc, a.id) : null;
    const first = (info?.givenNames as string) ?? (fixed?.firstName as string) ?? null;
    const last = (info?.surname as string) ?? (fixed?.lastName as string) ?? null;
    const name = [first, last].filter(Boolean).join(' ') || null;
    return {
      id: a.id,
      externalUserId: a.externalUserId,
      type: a.type,
      status: a.status,
      flowId: a.flowId,
      levelId: a.levelId,
      name: pii ? name : name ? MASK : null,
      country: a.country,
      tags: a.tags,
      reviewerId: a.reviewerId,
      review: a.review,
      createdAt: a.createdAt.toISOString(),
      updatedAt: a.updatedAt.toISOString(),
      completedAt: iso(a.completedAt),
      decidedAt: iso(a.decidedAt),
      deletion: a.deleteRequestedAt ? { requestedAt: iso(a.deleteRequestedAt), eraseAfter: iso(a.eraseAfter) } : null,
    };
  }

  function submissionView(s: Submission, files: { id: string; kind: string; mime: string; width: number | null; height: number | null; capturedAt: Date | null; createdAt: Date }[], applicantId: string, pii: boolean) {
    const result = s.resultEnc ? crypto.decryptJson(s.resultEnc, applicantId) : null;
    const payload = s.payloadEnc ? crypto.decryptJson(s.payloadEnc, applicantId) : null;
    return {
      id: s.id,
      attempt: s.attemptNo,
      status: s.status,
      outcome: s.outcome,
      reasons: s.reasons,
      summary: s.summary,
      source: s.source,
      active: s.active,
      result: pii ? result : mask(result),
      answers: pii ? payload : mask(payload),
      files: files.map((f) => ({ id: f.id, kind: f.kind, mime: f.mime, width: f.width, height: f.height, capturedAt: iso(f.capturedAt), createdAt: f.createdAt.toISOString(), url: `/v1/applicants/${applicantId}/files/${f.id}` })),
      createdAt: s.createdAt.toISOString(),
      processedAt: iso(s.processedAt),
      deactivatedAt: iso(s.deactivatedAt),
      deactivatedBy: s.deactivatedBy,
    };
  }

  return {
    summary,

    /** Per-step status of many applicants in two queries (for list rows). */
    async stepStatuses(applicants: Applicant[]) {
      const out = new Map<string, { id: string; type: string; status: ReturnType<typeof stepStatusOf> }[]>();
      if (!applicants.length) return out;
      const subs = await db.selectFrom('stepSubmissions').selectAll().where('applicantId', 'in', applicants.map((a) => a.id)).where('active', '=', true).orderBy('createdAt').execute();
      for (const a of applicants) {
        const { definition } = await deps.steps.definitionFor(db, a.flowVersionId).then((d) => ({ definition: d }));
        const mine = subs.filter((s) => s.applicantId === a.id);
        out.set(a.id, definition.steps.filter((s) => s.type !== 'intro' && s.type !== 'thank_you').map((s) => ({ id: s.id, type: s.type, status: stepStatusOf(currentFor(s, mine)) })));
      }
      return out;
    },

    async full(a: Applicant, pii: boolean) {
      // Independent reads: on PostgreSQL they run on separate connections at once.
      const [{ definition, steps, submissions: subs }, files, docs, warnings, sessions] = await Promise.all([
        deps.steps.stepViews(db, a),
        db.selectFrom('files').select(['id', 'kind', 'mime', 'width', 'height', 'capturedAt', 'createdAt', 'submissionId']).where('applicantId', '=', a.id).where('erasedAt', 'is', null).execute(),
        db.selectFrom('documents').selectAll().where('applicantId', '=', a.id).orderBy('createdAt').execute(),
        db.selectFrom('warnings').selectAll().where('applicantId', '=', a.id).orderBy('createdAt').execute(),
        db.selectFrom('applicantSessions').selectAll().where('applicantId', '=', a.id).orderBy('createdAt', 'desc').execute(),
      ]);
      const filesOf = (id: string) => files.filter((f) => f.submissionId === id);
      const opened = sessions.find((s) => s.openedAt);
      const device = opened ? deps.sessions.device(opened) : null;
      const fixedInfo = a.fixedInfoEnc ? crypto.decryptJson(a.fixedInfoEnc, a.id) : null;
      const extracted = a.infoEnc ? crypto.decryptJson(a.infoEnc, a.id) : null;
      const email = a.emailEnc ? crypto.decrypt(a.emailEnc, a.id) : null;
      const phone = a.phoneEnc ? crypto.decrypt(a.phoneEnc, a.id) : null;
      const p = <T>(v: T) => (pii ? v : (mask(v) as T));
      return {
        ...summary(a, pii),
        applicationId: a.applicationId,
        flowVersionId: a.flowVersionId,
        lang: a.lang,
        metadata: a.metadata,
        startedAt: iso(a.startedAt),
        info: { email: p(email), phone: p(phone), fixedInfo: p(fixedInfo), extracted: p(extracted) },
        device: device
          ? { ip: p(device.ip), country: device.country, city: p(device.city), os: device.os, browser: device.browser, browserVersion: device.browserVersion, deviceType: device.deviceType, userAgent: p(device.userAgent) }
          : null,
        sessions: sessions.map((s) => ({ id: s.id, status: s.status, createdAt: s.createdAt.toISOString(), openedAt: iso(s.openedAt), expiresAt: s.expiresAt.toISOString(), ipCountry: s.ipCountry, onDemand: !!s.flowVersionId, criticalErrors: s.criticalErrors })),
        steps: steps.map((v) => ({
          id: v.step.id,
          type: v.step.type,
          title: v.step.title ?? null,
          status: v.status,
          attemptsUsed: v.attemptsUsed,
          current: v.current ? submissionView(v.current, filesOf(v.current.id), a.id, pii) : null,
          history: subs.filter((s) => s.stepId === v.step.id && !s.active).map((s) => submissionView(s, filesOf(s.id), a.id, pii)),
        })),
        documents: docs.map((d) => {
          const fields = d.fieldsEnc ? crypto.decryptJson<Record<string, unknown>>(d.fieldsEnc, a.id) : {};
          const amended = d.amendedEnc ? crypto.decryptJson<Record<string, unknown>>(d.amendedEnc, a.id) : {};
          const confirmed = d.confirmedEnc ? crypto.decryptJson<Record<string, unknown>>(d.confirmedEnc, a.id) : null;
          return {
            id: d.id,
            submissionId: d.submissionId,
            documentType: d.documentType,
            issuingState: d.issuingState,
            valid: d.valid,
            fields: p({ ...fields, ...amended }),
            originalFields: p(fields),
            amendedFields: Object.keys(amended),
            applicantConfirmed: confirmed ? p(confirmed) : null,
            checks: d.checks,
            active: subs.find((s) => s.id === d.submissionId)?.active ?? false,
            createdAt: d.createdAt.toISOString(),
          };
        }),
        warnings: warnings.map((w) => ({ id: w.id, kind: w.kind, severity: w.severity, stepId: w.stepId, message: w.message, details: w.details, createdAt: w.createdAt.toISOString(), resolvedAt: iso(w.resolvedAt), resolvedBy: w.resolvedBy, resolutionNote: w.resolutionNote })),
        flow: { approvalPolicy: definition.settings.approvalPolicy, steps: definition.steps.map((s) => ({ id: s.id, type: s.type, title: s.title ?? null })) },
        aml: (() => {
          const step = definition.steps.find((s) => s.type === 'aml');
          return step ? { settings: step.settings } : null;
        })(),
      };
    },

    stepStatusOf,
  };
}
