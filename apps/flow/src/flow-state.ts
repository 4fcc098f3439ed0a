import type { FlowSession, FlowStep, StepProgress, StepType } from './api.ts';
import type { StepType as SdkStepType } from '@tessera/web-sdk/protocol';

/** Steps the applicant sees; face_match and aml run on the server from what earlier steps collected. */
export const UI_STEPS: readonly StepType[] = ['intro', 'document', 'selfie', 'liveness', 'selfie_with_document', 'questionnaire', 'email', 'phone', 'thank_you'];

const DONE = new Set(['submitted', 'processing', 'passed', 'completed', 'skipped']);

export function visibleSteps(session: FlowSession): FlowStep[] {
  return session.flow.steps.filter((s) => UI_STEPS.includes(s.type));
}

export function isDone(progress: StepProgress[], stepId: string): boolean {
  const p = progress.find((x) => x.id === stepId);
  return p ? DONE.has(p.status) : false;
}

/**
 * Where to resume: the server's nextStepId when it names a step we show, else the first visible step not
 * yet done. Null means everything is done (show the thank-you screen).
 */
export function resumeStep(session: FlowSession): FlowStep | null {
  const steps = visibleSteps(session);
  const next = session.nextStepId ? steps.find((s) => s.id === session.nextStepId) : undefined;
  if (next) return next;
  return steps.find((s) => !isDone(session.progress, s.id) && s.type !== 'thank_you') ?? null;
}

/** The step after `current` that is not done yet, skipping ones finished on another device. */
export function nextAfter(session: FlowSession, currentId: string, progress: StepProgress[]): FlowStep | null {
  const steps = visibleSteps(session);
  const i = steps.findIndex((s) => s.id === currentId);
  return steps.slice(i + 1).find((s) => !isDone(progress, s.id) || s.type === 'thank_you') ?? null;
}

export function markDone(progress: StepProgress[], step: FlowStep): StepProgress[] {
  const rest = progress.filter((p) => p.id !== step.id);
  return [...rest, { id: step.id, type: step.type, status: 'submitted', attemptsLeft: null }];
}

export function sdkStepType(t: StepType | 'complete'): SdkStepType | undefined {
  if (t === 'thank_you' || t === 'complete') return 'complete';
  return (['intro', 'document', 'selfie', 'liveness', 'selfie_with_document', 'questionnaire', 'email', 'phone'] as const).find((x) => x === t);
}
