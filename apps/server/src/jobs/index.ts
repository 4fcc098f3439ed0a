import type { z } from 'zod';
import type { JobDefinition } from './queue.ts';
import { sendMailJob } from './send-mail.ts';
import { maintenanceJob } from './maintenance.ts';

/** Every queue the workers consume. */
export const allJobs = [sendMailJob, maintenanceJob] as unknown as JobDefinition<z.ZodType, unknown>[];
