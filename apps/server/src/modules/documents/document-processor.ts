import type { Kysely } from 'kysely';
import type { DocumentResult, DocumentType, FixedInfo as DocFixedInfo } from '@tessera/documents';
import type { DB } from '../../db/types.ts';
import type { Crypto } from '../../lib/crypto.ts';
import type { Processor, ProcessorResult, WarningInput } from '../steps/step-types.ts';
import { getFaceEngine } from '../biometrics/face-engine.ts';
import { getDocumentEngine } from './document-engine.ts';
import { icaoToAlpha2 } from './countries.ts';

type DocumentSettings = {
  countries: { allowed: string[] | null; excluded: string[] };
  documentTypes: { type: DocumentType; back: 'required' | 'optional' | 'none' }[];
  minAge: number;
  ageRange: { min: number; max: number } | null;
  expiryAdjustmentMonths: number;
  qualityChecks: { focus: boolean; glare: boolean; colour: boolean };
  minIndentPercent: number;
  mrzRequired: boolean;
  blockDifferentDocuments: boolean;
  blockSamePersonDifferentData: boolean;
  prefill: { enabled: boolean; mapping: Record<string, string> };
};

// Rules whose failure the applicant cannot fix by retaking the photo, but a reviewer must see.
const RULE_WARNING: Record<string, { kind: string; severity: 'warning' | 'critical'; message: string }> = {
  expiry: { kind: 'expired_document', severity: 'critical', message: 'The document has expired.' },
  age: { kind: 'age', severity: 'critical', message: 'The applicant is outside the allowed age.' },
  issuing_state: { kind: 'country', severity: 'critical', message: 'Documents of this issuing state are not accepted.' },
  document_type: { kind: 'document_type', severity: 'warning', message: 'This document type is not accepted.' },
  specimen: { kind: 'specimen_document', severity: 'critical', message: 'A specimen document was submitted in live mode.' },
  fixed_info: { kind: 'fixed_info_mismatch', severity: 'warning', message: 'The document does not match the data the company provided.' },
  unknown_state: { kind: 'country', severity: 'warning', message: 'The issuing state is not known.' },
  mrz_required: { kind: 'document_unreadable', severity: 'warning', message: 'A readable machine-readable zone is required.' },
};

const personKey = (f: { surname: string | null; givenNames: string | null; birthDate: string | null }) =>
  f.surname && f.birthDate ? `${(f.surname + ' ' + (f.givenNames ?? '')).normalize('NFKD').replace(/\p{M}/gu, '').toUpperCase().replace(/[^A-Z ]/g, '').trim()}|${f.birthDate}` : null;

/**
 * The document step: the document engine reads the pages (MRZ, visual zone, barcode, quality, forensic
 * signals, rules), then the server adds what needs other applicants — the same document used elsewhere,
 * the same person with another document of the same type — and crops the portrait for face matching.
 */
