import { createHash } from 'node:crypto';
import { states as STATE_NAMES } from 'mrz';
import { addMonths, ageOn, todayIso } from './dates.ts';
import { compareNames, similarity } from './names.ts';

export type DocumentType = 'passport' | 'id_card' | 'residence_permit' | 'visa' | 'driving_licence' | 'travel_document' | 'unknown';

/** Document type from the MRZ document code (ICAO 9303 part 4–6 conventions). */
export function documentTypeFromCode(code: string): DocumentType {
  const c = code.replace(/</g, '');
  if (!c) return 'unknown';
  if (c[0] === 'P') return 'passport';
  if (c[0] === 'V') return 'visa';
  if (c[0] === 'D') return 'driving_licence';
  // Residence permits commonly use IR, AR or RP; other I/A/C codes are identity and crew cards.
  if (/^(IR|AR|RP|CR)/.test(c)) return 'residence_permit';
  if (c[0] === 'I' || c[0] === 'A' || c[0] === 'C') return 'id_card';
  return 'travel_document';
}

/** ICAO codes for states that exist only on specimens (Utopia), accepted in test mode only. */
export const DEFAULT_SPECIMEN_STATES = ['UTO'];

export function isKnownState(code: string): boolean {
  return code in (STATE_NAMES as Record<string, string>);
}

export interface FixedInfo {
  firstName?: string;
  lastName?: string;
  /** Full name when first/last are not split. */
  fullName?: string;
  birthDate?: string; // ISO
  documentNumber?: string;
  nationality?: string; // ISO 3166-1 alpha-3
  issuingState?: string;
  sex?: 'M' | 'F' | 'X';
}

export interface RuleOptions {
  /** Months added to the expiry date before comparing with today: positive tolerates recently expired documents, negative demands remaining validity. */
  expiryAdjustmentMonths?: number;
  minAge?: number;
  maxAge?: number;
  /** Issuing states (ICAO 3-letter codes; `D` for Germany) accepted; empty = all. */
  allowedStates?: string[];
  excludedStates?: string[];
  allowedTypes?: DocumentType[];
  excludedTypes?: DocumentType[];
  /** Accept ICAO specimen states (UTO) and report them as such. */
  testMode?: boolean;
  specimenStates?: string[];
  /** A readable, check-digit-valid MRZ is required. */
  mrzRequired?: boolean;
  fixedInfo?: FixedInfo;
  /** Name similarity (0..1) at which applicant data counts as the same name. */
  nameMatchThreshold?: number;
  now?: Date;
}

export interface RuleResult {
  rule: 'expiry' | 'age' | 'issuing_state' | 'document_type' | 'specimen' | 'mrz_required' | 'fixed_info' | 'unknown_state';
  status: 'pass' | 'fail' | 'not_checked';
  message: string;
  evidence: Record<string, unknown>;
}

export interface RuleSubject {
  documentType: DocumentType;
  issuingState: string | null;
  surname: string | null;
  givenNames: string | null;
  birthDate: string | null;
  expiryDate: string | null;
  documentNumber: string | null;
  nationality: string | null;
  sex: string | null;
  mrzValid: boolean | null;
}

