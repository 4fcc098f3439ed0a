import { createContext, useContext } from 'react';
import type { Api, FlowSession, FlowStep, Submission } from './api.ts';
import type { ResultWatcher } from './prefill.ts';

export type StepContext = {
  api: Api;
  session: FlowSession;
  step: FlowStep;
  /** The refused previous attempt when this step is asked again. */
  previous: Submission | null;
  embedded: boolean;
  /** The step's submission was accepted: move on without waiting for any processing. */
  done: () => void;
  /** An error the person cannot fix inside this step (expired session, attempts used up…). */
  fatal: (e: unknown) => void;
  /** The person went on on another device ("continue on your phone"): wait for it here. */
  away: () => void;
  /** Follows results of submitted steps in the background (OCR prefill). */
  results: ResultWatcher;
};

export const Ctx = createContext<StepContext | null>(null);

export function useStep(): StepContext {
  const c = useContext(Ctx);
  if (!c) throw new Error('useStep outside a step');
  return c;
}
