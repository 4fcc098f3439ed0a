import { z } from 'zod';
import { defineJob } from './queue.ts';
import type { TMailService } from '../modules/mail/mail-service.ts';

export const sendMailJob = defineJob({
  name: 'mail.send',
  schema: z.object({ messageId: z.string() }),
  concurrency: 4,
  options: { retryLimit: 8, retryDelay: 30, retryBackoff: true, expireInSeconds: 120 },
  handler: async (data, deps: { mail: TMailService }) => {
    await deps.mail.deliver(data.messageId);
  },
});