export function evaluateRules(s: RuleSubject, o: RuleOptions): RuleResult[] {
  const now = o.now ?? new Date();
  const today = todayIso(now);
  const out: RuleResult[] = [];
  const specimenStates = o.specimenStates ?? DEFAULT_SPECIMEN_STATES;

  if (!s.expiryDate) out.push({ rule: 'expiry', status: 'not_checked', message: 'no expiry date was read', evidence: {} });
  else {
    const adj = o.expiryAdjustmentMonths ?? 0;
    const effective = addMonths(s.expiryDate, adj);
    const expired = effective < today;
    out.push({ rule: 'expiry', status: expired ? 'fail' : 'pass', message: expired ? 'the document has expired' : 'the document is valid', evidence: { expiryDate: s.expiryDate, adjustmentMonths: adj, effectiveExpiry: effective, today } });
  }

  if (o.minAge !== undefined || o.maxAge !== undefined) {
    if (!s.birthDate) out.push({ rule: 'age', status: 'not_checked', message: 'no birth date was read', evidence: {} });
    else {
      const age = ageOn(s.birthDate, now);
      const ok = (o.minAge === undefined || age >= o.minAge) && (o.maxAge === undefined || age <= o.maxAge);
      out.push({ rule: 'age', status: ok ? 'pass' : 'fail', message: ok ? 'age within the allowed range' : 'age outside the allowed range', evidence: { age, minAge: o.minAge ?? null, maxAge: o.maxAge ?? null } });
    }
  }

  const state = s.issuingState;
  const specimen = state !== null && specimenStates.includes(state);
  if (specimen) {
    out.push({
      rule: 'specimen',
      status: o.testMode ? 'pass' : 'fail',
      message: o.testMode ? 'specimen document accepted in test mode' : 'specimen documents are accepted only in test mode',
      evidence: { issuingState: state, testMode: !!o.testMode },
    });
  } else if (state && !isKnownState(state)) {
    out.push({ rule: 'unknown_state', status: 'fail', message: 'the issuing state code is not an ICAO code', evidence: { issuingState: state } });
  }
  if (o.allowedStates?.length || o.excludedStates?.length) {
    if (!state) out.push({ rule: 'issuing_state', status: 'not_checked', message: 'issuing state unknown', evidence: {} });
    else {
      // Specimens stand for any state in test mode: the specimen rule has already judged them.
      const allowed = (specimen && o.testMode) || ((!o.allowedStates?.length || o.allowedStates.includes(state)) && !o.excludedStates?.includes(state));
      out.push({ rule: 'issuing_state', status: allowed ? 'pass' : 'fail', message: allowed ? 'issuing state accepted' : 'issuing state not accepted', evidence: { issuingState: state } });
    }
  }
  if (o.allowedTypes?.length || o.excludedTypes?.length) {
    const t = s.documentType;
    const allowed = t !== 'unknown' && (!o.allowedTypes?.length || o.allowedTypes.includes(t)) && !o.excludedTypes?.includes(t);
    out.push({ rule: 'document_type', status: t === 'unknown' ? 'not_checked' : allowed ? 'pass' : 'fail', message: t === 'unknown' ? 'document type unknown' : allowed ? 'document type accepted' : 'document type not accepted', evidence: { documentType: t } });
  }
  if (o.mrzRequired) {
    out.push({ rule: 'mrz_required', status: s.mrzValid ? 'pass' : 'fail', message: s.mrzValid ? 'MRZ read and valid' : s.mrzValid === false ? 'the MRZ fails its check digits' : 'no MRZ was found', evidence: { mrzValid: s.mrzValid } });
  }
  if (o.fixedInfo && Object.keys(o.fixedInfo).length) out.push(compareFixedInfo(s, o.fixedInfo, o.nameMatchThreshold ?? 0.85));
  return out;
}

function compareFixedInfo(s: RuleSubject, f: FixedInfo, threshold: number): RuleResult {
  const fields: Record<string, { provided: string; extracted: string | null; match: boolean | null; score?: number }> = {};
  const name = (key: string, provided: string | undefined, extracted: string | null): void => {
    if (!provided) return;
    if (!extracted) {
      fields[key] = { provided, extracted: null, match: null };
      return;
    }
    const c = compareNames(provided, extracted, { threshold });
    fields[key] = { provided, extracted, match: c.match, score: Math.round(c.score * 100) / 100 };
  };
  name('lastName', f.lastName, s.surname);
  name('firstName', f.firstName, s.givenNames);
  if (f.fullName) name('fullName', f.fullName, [s.givenNames, s.surname].filter(Boolean).join(' ') || null);
  const exact = (key: string, provided: string | undefined, extracted: string | null, norm: (x: string) => string = (x) => x.toUpperCase().replace(/[^A-Z0-9-]/g, '')): void => {
    if (!provided) return;
    fields[key] = { provided, extracted, match: extracted === null ? null : norm(provided) === norm(extracted) };
  };
  exact('birthDate', f.birthDate, s.birthDate);
  exact('nationality', f.nationality, s.nationality);
  exact('issuingState', f.issuingState, s.issuingState);
  exact('sex', f.sex, s.sex);
  if (f.documentNumber) {
    const n = (x: string): string => x.toUpperCase().replace(/[^A-Z0-9]/g, '');
    const sim = s.documentNumber ? similarity(n(f.documentNumber), n(s.documentNumber)) : 0;
    fields.documentNumber = { provided: f.documentNumber, extracted: s.documentNumber, match: s.documentNumber ? sim === 1 : null, score: Math.round(sim * 100) / 100 };
  }
  const values = Object.values(fields);
  const failed = values.some((v) => v.match === false);
  const unchecked = values.every((v) => v.match === null);
  return {
    rule: 'fixed_info',
    status: failed ? 'fail' : unchecked ? 'not_checked' : 'pass',
    message: failed ? 'applicant-provided data differs from the document' : unchecked ? 'nothing to compare' : 'applicant-provided data matches the document',
    evidence: { fields },
  };
}

/**
 * Key for finding the same document across applicants: type, issuing state and number, normalised
 * (O→0 style OCR ambiguity folded) and hashed so the server can index it without storing the number.
 */
export function documentKey(type: DocumentType, issuingState: string | null, documentNumber: string | null): { key: string; hash: string } | null {
  if (!documentNumber || !issuingState) return null;
  const num = documentNumber.toUpperCase().replace(/[^A-Z0-9]/g, '').replace(/O/g, '0');
  const family = type === 'id_card' || type === 'residence_permit' ? 'ID' : type === 'passport' ? 'P' : type === 'driving_licence' ? 'DL' : type === 'visa' ? 'V' : 'X';
  const key = `${family}:${issuingState}:${num}`;
  return { key, hash: createHash('sha256').update(key).digest('hex') };
}
