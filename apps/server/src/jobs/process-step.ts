import { z } from 'zod';
import { defineJob } from './queue.ts';
import type { TStepService } from '../modules/steps/step-service.ts';

/** Runs the engine of one step submission. Idempotent: a finished submission is skipped. */
export const processStepJob = defineJob({
  name: 'step.process',
  schema: z.object({ submissionId: z.string() }),
  concurrency: 2,
  options: { retryLimit: 5, retryDelay: 5, retryBackoff: true, expireInSeconds: 300 },
  handler: async (data, deps: { steps: TStepService }) => {
    await deps.steps.process(data.submissionId);
  },
});
