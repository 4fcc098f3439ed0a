import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DB, WebhookDelivery } from '../../db/types.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { ATTEMPT_TIMEOUT_MS, DISABLE_AFTER_MS, LEASE_MS, judge, type AttemptResult } from './delivery-policy.ts';
import { renderBody } from './webhook-payload.ts';
import { postWebhook } from './webhook-sender.ts';
import { signatureHeaders } from './signing.ts';
import { parseWebhookUrl, resolveWebhookTarget, WebhookUrlError, type Resolver } from './ssrf.ts';
import type { RecordItem, TWebhookDal } from './webhook-dal.ts';

export const SECRET_PURPOSE = 'webhook-secrets';

/** Everything needed to send to an endpoint, decrypted once per endpoint version rather than per delivery. */
type EndpointMaterial = {
  secrets: string[];
  headers: Record<string, string>;
  encryptionKey: string | null;
};

type EndpointRow = {
  id: string;
  orgId: string;
  mode: string;
  url: string;
  status: string;
  noPersonalData: boolean;
  encrypt: boolean;
  failingSince: Date | null;
  secretEnc: string;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  headersEnc: string | null;
  updatedAt: Date;
  applicationId: string | null;
  appCryptoKey: string | null;
  appUpdatedAt: Date | null;
};

/** A claimed delivery with what its attempt needs. */
export type DeliveryJob = {
  delivery: WebhookDelivery;
  token: string;
  /** By this time (local clock, taken before the claim) another worker may take the delivery over. */
  leaseUntil: number;
  endpoint: EndpointRow | null;
  payload: Record<string, unknown> | null;
};

export type AttemptOutcome = { recorded: boolean; result: AttemptResult; status: 'pending' | 'delivered' | 'failed' };

export type TDeliveryEngine = ReturnType<typeof deliveryEngineFactory>;

/**
 * One attempt of a delivery: render the body for its endpoint, sign it for this attempt, check the target
 * again (SSRF), POST, judge the answer, record it, and update the endpoint's health.
 */
