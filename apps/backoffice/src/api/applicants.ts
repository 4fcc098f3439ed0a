import type { StepType } from './flows.ts';

export const APPLICANT_STATUSES = ['INIT', 'INCOMPLETE', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETED', 'APPROVED', 'DECLINED'] as const;
export type ApplicantStatus = (typeof APPLICANT_STATUSES)[number];
export const STEP_STATUSES = ['not_submitted', 'pending', 'approved', 'rejected'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export type Review = {
  decision?: 'approve' | 'decline';
  decidedBy?: string;
  reason?: string | null;
  reasons?: string[];
  rejectLabels?: string[];
  rejectType?: 'FINAL' | 'RETRY' | null;
  retrySteps?: string[];
  clientComment?: string | null;
  policy?: string;
  evaluatedAt?: string;
  reviewedAt?: string;
};

export type ApplicantSummary = {
  id: string;
  externalUserId: string;
  type: 'individual' | 'company';
  status: ApplicantStatus;
  flowId: string;
  levelId: string | null;
  name: string | null;
  country: string | null;
  tags: string[];
  reviewerId: string | null;
  review: Review | null;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  decidedAt: string | null;
  deletion: { requestedAt: string | null; eraseAfter: string | null } | null;
};

/** A row of GET /v1/applicants: the summary plus where each step of the flow stands. */
export type StepStatusRow = { id: string; type: StepType; status: StepStatus };
export type ApplicantRow = ApplicantSummary & { steps: StepStatusRow[] };

/** One status per method: the worst of that method's steps (a flow can hold two of a kind). */
export function methodStatus(steps: StepStatusRow[], type: StepType): StepStatus | null {
  const of = steps.filter((s) => s.type === type).map((s) => s.status);
  if (!of.length) return null;
  for (const s of ['rejected', 'pending', 'not_submitted'] as const) if (of.includes(s)) return s;
  return 'approved';
}

export type FileRef = { id: string; kind: string; mime: string; width: number | null; height: number | null; capturedAt: string | null; createdAt: string; url: string };

export type Submission = {
  id: string;
  attempt: number;
  status: 'queued' | 'processing' | 'completed';
  outcome: 'passed' | 'failed' | 'review' | 'engine_unavailable' | null;
  reasons: string[];
  summary: Record<string, unknown>;
  source: string;
  active: boolean;
  result: unknown;
  answers: unknown;
  files: FileRef[];
  createdAt: string;
  processedAt: string | null;
  deactivatedAt: string | null;
  deactivatedBy: string | null;
};

export type StepView = { id: string; type: StepType; title: string | null; status: StepStatus; attemptsUsed: number; current: Submission | null; history: Submission[] };

export type DocumentView = {
  id: string;
  submissionId: string;
  documentType: string | null;
  issuingState: string | null;
  valid: boolean | null;
  fields: Record<string, unknown>;
  originalFields: Record<string, unknown>;
  amendedFields: string[];
  /** What the applicant confirmed or corrected at the OCR prefill (null when the flow does not ask). */
  applicantConfirmed: Record<string, string | null> | null;
  checks: Record<string, unknown>;
  active: boolean;
  createdAt: string;
};

export type WarningView = { id: string; kind: string; severity: 'info' | 'warning' | 'critical'; stepId: string | null; message: string; details: Record<string, unknown>; createdAt: string; resolvedAt: string | null; resolvedBy: string | null; resolutionNote: string | null };

export type ApplicantFull = ApplicantSummary & {
  applicationId: string | null;
  flowVersionId: string;
  lang: string | null;
  metadata: Record<string, unknown>;
  startedAt: string | null;
  info: { email: string | null; phone: string | null; fixedInfo: Record<string, unknown> | null; extracted: Record<string, unknown> | null };
  device: { ip: string | null; country: string | null; city: string | null; os: string | null; browser: string | null; browserVersion: string | null; deviceType: string | null; userAgent: string | null } | null;
  sessions: { id: string; status: string; createdAt: string; openedAt: string | null; expiresAt: string; ipCountry: string | null; onDemand: boolean; criticalErrors: number }[];
  steps: StepView[];
  documents: DocumentView[];
  warnings: WarningView[];
  flow: { approvalPolicy: string; steps: { id: string; type: StepType; title: string | null }[] };
  aml: { settings: Record<string, unknown> } | null;
};

export type Comment = { id: string; stepId: string | null; parentId: string | null; authorId: string | null; authorName?: string | null; visibility: 'internal' | 'applicant'; text: string; createdAt: string };
export type TimelineEntry = { id: string; at: string; action: string; actorType: string; actorId: string | null; actorLabel: string | null; ip: string | null; os: string | null; browser: string | null; details: unknown };
export type SessionLink = { id: string; url: string; accessToken: string; expiresAt: string };

/** Lower-case key for status labels and colours ('IN_PROGRESS' → 'in_progress'). */
export const statusKey = (s: string) => s.toLowerCase();