export function documentProcessor(deps: { db: Kysely<DB>; crypto: Crypto }): Processor {
  return async (input) => {
    const s = input.step.settings as DocumentSettings;
    const declared = (input.payload as { documentType?: DocumentType } | null)?.documentType ?? null;
    const front = input.files.find((f) => f.kind === 'document_front');
    const back = input.files.find((f) => f.kind === 'document_back');
    if (!front) return { outcome: 'failed', reasons: ['no_image'], summary: {} };
    const fixed = (input.fixedInfo ?? {}) as Record<string, string | undefined>;
    const fixedInfo: DocFixedInfo | undefined =
      fixed.firstName || fixed.lastName || fixed.dob ? { firstName: fixed.firstName, lastName: fixed.lastName, birthDate: fixed.dob, sex: fixed.gender as DocFixedInfo['sex'] } : undefined;
    const engine = await getDocumentEngine();
    const r: DocumentResult = await engine.analyzeDocument(
      { front: await input.readFile(front), back: back ? await input.readFile(back) : undefined },
      {
        expiryAdjustmentMonths: s.expiryAdjustmentMonths,
        minAge: s.ageRange?.min ?? s.minAge,
        maxAge: s.ageRange?.max,
        allowedStates: s.countries.allowed ?? undefined,
        excludedStates: s.countries.excluded,
        allowedTypes: s.documentTypes.map((d) => d.type),
        testMode: input.applicant.mode === 'test',
        mrzRequired: s.mrzRequired,
        fixedInfo,
        quality: {
          minIndentPct: s.minIndentPercent,
          requireColour: s.qualityChecks.colour,
          ...(s.qualityChecks.focus ? {} : { minSharpness: 0 }),
          ...(s.qualityChecks.glare ? {} : { maxGlarePct: 100 }),
        },
        ...(s.prefill.enabled && Object.keys(s.prefill.mapping).length ? { fieldMapping: s.prefill.mapping as never } : {}),
      },
    );

    const reasons: string[] = [];
    const warnings: WarningInput[] = [];
    let retake = false;
    let review = r.review.needed;

    for (const side of ['front', 'back'] as const) {
      const q = r.quality[side];
      if (!q) continue;
      for (const [name, c] of Object.entries(q)) {
        if (name === 'pass' || typeof c !== 'object' || c.status !== 'fail') continue;
        reasons.push(`quality:${name}`);
        retake = true;
      }
    }
    const failed = r.rules.filter((x) => x.status === 'fail');
    for (const rule of failed) {
      reasons.push(`rule:${rule.rule}`);
      const w = RULE_WARNING[rule.rule];
      if (w) warnings.push({ kind: w.kind, sourceKey: input.submission.id, severity: w.severity, message: `${w.message} ${rule.message}`.trim(), details: rule.evidence });
    }
    for (const sig of r.signals) {
      reasons.push(`signal:${sig.code}`);
      if (sig.severity === 'high' || sig.severity === 'medium') {
        review = true;
        warnings.push({ kind: sig.code === 'visual_mrz_mismatch' ? 'document_mismatch' : sig.code === 'front_back_mismatch' ? 'different_documents' : 'document_tampering', sourceKey: `${input.submission.id}:${sig.code}:${sig.side}`, severity: sig.severity === 'high' ? 'critical' : 'warning', message: sig.message, details: sig.evidence });
      }
    }
    if (declared && r.documentType !== 'unknown' && declared !== r.documentType) {
      reasons.push('declared_type_mismatch');
      review = true;
      warnings.push({ kind: 'document_type', sourceKey: input.submission.id, severity: 'warning', message: `The applicant chose ${declared}, the document reads as ${r.documentType}.`, details: { declared, detected: r.documentType } });
    }
    const unreadable = !r.mrz && !r.barcode && !r.fields.documentNumber;
    if (unreadable) reasons.push('unreadable');

    // Across applicants: the same document number under another applicant, and the same person
    // presenting another document of the same type.
    const numberKey = r.documentKey?.key ?? null;
    const pKey = personKey(r.fields);
    if (numberKey) {
      const others = await deps.db
        .selectFrom('documents')
        .select(['applicantId'])
        .where('orgId', '=', input.applicant.orgId)
        .where('mode', '=', input.applicant.mode)
        .where('numberIndex', '=', deps.crypto.blindIndex(`docnum:${numberKey}`))
        .where('applicantId', '!=', input.applicant.id)
        .execute();
      for (const o of new Set(others.map((x) => x.applicantId))) {
        warnings.push({ kind: 'duplicate_document', sourceKey: o, severity: 'critical', message: `The same document was submitted by applicant ${o}.`, details: { otherApplicantId: o } });
        reasons.push('duplicate_document');
        review = true;
      }
    }
    let samePersonDifferentData = false;
    if (pKey && numberKey) {
      const same = await deps.db
        .selectFrom('documents')
        .select(['applicantId', 'numberIndex'])
        .where('orgId', '=', input.applicant.orgId)
        .where('mode', '=', input.applicant.mode)
        .where('personIndex', '=', deps.crypto.blindIndex(`person:${pKey}`))
        .where('documentType', '=', r.documentType)
        .where('numberIndex', '!=', deps.crypto.blindIndex(`docnum:${numberKey}`))
        .execute();
      if (same.length) {
        samePersonDifferentData = true;
        reasons.push('same_person_different_data');
        warnings.push({ kind: 'same_person_different_data', sourceKey: input.submission.id, severity: 'critical', message: 'The same person submitted another document of this type with different data.', details: { otherApplicantIds: [...new Set(same.map((x) => x.applicantId))] } });
      }
    }

    // The portrait: cropped by the document engine, its face template kept for face matching.
    const faces: NonNullable<ProcessorResult['faces']> = [];
    const files: NonNullable<ProcessorResult['files']> = [];
    if (r.portrait) {
      files.push({ kind: 'portrait', image: r.portrait, mime: 'image/jpeg' });
      try {
        const det = await (await getFaceEngine()).detect(r.portrait, { embeddings: true });
        if (det.faces[0]?.embedding) faces.push({ source: 'document', embedding: Array.from(det.faces[0].embedding), quality: det.faces[0].quality.score });
      } catch {
        reasons.push('portrait_unreadable');
      }
    }

    const blockFrontBack = s.blockDifferentDocuments && r.signals.some((x) => x.code === 'front_back_mismatch');
    const blocked = blockFrontBack || (s.blockSamePersonDifferentData && samePersonDifferentData);
    const ruleFailed = failed.some((x) => x.rule !== 'fixed_info' && x.rule !== 'unknown_state');
    const outcome: ProcessorResult['outcome'] =
      retake || blocked || ruleFailed || (unreadable && s.mrzRequired) ? 'failed' : review || unreadable || warnings.some((w) => w.severity !== 'info') ? 'review' : 'passed';

    const e = r.extracted;
    return {
      outcome,
      reasons: [...new Set(reasons)],
      summary: {
        documentType: r.documentType,
        issuingState: r.issuingState,
        mrz: r.mrz ? { format: r.mrz.format, valid: r.mrz.valid } : null,
        quality: r.quality,
        rules: r.rules.map((x) => ({ rule: x.rule, status: x.status })),
        signals: r.signals.map((x) => ({ code: x.code, severity: x.severity, side: x.side })),
        crossChecks: Object.fromEntries(Object.entries(r.crossChecks).map(([k, v]) => [k, { status: v!.status, confidence: v!.confidence }])),
        ...(s.prefill.enabled ? { prefill: true } : {}),
        message: retake ? 'Take the photo again: the whole document, sharp, without glare.' : null,
        timings: r.timings,
      },
      result: { mrz: r.mrz, fields: r.fields, crossChecks: r.crossChecks, rules: r.rules, signals: r.signals, extracted: e, barcode: r.barcode },
      warnings,
      document: {
        documentType: r.documentType,
        issuingState: r.issuingState,
        fields: { ...r.fields, fullName: e.fullName, issuingState: r.issuingState, address: e.address ? Object.values(e.address).filter(Boolean).join(', ') : null },
        checks: { mrz: r.mrz ? { format: r.mrz.format, valid: r.mrz.valid, checks: r.mrz.checks } : null, crossChecks: r.crossChecks, quality: r.quality, signals: r.signals, rules: r.rules },
        valid: outcome === 'passed',
        numberKey,
        personKey: pKey,
      },
      info: {
        surname: r.fields.surname,
        givenNames: r.fields.givenNames,
        birthDate: r.fields.birthDate,
        sex: r.fields.sex,
        nationality: r.fields.nationality,
        documentNumber: r.fields.documentNumber,
        documentType: r.documentType,
        issuingState: r.issuingState,
        expiryDate: r.fields.expiryDate,
        address: e.address ? Object.values(e.address).filter(Boolean).join(', ') : null,
        ...(s.prefill.enabled ? { prefill: e.prefill } : {}),
      },
      country: icaoToAlpha2(r.fields.nationality ?? r.issuingState),
      files,
      faces,
    };
  };
}
