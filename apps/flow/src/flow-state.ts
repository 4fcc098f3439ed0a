import type { FlowSession, FlowStep, StepProgress, StepType, Submission } from './api.ts';
import type { StepType as SdkStepType } from '@tessera/web-sdk/protocol';

/** Steps the applicant sees; face_match and aml run on the server from what earlier steps collected. */
export const UI_STEPS: readonly StepType[] = ['intro', 'document', 'selfie', 'liveness', 'selfie_with_document', 'questionnaire', 'email', 'phone', 'thank_you'];

export function visibleSteps(session: FlowSession): FlowStep[] {
  return session.flow.steps.filter((s) => UI_STEPS.includes(s.type));
}

function maxAttempts(step: FlowStep): number | null {
  const s = step.settings as { maxAttempts?: unknown; attempts?: unknown };
  const n = typeof s.maxAttempts === 'number' ? s.maxAttempts : typeof s.attempts === 'number' ? s.attempts : null;
  return n;
}

/**
 * Does the person still have something to do here? Not yet submitted, or refused with attempts left.
 * Submitted steps being checked ("pending") count as done: the person does not wait for engines.
 */
export function needsWork(step: FlowStep, progress: StepProgress[]): boolean {
  const p = progress.find((x) => x.id === step.id);
  if (!p || p.status === 'not_submitted') return true;
  if (p.status !== 'rejected') return false;
  const max = maxAttempts(step);
  return max === null || p.attemptsUsed < max;
}

/** The refused previous attempt of a step, to explain why it is asked again. */
export function previousAttempt(step: FlowStep, progress: StepProgress[]): Submission | null {
  const p = progress.find((x) => x.id === step.id);
  return p?.status === 'rejected' ? p.current : null;
}

/**
 * Where to resume: the server's nextStepId when it names a step we show, else the first visible step
 * with work left. Null means everything is done (show the thank-you screen).
 */
export function resumeStep(session: FlowSession): FlowStep | null {
  const steps = visibleSteps(session);
  const next = session.nextStepId ? steps.find((s) => s.id === session.nextStepId) : undefined;
  if (next) return next.type === 'thank_you' ? null : next;
  return steps.find((s) => s.type !== 'thank_you' && needsWork(s, session.progress)) ?? null;
}

/** The step after `currentId` with work left, skipping ones finished on another device. */
export function nextAfter(session: FlowSession, currentId: string, progress: StepProgress[]): FlowStep | null {
  const steps = visibleSteps(session);
  const i = steps.findIndex((s) => s.id === currentId);
  return steps.slice(i + 1).find((s) => s.type !== 'thank_you' && needsWork(s, progress)) ?? null;
}

export function markSubmitted(progress: StepProgress[], step: FlowStep): StepProgress[] {
  const prev = progress.find((p) => p.id === step.id);
  return [...progress.filter((p) => p.id !== step.id), { id: step.id, type: step.type, status: 'pending', attemptsUsed: (prev?.attemptsUsed ?? 0) + 1, current: null }];
}

export function thankYouStep(session: FlowSession): FlowStep | null {
  return visibleSteps(session).find((s) => s.type === 'thank_you') ?? null;
}

export function sdkStepType(t: StepType | 'complete'): SdkStepType | undefined {
  if (t === 'thank_you' || t === 'complete') return 'complete';
  return (['intro', 'document', 'selfie', 'liveness', 'selfie_with_document', 'questionnaire', 'email', 'phone'] as const).find((x) => x === t);
}

/**
 * The person finished on another device: the thank-you screen was reached there (or, in a flow
 * without one, nothing is left to do).
 */
export function finishedElsewhere(session: FlowSession): boolean {
  const ty = thankYouStep(session);
  if (!ty) return resumeStep(session) === null;
  return session.progress.find((p) => p.id === ty.id)?.status === 'approved';
}
