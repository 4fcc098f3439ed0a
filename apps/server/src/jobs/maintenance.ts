import { z } from 'zod';
import { sql } from 'kysely';
import { defineJob } from './queue.ts';
import type { AppContext } from '../context.ts';

/** Housekeeping every 15 minutes: expired idempotency records, sessions, tokens and throttle windows. */
export const maintenanceJob = defineJob({
  name: 'maintenance.cleanup',
  schema: z.object({}).passthrough(),
  concurrency: 1,
  options: { retryLimit: 2, expireInSeconds: 600 },
  handler: async (_data, ctx: AppContext) => {
    const db = ctx.db;
    await sql`DELETE FROM idempotency_keys WHERE created_at < now() - interval '48 hours'`.execute(db);
    await sql`DELETE FROM user_sessions WHERE expires_at < now() - interval '7 days' OR revoked_at < now() - interval '7 days'`.execute(db);
    await sql`DELETE FROM one_time_tokens WHERE expires_at < now() - interval '7 days'`.execute(db);
    await sql`DELETE FROM auth_throttle WHERE window_start < now() - interval '1 day'`.execute(db);
    await sql`UPDATE invites SET status = 'expired' WHERE status = 'pending' AND expires_at < now()`.execute(db);
  },
});
