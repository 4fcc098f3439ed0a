import { z } from 'zod';
import { defineJob } from './queue.ts';
import type { TErasureService } from '../modules/applicant/erasure-service.ts';

/** Hourly: erase applicants whose grace period or retention ended. Re-running is safe. */
export const eraseApplicantsJob = defineJob({
  name: 'applicants.erase',
  schema: z.object({}).passthrough(),
  concurrency: 1,
  options: { retryLimit: 3, expireInSeconds: 1800 },
  handler: async (_data, deps: { erasure: TErasureService }) => {
    await deps.erasure.sweep();
  },
});
