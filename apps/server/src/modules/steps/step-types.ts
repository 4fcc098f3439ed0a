import type { Applicant, Submission, FileRow, SubmissionOutcome } from '../../db/types.ts';
import type { FlowDefinition, FlowStep } from '../flow/flow-types.ts';

export type WarningInput = {
  kind: string;
  /** Makes raising idempotent: the same kind and key on an applicant is one warning. */
  sourceKey: string;
  severity?: 'info' | 'warning' | 'critical';
  message: string;
  details?: Record<string, unknown>;
};

/** What an engine reports for one submission. Personal data goes in `result` (stored encrypted). */
export type ProcessorResult = {
  outcome: SubmissionOutcome;
  reasons: string[];
  summary: Record<string, unknown>;
  result?: unknown;
  warnings?: WarningInput[];
  document?: {
    documentType: string | null;
    issuingState: string | null;
    fields: Record<string, string | null>;
    checks: Record<string, unknown>;
    valid: boolean;
    /** Equality keys for duplicate detection (blind-indexed by the caller). */
    numberKey: string | null;
    personKey: string | null;
  };
  /** Personal information learnt from this step (merged into the applicant's info). */
  info?: Record<string, unknown>;
  country?: string | null;
  files?: { kind: string; image: Buffer; mime: string; width?: number; height?: number }[];
  /** Face templates found by the step (stored encrypted, searchable for duplicates). */
  faces?: { source: 'document' | 'selfie' | 'liveness' | 'selfie_with_document' | 'held_document'; embedding: number[]; quality?: number }[];
  /** A blacklist hit: the session is frozen. */
  blockSession?: boolean;
};

export type ProcessorInput = {
  applicant: Applicant;
  submission: Submission;
  step: FlowStep;
  definition: FlowDefinition;
  files: FileRow[];
  payload: unknown;
  /** Reads a stored file (decrypted). */
  readFile: (f: FileRow) => Promise<Buffer>;
  /** Active, completed submissions of the applicant's other steps, by step type. */
  sources: Map<string, { submission: Submission; files: FileRow[]; result: unknown }>;
  fixedInfo: Record<string, unknown> | null;
  /** What earlier steps learnt about the applicant (names, birth date… from documents). */
  info: Record<string, unknown> | null;
};

export type Processor = (input: ProcessorInput) => Promise<ProcessorResult>;

export const engineUnavailable = (engine: string): ProcessorResult => ({
  outcome: 'engine_unavailable',
  reasons: ['engine_unavailable'],
  summary: { engine, message: `The ${engine} engine is not available in this installation; a reviewer must check this step.` },
});
