import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, DeliveryStatus, Mode, WebhookDelivery } from '../../db/types.ts';

export type Scope = { orgId: string; mode: Mode };
type Executor = Kysely<DB> | Transaction<DB>;

export type RecordItem = {
  id: string;
  token: string;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
  lastError: string | null;
  attempt: AttemptRecord;
};

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
     * Records attempts and their deliveries' new states, many in one statement (one commit for a whole batch
     * of results), each only while its worker still holds the lease: if a lease ran out and another worker
     * took over, that worker's result is the one kept. Returns the ids that were recorded.
     */
    async recordAttempts(items: RecordItem[]): Promise<Set<string>> {
      const rows = items.map((i) => ({
        id: i.id,
        token: i.token,
        status: i.status,
        next_attempt_at: i.nextAttemptAt?.toISOString() ?? null,
        last_error: i.lastError,
        attempted_at: i.attempt.attemptedAt.toISOString(),
        webhook_timestamp: i.attempt.webhookTimestamp,
        url: i.attempt.url,
        status_code: i.attempt.statusCode,
        latency_ms: i.attempt.latencyMs,
        response_snippet: i.attempt.responseSnippet,
        error: i.attempt.error,
        success: i.attempt.success,
      }));
      const r = await sql<{ deliveryId: string }>`
        WITH r AS (
          SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(
            id text, token text, status text, next_attempt_at timestamptz, last_error text, attempted_at timestamptz,
            webhook_timestamp bigint, url text, status_code integer, latency_ms integer, response_snippet text, error text, success boolean)
        ),
        d AS (
          UPDATE webhook_deliveries w
          SET status = r.status,
              next_attempt_at = COALESCE(r.next_attempt_at, now()),
              lease_token = NULL,
              last_status_code = r.status_code,
              last_error = r.last_error,
              last_attempt_at = r.attempted_at,
              delivered_at = CASE WHEN r.success THEN r.attempted_at ELSE w.delivered_at END
          FROM r
          WHERE w.id = r.id AND w.lease_token = r.token
          RETURNING w.id, w.attempts, r.token
        )
        INSERT INTO webhook_attempts
          (delivery_id, attempt_no, attempted_at, webhook_timestamp, url, status_code, latency_ms, response_snippet, error, success, next_attempt_at)
        SELECT d.id, d.attempts, r.attempted_at, r.webhook_timestamp, r.url, r.status_code, r.latency_ms, r.response_snippet, r.error, r.success, r.next_attempt_at
        FROM d JOIN r ON r.id = d.id AND r.token = d.token
        RETURNING delivery_id`.execute(db);
      return new Set(r.rows.map((x) => x.deliveryId));
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
