import { z } from 'zod';
import { sql } from 'kysely';
import { defineJob } from './queue.ts';
import type { AppContext } from '../context.ts';

/**
 * Housekeeping every 15 minutes: expired idempotency records, sessions, tokens and throttle windows; finished
 * webhook deliveries (and their attempt log) past the retention period; and, on the embedded database, which
 * has no autovacuum, fresh planner statistics (without them a growing table keeps the plans of an empty one).
 */
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
    await pruneWebhookLog(ctx);
    if (ctx.database.kind === 'pglite') await sql`ANALYZE`.execute(db);
  },
});

/** Deletes finished deliveries older than WEBHOOK_LOG_RETENTION_DAYS (attempts cascade), in batches. */
export async function pruneWebhookLog(ctx: AppContext): Promise<number> {
  const days = ctx.config.webhooks.logRetentionDays;
  let total = 0;
  for (;;) {
    const r = await sql`
      DELETE FROM webhook_deliveries WHERE id IN (
        SELECT id FROM webhook_deliveries
        WHERE status <> 'pending' AND created_at < now() - make_interval(days => ${days})
        LIMIT 5000)`.execute(ctx.db);
    const n = Number(r.numAffectedRows ?? 0);
    total += n;
    if (n < 5000) return total;
  }
}
