import { z } from 'zod';
import { defineJob } from './queue.ts';
import type { TAmlService } from '../modules/aml/aml-service.ts';
import type { TAmlListsService } from '../modules/aml/aml-lists-service.ts';

/** A list version went live: re-screen monitored subjects against what it added or changed. */
export const amlMonitorJob = defineJob({
  name: 'aml.monitor',
  schema: z.object({ source: z.string(), version: z.number().int() }),
  concurrency: 1,
  options: { retryLimit: 5, retryDelay: 60, retryBackoff: true, expireInSeconds: 3600 },
  handler: async (data, deps: { aml: TAmlService }) => {
    await deps.aml.monitorDelta(data.source, data.version);
  },
});

/** Hourly: the periodic full re-screen of monitored subjects that are due. */
export const amlRescreenJob = defineJob({
  name: 'aml.rescreen',
  schema: z.object({}).passthrough(),
  concurrency: 1,
  options: { retryLimit: 3, expireInSeconds: 3600 },
  handler: async (_d, deps: { aml: TAmlService }) => {
    await deps.aml.rescreenDue();
  },
});

/** Daily: download and import the lists whose refresh is enabled. A failed download keeps the old version. */
export const amlRefreshJob = defineJob({
  name: 'aml.refresh',
  schema: z.object({}).passthrough(),
  concurrency: 1,
  options: { retryLimit: 2, retryDelay: 600, expireInSeconds: 3600 },
  handler: async (_d, deps: { amlLists: TAmlListsService }) => {
    await deps.amlLists.refreshDue();
  },
});
