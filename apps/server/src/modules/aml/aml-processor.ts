import type { ScreeningQuery } from '@tessera/screening';
import { SYSTEM_ACTOR } from '../audit/audit-service.ts';
import type { Processor } from '../steps/step-types.ts';
import type { TAmlService } from './aml-service.ts';

type AmlSettings = {
  lists: string[] | null;
  threshold: number;
  includeRelatives: boolean;
  includeAliases: boolean;
  monitoring: { enabled: boolean; periodicity: 'daily' | 'weekly' | 'monthly' };
  fieldMapping: { fullName: 'document' | 'fixedInfo'; birthDate: 'document' | 'fixedInfo' | 'none'; country: 'document' | 'fixedInfo' | 'none' };
};

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * The AML step: screens the applicant with the fields the flow maps (the document's data or the
 * customer's fixedInfo). Hits send the step to review with a critical warning per hit; monitoring keeps
 * the subject under watch when the flow asks for it.
 */
export function amlProcessor(aml: TAmlService): Processor {
  return async ({ applicant, submission, step, fixedInfo, info }) => {
    const s = step.settings as AmlSettings;
    const fromDoc = (k: string) => str(info?.[k]);
    const fromFixed = (k: string) => str(fixedInfo?.[k]);
    const name =
      s.fieldMapping.fullName === 'document'
        ? [fromDoc('givenNames'), fromDoc('surname')].filter(Boolean).join(' ')
        : [fromFixed('firstName'), fromFixed('middleName'), fromFixed('lastName')].filter(Boolean).join(' ') || fromFixed('companyName');
    if (!name) {
      return { outcome: 'review', reasons: ['aml_name_missing'], summary: { message: `No ${s.fieldMapping.fullName === 'document' ? 'name read from the document' : 'name in fixedInfo'} to screen.` } };
    }
    const birthDate = s.fieldMapping.birthDate === 'none' ? null : s.fieldMapping.birthDate === 'document' ? fromDoc('birthDate') : fromFixed('dob');
    const country = s.fieldMapping.country === 'none' ? null : s.fieldMapping.country === 'document' ? fromDoc('nationality') : fromFixed('nationality') ?? fromFixed('country');
    const query: ScreeningQuery = {
      name,
      schema: applicant.type === 'company' ? 'organization' : 'person',
      ...(birthDate ? { birthDate } : {}),
      ...(country ? { countries: [country] } : {}),
      ...(s.lists?.length ? { lists: s.lists } : {}),
      threshold: s.threshold,
      includeRelatives: s.includeRelatives,
      includeAliases: s.includeAliases,
    };
    const { scan, result } = await aml.createScan(
      { orgId: applicant.orgId, mode: applicant.mode },
      query,
      { kind: 'applicant', applicantId: applicant.id, submissionId: submission.id, monitoring: s.monitoring.enabled ? s.monitoring : null },
      SYSTEM_ACTOR,
    );
    const hits = result.matches.filter((m) => m.hit);
    const listsLoaded = Object.keys(result.lists).length;
    if (!listsLoaded) {
      return { outcome: 'review', reasons: ['aml_no_lists'], summary: { scanId: scan.id, hits: 0, matches: 0, lists: {}, message: 'No sanctions lists are loaded: import them (tessera lists import) and re-run this step.' } };
    }
    return {
      outcome: hits.length ? 'review' : 'passed',
      reasons: hits.length ? ['aml_hit'] : [],
      summary: { scanId: scan.id, hits: hits.length, matches: result.matches.length, lists: result.lists, monitoring: s.monitoring.enabled },
      warnings: hits.map((h) => ({
        kind: 'aml_hit',
        sourceKey: `${scan.id}:${h.entityId}`,
        severity: 'critical' as const,
        message: `Possible match on ${h.entity.source}: ${h.entity.caption} (${Math.round(h.score)}%)`,
        details: { scanId: scan.id, entityId: h.entityId, score: h.score },
      })),
    };
  };
}
