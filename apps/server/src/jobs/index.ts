import type { z } from 'zod';
import type { JobDefinition } from './queue.ts';
import { sendMailJob } from './send-mail.ts';
import { maintenanceJob } from './maintenance.ts';
import { processStepJob } from './process-step.ts';
import { eraseApplicantsJob } from './erase-applicants.ts';
import { amlMonitorJob, amlRefreshJob, amlRescreenJob } from './aml.ts';

/** Every queue the workers consume. */
export const allJobs = [sendMailJob, maintenanceJob, processStepJob, eraseApplicantsJob, amlMonitorJob, amlRescreenJob, amlRefreshJob] as unknown as JobDefinition<z.ZodType, unknown>[];
