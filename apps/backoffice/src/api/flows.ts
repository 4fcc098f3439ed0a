import type { Mode } from './client.ts';

export type StepType = 'intro' | 'document' | 'selfie' | 'selfie_with_document' | 'liveness' | 'face_match' | 'aml' | 'questionnaire' | 'email' | 'phone' | 'thank_you';
export const STEP_TYPES: StepType[] = ['intro', 'document', 'selfie', 'selfie_with_document', 'liveness', 'face_match', 'aml', 'questionnaire', 'email', 'phone', 'thank_you'];

export type FlowStep = { id: string; type: StepType; title?: string; settings: Record<string, unknown> };
export type FlowStyle = { primaryColor: string; backgroundColor: string; textColor: string; buttonTextColor: string; fontFamily: string; buttonRadius: number; logoUrl: string | null };
export type FlowSettings = {
  countries: { allowed: string[] | null; excluded: string[] };
  approvalPolicy: 'manual' | 'auto_all' | 'auto_if_passed';
  maxCriticalErrors: number;
  sessionLifetimeMinutes: number;
  dataRetentionDays: number;
  redirectUrl: string | null;
  language: string;
  style: FlowStyle;
};
export type Definition = { steps: FlowStep[]; settings: FlowSettings };

export type Flow = {
  id: string;
  name: string;
  kind: 'regular' | 'on_demand';
  mode: Mode;
  status: 'active' | 'archived';
  draft: Definition;
  draftProblems: string[];
  published: Definition | null;
  version: number | null;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
};

export type CatalogueEntry = { type: StepType; kind: 'content' | 'applicant' | 'derived'; defaults: Record<string, unknown>; schema: JsonSchema };

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: (string | number)[];
  anyOf?: JsonSchema[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  description?: string;
  format?: string;
};

/** A step id the server accepts (lowercase, starts with a letter, unique in the flow). */
export function newStepId(type: StepType, taken: Set<string>): string {
  const base = type.replace(/[^a-z0-9_-]/g, '').slice(0, 32) || 'step';
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}_${i}`)) return `${base}_${i}`;
}
