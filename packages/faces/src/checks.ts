/** Decisions the server takes on detection results: kept here so every step applies the same rules. */
import type { DetectResult, Face } from './engine.ts';
import { NO_FACE_MESSAGE } from './errors.ts';

export type SelfieFlag = 'no_face' | 'multiple_faces' | 'spoof_suspected' | Face['quality']['issues'][number];

export interface SelfieAssessment {
  /** A usable single face was found and nothing was flagged. */
  passed: boolean;
  flags: SelfieFlag[];
  /** The face the step uses (the largest), or null. */
  face: Face | null;
  faceCount: number;
  /** For the applicant when no face is found. */
  message: string | null;
}

/**
 * Selfie rules from issue 6: no face → the applicant is told and may continue (per flow setting);
 * more than one face → flagged; quality problems and a low anti-spoof score are flagged for review.
 */
export function assessSelfie(result: Pick<DetectResult, 'faces'>): SelfieAssessment {
  const face = result.faces[0] ?? null;
  const flags: SelfieFlag[] = [];
  if (!face) flags.push('no_face');
  if (result.faces.length > 1) flags.push('multiple_faces');
  if (face && !face.antiSpoof.live) flags.push('spoof_suspected');
  if (face) flags.push(...face.quality.issues);
  return { passed: flags.length === 0, flags, face, faceCount: result.faces.length, message: face ? null : NO_FACE_MESSAGE };
}

export interface DocumentFacts {
  /** ISO date (YYYY-MM-DD) or Date. */
  dateOfBirth?: string | Date | null;
  /** As printed on the document: M / F (ICAO 9303), X or anything else is not compared. */
  sex?: string | null;
}

export interface ConsistencyOptions {
  now?: Date;
  /**
   * Allowed |estimated − document| age in years (default max(12, 30 % of the document age)). The
   * age model's typical error is 5–8 years and grows with age, so smaller gaps are noise.
   */
  ageTolerance?: (documentAge: number) => number;
  /** Gender disagreement only counts when the model is at least this sure (default 0.85). */
  minGenderScore?: number;
}

export interface ConsistencyResult {
  warnings: Array<'age_mismatch' | 'gender_mismatch'>;
  age: { estimated: number; document: number; difference: number; tolerance: number } | null;
  gender: { estimated: Face['gender']; score: number; document: 'male' | 'female' } | null;
}

function yearsBetween(dob: Date, now: Date): number {
  let years = now.getUTCFullYear() - dob.getUTCFullYear();
  const beforeBirthday = now.getUTCMonth() < dob.getUTCMonth() || (now.getUTCMonth() === dob.getUTCMonth() && now.getUTCDate() < dob.getUTCDate());
  if (beforeBirthday) years--;
  return years;
}

/** Estimated age and gender vs. the document: a large disagreement is a warning, never a verdict. */
export function checkConsistency(face: Pick<Face, 'age' | 'gender' | 'genderScore'>, doc: DocumentFacts, options: ConsistencyOptions = {}): ConsistencyResult {
  const now = options.now ?? new Date();
  const tolerance = options.ageTolerance ?? ((a: number) => Math.max(12, 0.3 * a));
  const warnings: ConsistencyResult['warnings'] = [];
  let age: ConsistencyResult['age'] = null;
  const dob = doc.dateOfBirth instanceof Date ? doc.dateOfBirth : doc.dateOfBirth ? new Date(doc.dateOfBirth) : null;
  if (dob && !Number.isNaN(dob.getTime()) && dob <= now) {
    const documentAge = yearsBetween(dob, now);
    const difference = Math.round(face.age - documentAge);
    const tol = Math.round(tolerance(documentAge));
    age = { estimated: face.age, document: documentAge, difference, tolerance: tol };
    if (Math.abs(difference) > tol) warnings.push('age_mismatch');
  }
  let gender: ConsistencyResult['gender'] = null;
  const sex = doc.sex?.trim().toUpperCase();
  if (sex === 'M' || sex === 'F') {
    const document = sex === 'M' ? 'male' : 'female';
    gender = { estimated: face.gender, score: face.genderScore, document };
    if (face.gender !== document && face.genderScore >= (options.minGenderScore ?? 0.85)) warnings.push('gender_mismatch');
  }
  return { warnings, age, gender };
}
