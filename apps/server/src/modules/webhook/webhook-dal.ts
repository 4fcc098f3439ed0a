import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, DeliveryStatus, Mode, WebhookDelivery } from '../../db/types.ts';

export type Scope = { orgId: string; mode: Mode };
type Executor = Kysely<DB> | Transaction<DB>;

export type AttemptRecord = {
  attemptedAt: Date;
  webhookTimestamp: number;
  url: string;
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
  success: boolean;
};

/** SQL for webhooks. Management queries are scoped by organisation and mode; the delivery queue is global. */
export function webhookDal(db: Kysely<DB>) {
  return {
    endpoints: (ex: Executor, scope: Scope) => ex.selectFrom('webhookEndpoints').where('orgId', '=', scope.orgId).where('mode', '=', scope.mode),

    deliveries: (ex: Executor, scope: Scope) => ex.selectFrom('webhookDeliveries').where('orgId', '=', scope.orgId).where('mode', '=', scope.mode),

    /**
     * Claims up to `limit` due deliveries for one worker. SKIP LOCKED lets workers claim side by side without
     * waiting on each other; moving next_attempt_at forward by the lease hides the rows from other workers
     * until then, and brings them back by themselves if this worker dies before recording a result. The
     * attempt is counted here, so a delivery that keeps killing its worker still runs out of attempts.
     * `skipEndpoints` are endpoints this worker already has enough requests in flight to.
     */
    async claimDue(limit: number, token: string, leaseMs: number, skipEndpoints: string[]): Promise<WebhookDelivery[]> {
      const r = await sql<WebhookDelivery>`
        WITH due AS (
          SELECT id FROM webhook_deliveries
          WHERE status = 'pending' AND next_attempt_at <= now() AND endpoint_id <> ALL(${skipEndpoints}::text[])
          ORDER BY next_attempt_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE webhook_deliveries d
        SET attempts = d.attempts + 1, lease_token = ${token}, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
        FROM due WHERE d.id = due.id
        RETURNING d.*`.execute(db);
      return r.rows;
    },

    /** Gives claimed deliveries back without an attempt (the worker chose not to send them now). */
    async release(ids: string[], token: string, delayMs: number) {
      if (!ids.length) return;
      await sql`
        UPDATE webhook_deliveries
        SET attempts = attempts - 1, lease_token = NULL, next_attempt_at = now() + make_interval(secs => ${delayMs / 1000})
        WHERE id = ANY(${ids}) AND lease_token = ${token}`.execute(db);
    },

    /**
     * Records an attempt and the delivery's new state in one statement, only while this worker still holds
     * the lease: if the lease ran out and another worker took over, that worker's result is the one kept.
     */
    async recordAttempt(
      id: string,
      token: string,
      next: { status: DeliveryStatus; nextAttemptAt: Date | null; lastError: string | null },
      a: AttemptRecord,
    ): Promise<boolean> {
      const r = await sql<{ attemptNo: number }>`
        WITH d AS (
          UPDATE webhook_deliveries
          SET status = ${next.status},
              next_attempt_at = COALESCE(${next.nextAttemptAt}::timestamptz, now()),
              lease_token = NULL,
              last_status_code = ${a.statusCode}::integer,
              last_error = ${next.lastError}::text,
              last_attempt_at = ${a.attemptedAt}::timestamptz,
              delivered_at = CASE WHEN ${a.success}::boolean THEN ${a.attemptedAt}::timestamptz ELSE delivered_at END
          WHERE id = ${id} AND lease_token = ${token}
          RETURNING id, attempts
        )
        INSERT INTO webhook_attempts
          (delivery_id, attempt_no, attempted_at, webhook_timestamp, url, status_code, latency_ms, response_snippet, error, success, next_attempt_at)
        SELECT id, attempts, ${a.attemptedAt}::timestamptz, ${a.webhookTimestamp}::bigint, ${a.url}, ${a.statusCode}::integer, ${a.latencyMs}::integer,
               ${a.responseSnippet}::text, ${a.error}::text, ${a.success}::boolean, ${next.nextAttemptAt}::timestamptz
        FROM d
        RETURNING attempt_no`.execute(db);
      return r.rows.length === 1;
    },

    /** Ends a claimed delivery without an HTTP attempt (its endpoint was disabled or deleted meanwhile). */
    async abandon(id: string, token: string, reason: string) {
      await sql`
        UPDATE webhook_deliveries SET status = 'failed', attempts = attempts - 1, lease_token = NULL, last_error = ${reason}, next_attempt_at = now()
        WHERE id = ${id} AND lease_token = ${token}`.execute(db);
    },

    async markFailing(endpointId: string) {
      await db.updateTable('webhookEndpoints').set({ failingSince: new Date() }).where('id', '=', endpointId).where('failingSince', 'is', null).execute();
    },

    async clearFailing(endpointId: string) {
      await db.updateTable('webhookEndpoints').set({ failingSince: null }).where('id', '=', endpointId).where('failingSince', 'is not', null).execute();
    },
  };
}

export type TWebhookDal = ReturnType<typeof webhookDal>;