export function deliveryEngineFactory(deps: {
  db: Kysely<DB>;
  dal: TWebhookDal;
  crypto: Crypto;
  logger: Logger;
  allowPrivate: boolean;
  timeScale: number;
  resolve: Resolver;
  disableEndpoint: (endpointId: string, reason: 'gone' | 'failing', detail: string) => Promise<void>;
}) {
  const { db, dal, crypto: enc, logger, timeScale } = deps;
  const materials = new Map<string, EndpointMaterial>();

  // Results are written in groups: while one write is in flight, the results that finish meanwhile wait and
  // go together in the next statement. One commit per group instead of per delivery; no wait when idle.
  const pending: { item: RecordItem; done: (ok: boolean) => void; fail: (err: unknown) => void }[] = [];
  let writing = false;
  async function drain() {
    writing = true;
    try {
      while (pending.length) {
        const batch = pending.splice(0, 200);
        try {
          const ok = await dal.recordAttempts(batch.map((b) => b.item));
          for (const b of batch) b.done(ok.has(b.item.id));
        } catch (err) {
          for (const b of batch) b.fail(err);
        }
      }
    } finally {
      writing = false;
    }
  }
  function record(item: RecordItem): Promise<boolean> {
    return new Promise((done, fail) => {
      pending.push({ item, done, fail });
      if (!writing) void drain();
    });
  }

  // An endpoint that asked for encryption is never sent a clear body, even if its key went missing.
  function appKey(e: EndpointRow): string {
    if (!e.appCryptoKey || !e.applicationId) throw new Error('the application crypto key for encrypted delivery is missing');
    return enc.decrypt(e.appCryptoKey, e.applicationId, 'app-secrets');
  }

  function material(e: EndpointRow): EndpointMaterial {
    // A changed endpoint (rotation, new headers) or application (new crypto key) has a new updatedAt.
    const key = `${e.id}:${e.updatedAt.getTime()}:${e.appUpdatedAt?.getTime() ?? 0}:${e.encrypt}`;
    let m = materials.get(key);
    if (!m) {
      const secrets = [enc.decrypt(e.secretEnc, e.id, SECRET_PURPOSE)];
      if (e.previousSecretEnc) secrets.push(enc.decrypt(e.previousSecretEnc, e.id, SECRET_PURPOSE));
      m = {
        secrets,
        headers: e.headersEnc ? enc.decryptJson<Record<string, string>>(e.headersEnc, e.id, SECRET_PURPOSE) : {},
        encryptionKey: e.encrypt ? appKey(e) : null,
      };
      if (materials.size >= 1000) materials.delete(materials.keys().next().value!);
      materials.set(key, m);
    }
    return m;
  }

  /** Loads endpoints and event payloads for a batch of claimed deliveries in two queries. */
  async function prepare(deliveries: WebhookDelivery[], token: string, leaseUntil: number): Promise<DeliveryJob[]> {
    if (!deliveries.length) return [];
    const endpointIds = [...new Set(deliveries.map((d) => d.endpointId))];
    const eventIds = [...new Set(deliveries.map((d) => d.eventId).filter((x): x is string => !!x))];
    const [endpoints, events] = await Promise.all([
      db
        .selectFrom('webhookEndpoints as e')
        .leftJoin('applications as a', 'a.id', 'e.applicationId')
        .select([
          'e.id',
          'e.orgId',
          'e.mode',
          'e.url',
          'e.status',
          'e.noPersonalData',
          'e.encrypt',
          'e.failingSince',
          'e.secretEnc',
          'e.previousSecretEnc',
          'e.previousSecretExpiresAt',
          'e.headersEnc',
          'e.updatedAt',
          'e.applicationId',
          'a.cryptoKey as appCryptoKey',
          'a.updatedAt as appUpdatedAt',
        ])
        .where('e.id', 'in', endpointIds)
        .execute(),
      eventIds.length ? db.selectFrom('events').select(['id', 'payload']).where('id', 'in', eventIds).execute() : Promise.resolve([]),
    ]);
    const byEndpoint = new Map(endpoints.map((e) => [e.id, e as EndpointRow]));
    const byEvent = new Map(events.map((e) => [e.id, e.payload as Record<string, unknown>]));
    return deliveries.map((d) => ({
      delivery: d,
      token,
      leaseUntil,
      endpoint: byEndpoint.get(d.endpointId) ?? null,
      payload: d.eventId ? (byEvent.get(d.eventId) ?? null) : ((d.payload as Record<string, unknown> | null) ?? null),
    }));
  }

  async function attempt(job: DeliveryJob): Promise<AttemptOutcome | null> {
    const { delivery: d, token, endpoint: e } = job;
    if (!e || e.status !== 'active' || !job.payload) {
      await dal.abandon(d.id, token, !e ? 'endpoint deleted' : e.status !== 'active' ? 'endpoint disabled' : 'event no longer exists');
      return null;
    }
    const attemptedAt = new Date();
    const timestamp = Math.floor(attemptedAt.getTime() / 1000);
    let result: AttemptResult;
    try {
      const m = material(e);
      const secrets = e.previousSecretExpiresAt && e.previousSecretExpiresAt.getTime() > Date.now() ? m.secrets : m.secrets.slice(0, 1);
      const url = parseWebhookUrl(e.url);
      const addresses = await resolveWebhookTarget(url, { allowPrivate: deps.allowPrivate, resolve: deps.resolve });
      const body = renderBody(job.payload, { noPersonalData: e.noPersonalData, encryptionKey: m.encryptionKey });
      const headers = { ...m.headers, ...signatureHeaders(secrets, d.id, timestamp, body) };
      result = await postWebhook(url, addresses, headers, body, ATTEMPT_TIMEOUT_MS);
    } catch (err) {
      const message = err instanceof WebhookUrlError ? `${err.code}: ${err.message}` : `internal: ${(err as Error).message}`;
      result = { statusCode: null, latencyMs: Date.now() - attemptedAt.getTime(), snippet: null, error: message.slice(0, 300), retryAfter: null };
    }

    const now = Date.now();
    const verdict = judge(result, d.attempts, d.attemptLimit, timeScale, now);
    const status = verdict.kind === 'delivered' ? 'delivered' : verdict.kind === 'retry' ? 'pending' : 'failed';
    const nextAttemptAt = verdict.kind === 'retry' ? new Date(now + verdict.delayMs) : null;
    const lastError = verdict.kind === 'delivered' ? null : (result.error ?? `HTTP ${result.statusCode}`);
    const recorded = await record({
      id: d.id,
      token,
      status,
      nextAttemptAt,
      lastError,
      attempt: {
        attemptedAt,
        webhookTimestamp: timestamp,
        url: e.url,
        statusCode: result.statusCode,
        latencyMs: result.latencyMs,
        responseSnippet: result.snippet,
        error: result.error,
        success: verdict.kind === 'delivered',
      },
    });
    if (!recorded) {
      logger.warn({ deliveryId: d.id }, 'webhook delivery lease lost before its attempt was recorded');
      return { recorded, result, status };
    }

    if (verdict.kind === 'delivered') {
      if (e.failingSince) await dal.clearFailing(e.id);
    } else if (verdict.kind === 'gone') {
      await deps.disableEndpoint(e.id, 'gone', 'The receiver answered 410 Gone.');
    } else if (!e.failingSince) {
      await dal.markFailing(e.id);
    } else if (now - e.failingSince.getTime() >= DISABLE_AFTER_MS) {
      await deps.disableEndpoint(e.id, 'failing', `Every delivery has failed since ${e.failingSince.toISOString()}; last error: ${lastError}.`);
    }
    return { recorded, result, status };
  }

  return {
    prepare,
    attempt,

    /** A worker's claim: due deliveries with their endpoints and payloads. */
    async claim(limit: number, skipEndpoints: string[] = []): Promise<DeliveryJob[]> {
      const token = crypto.randomUUID();
      const leaseUntil = Date.now() + LEASE_MS;
      return prepare(await dal.claimDue(limit, token, LEASE_MS, skipEndpoints), token, leaseUntil);
    },

    async release(jobs: DeliveryJob[], delayMs: number) {
      const byToken = new Map<string, string[]>();
      for (const j of jobs) byToken.set(j.token, [...(byToken.get(j.token) ?? []), j.delivery.id]);
      for (const [token, ids] of byToken) await dal.release(ids, token, delayMs);
    },
  };
}
