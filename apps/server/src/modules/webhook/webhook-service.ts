import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../../config.ts';
import type { Application, DB, EventRow, WebhookEndpoint } from '../../db/types.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { AppError, badRequest, conflict, notFound, unprocessable } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { SYSTEM_ACTOR, type Actor, type TAuditService } from '../audit/audit-service.ts';
import type { TMailService } from '../mail/mail-service.ts';
import type { TApplicationService } from '../application/application-service.ts';
import { ATTEMPT_LIMIT, LEASE_MS, PREVIOUS_SECRET_TTL_MS } from './delivery-policy.ts';
import { deliveryEngineFactory, SECRET_PURPOSE } from './webhook-delivery.ts';
import { webhookDal, type Scope } from './webhook-dal.ts';
import { isFinalEvent } from './webhook-payload.ts';
import { generateSecret, secretHint } from './signing.ts';
import { checkWebhookUrl, systemResolver, WebhookUrlError, type Resolver } from './ssrf.ts';
import { reservedHeader, type TCreateEndpoint, type TDeliveryQuery, type TUpdateEndpoint } from './webhook-types.ts';

export type TWebhookService = ReturnType<typeof webhookServiceFactory>;

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Webhook endpoints and their deliveries. Deliveries are created by `enqueueForEvent`, which runs inside the
 * transaction that writes the event, so an event and its deliveries exist together or not at all.
 */
export function webhookServiceFactory(deps: {
  db: Kysely<DB>;
  config: Pick<Config, 'allowPrivateWebhookUrls' | 'webhooks' | 'publicUrl'>;
  crypto: Crypto;
  audit: TAuditService;
  mail: Pick<TMailService, 'enqueue'>;
  applications: Pick<TApplicationService, 'view'>;
  logger: Logger;
  /** Host name resolution for the SSRF guard; the system resolver unless a deployment wires its own. */
  resolve?: Resolver;
}) {
  const { db, config, crypto: enc, audit, mail, logger } = deps;
  const resolve = deps.resolve ?? systemResolver;
  const dal = webhookDal(db);

  const engine = deliveryEngineFactory({
    db,
    dal,
    crypto: enc,
    logger,
    allowPrivate: config.allowPrivateWebhookUrls,
    timeScale: config.webhooks.timeScale,
    resolve,
    disableEndpoint: async (id, reason, detail) => {
      await db.transaction().execute((tx) => disable(tx, id, reason, detail, SYSTEM_ACTOR));
    },
  });

  async function checkUrl(url: string) {
    try {
      await checkWebhookUrl(url, { allowPrivate: config.allowPrivateWebhookUrls, resolve });
    } catch (err) {
      if (err instanceof WebhookUrlError) throw new AppError(400, err.code, err.message, err.reason ? { reason: err.reason } : undefined);
      throw err;
    }
  }

  function checkHeaders(headers: Record<string, string> | null | undefined) {
    const bad = Object.keys(headers ?? {}).filter(reservedHeader);
    if (bad.length) throw badRequest('webhook_header_reserved', `These headers are set by Tessera and cannot be customised: ${bad.join(', ')}.`);
  }

  async function mustGet(ex: Executor, scope: Scope, id: string, lock = false) {
    let q = dal.endpoints(ex, scope).selectAll().where('id', '=', id);
    if (lock) q = q.forUpdate();
    const e = await q.executeTakeFirst();
    if (!e) throw notFound('Webhook endpoint');
    return e;
  }

  async function applicationFor(ex: Executor, scope: Scope, applicationId: string | null | undefined): Promise<Application | null> {
    let q = ex.selectFrom('applications').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode);
    q = applicationId ? q.where('id', '=', applicationId) : q.where('status', '=', 'active').orderBy('createdAt');
    const app = await q.executeTakeFirst();
    if (applicationId && !app) throw notFound('Application');
    return app ?? null;
  }

  /** Disables an endpoint (once) and, unless a person did it, tells the organisation's admins why. */
  async function disable(tx: Transaction<DB>, id: string, reason: 'manual' | 'gone' | 'failing', detail: string, actor: Actor) {
    const e = await tx
      .updateTable('webhookEndpoints')
      .set({ status: 'disabled', disabledReason: reason, disabledAt: new Date(), updatedAt: new Date() })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .returningAll()
      .executeTakeFirst();
    if (!e) return null;
    await audit.record(tx, { orgId: e.orgId, mode: e.mode, actor, action: 'webhook_endpoint.disabled', targetType: 'webhook_endpoint', targetId: id, after: { reason, detail } });
    if (reason !== 'manual') {
      const admins = await tx
        .selectFrom('users as u')
        .innerJoin('roles as r', 'r.id', 'u.roleId')
        .select(['u.email'])
        .where('u.orgId', '=', e.orgId)
        .where('u.status', '=', 'active')
        .where('r.builtin', 'in', ['owner', 'admin'])
        .execute();
      const why = reason === 'gone' ? 'the receiver answered 410 Gone' : 'every delivery to it has failed for 5 days';
      for (const a of admins) {
        await mail.enqueue(tx, {
          orgId: e.orgId,
          to: a.email,
          subject: `Webhook endpoint disabled (${e.mode} mode)`,
          text:
            `Tessera stopped sending webhooks to ${e.url} (${e.id}, ${e.mode} mode) because ${why}.\n\n${detail}\n\n` +
            `Fix the receiver, then enable the endpoint and redeliver the failed deliveries:\n${config.publicUrl}/app/applications${e.applicationId ? `/${e.applicationId}` : ''}\n`,
        });
      }
    }
    return e;
  }

  async function insertEndpoint(
    tx: Transaction<DB>,
    scope: Scope,
    input: Omit<TCreateEndpoint, 'applicationId'> & { applicationId: string | null; managed?: boolean },
    actor: Actor,
  ) {
    const id = newId('webhookEndpoint');
    const secret = generateSecret();
    const e = await tx
      .insertInto('webhookEndpoints')
      .values({
        id,
        orgId: scope.orgId,
        mode: scope.mode,
        applicationId: input.applicationId,
        managed: input.managed ?? false,
        url: input.url,
        description: input.description ?? '',
        eventTypes: input.events ?? [],
        headersEnc: input.headers && Object.keys(input.headers).length ? enc.encryptJson(input.headers, id, SECRET_PURPOSE) : null,
        secretEnc: enc.encrypt(secret, id, SECRET_PURPOSE),
        secretHint: secretHint(secret),
        encrypt: input.encrypt ?? false,
        noPersonalData: input.noPersonalData ?? false,
        finalOnly: input.finalOnly ?? false,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit.record(tx, {
      orgId: scope.orgId,
      mode: scope.mode,
      actor,
      action: 'webhook_endpoint.created',
      targetType: 'webhook_endpoint',
      targetId: id,
      after: { url: e.url, events: e.eventTypes, encrypt: e.encrypt, noPersonalData: e.noPersonalData, finalOnly: e.finalOnly, managed: e.managed, headers: Object.keys(input.headers ?? {}) },
    });
    return { endpoint: e, secret };
  }

  function view(e: WebhookEndpoint) {
    return {
      id: e.id,
      mode: e.mode,
      url: e.url,
      description: e.description,
      events: e.eventTypes,
      headers: e.headersEnc ? enc.decryptJson<Record<string, string>>(e.headersEnc, e.id, SECRET_PURPOSE) : {},
      encrypt: e.encrypt,
      noPersonalData: e.noPersonalData,
      finalOnly: e.finalOnly,
      applicationId: e.applicationId,
      managed: e.managed,
      status: e.status,
      disabledReason: e.disabledReason,
      disabledAt: e.disabledAt?.toISOString() ?? null,
      failingSince: e.failingSince?.toISOString() ?? null,
      secretHint: e.secretHint,
      previousSecretExpiresAt: e.previousSecretExpiresAt && e.previousSecretExpiresAt.getTime() > Date.now() ? e.previousSecretExpiresAt.toISOString() : null,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
    };
  }

  async function getDelivery(scope: Scope, id: string) {
    const d = await dal.deliveries(db, scope).selectAll().where('id', '=', id).executeTakeFirst();
    if (!d) throw notFound('Delivery');
    const attempts = await db.selectFrom('webhookAttempts').selectAll().where('deliveryId', '=', id).orderBy('attemptNo').execute();
    return { delivery: d, attempts };
  }

  return {
    engine,
    view,
    getDelivery,

    /**
     * The event listener: one delivery per active endpoint that wants this event, inserted in the event's
     * transaction. Workers pick them up from the table; nothing is sent before the transaction commits.
     */
    async enqueueForEvent(tx: Transaction<DB>, event: EventRow) {
      const endpoints = await tx
        .selectFrom('webhookEndpoints')
        .select(['id', 'eventTypes', 'finalOnly'])
        .where('orgId', '=', event.orgId)
        .where('mode', '=', event.mode)
        .where('status', '=', 'active')
        .execute();
      const payload = event.payload as Record<string, unknown>;
      const wanted = endpoints.filter((e) => (!e.eventTypes.length || e.eventTypes.includes(event.type)) && (!e.finalOnly || isFinalEvent(event.type, payload)));
      if (!wanted.length) return;
      await tx
        .insertInto('webhookDeliveries')
        .values(
          wanted.map((e) => ({
            id: newId('delivery'),
            orgId: event.orgId,
            mode: event.mode,
            endpointId: e.id,
            eventId: event.id,
            eventType: event.type,
            attemptLimit: ATTEMPT_LIMIT,
            nextAttemptAt: event.createdAt,
          })),
        )
        .execute();
    },

    /** Creates an endpoint; its secret is returned here and on rotation only, and stored encrypted. */
    async create(scope: Scope, input: TCreateEndpoint, actor: Actor, opts: { defaultApplicationId?: string | null } = {}) {
      checkHeaders(input.headers);
      await checkUrl(input.url);
      return db.transaction().execute(async (tx) => {
        const app = await applicationFor(tx, scope, input.applicationId ?? opts.defaultApplicationId);
        if (input.encrypt && !app) throw unprocessable('application_required', 'Encrypted delivery needs an application, whose crypto key encrypts the payloads.');
        return insertEndpoint(tx, scope, { ...input, applicationId: app?.id ?? null }, actor);
      });
    },

    async list(scope: Scope, f: { applicationId?: string } = {}) {
      let q = dal.endpoints(db, scope).selectAll();
      if (f.applicationId) q = q.where('applicationId', '=', f.applicationId);
      return q.orderBy('createdAt').orderBy('id').execute();
    },

    get: (scope: Scope, id: string) => mustGet(db, scope, id),

    async update(scope: Scope, id: string, patch: TUpdateEndpoint, actor: Actor) {
      checkHeaders(patch.headers);
      if (patch.url) await checkUrl(patch.url);
      return db.transaction().execute(async (tx) => {
        const before = await mustGet(tx, scope, id, true);
        if (before.managed && (patch.url !== undefined || patch.headers !== undefined)) {
          throw conflict('endpoint_managed', "This endpoint mirrors an application's webhook URL: change the URL and headers on the application.");
        }
        if (patch.encrypt && !before.applicationId) throw unprocessable('application_required', 'Encrypted delivery needs an application, whose crypto key encrypts the payloads.');
        const set: Partial<Record<keyof WebhookEndpoint, unknown>> = { updatedAt: new Date() };
        if (patch.url !== undefined) set.url = patch.url;
        if (patch.description !== undefined) set.description = patch.description;
        if (patch.events !== undefined) set.eventTypes = patch.events;
        if (patch.headers !== undefined) set.headersEnc = Object.keys(patch.headers).length ? enc.encryptJson(patch.headers, id, SECRET_PURPOSE) : null;
        if (patch.encrypt !== undefined) set.encrypt = patch.encrypt;
        if (patch.noPersonalData !== undefined) set.noPersonalData = patch.noPersonalData;
        if (patch.finalOnly !== undefined) set.finalOnly = patch.finalOnly;
        const after = await tx.updateTable('webhookEndpoints').set(set as never).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, {
          orgId: scope.orgId,
          mode: scope.mode,
          actor,
          action: 'webhook_endpoint.updated',
          targetType: 'webhook_endpoint',
          targetId: id,
          before: { url: before.url, events: before.eventTypes, encrypt: before.encrypt, noPersonalData: before.noPersonalData, finalOnly: before.finalOnly },
          after: { ...patch, headers: patch.headers === undefined ? undefined : Object.keys(patch.headers) },
        });
        return after;
      });
    },

    /** A new secret; the previous one keeps signing alongside it for 24 hours so receivers can switch. */
    async rotate(scope: Scope, id: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const before = await mustGet(tx, scope, id, true);
        const secret = generateSecret();
        const endpoint = await tx
          .updateTable('webhookEndpoints')
          .set({
            secretEnc: enc.encrypt(secret, id, SECRET_PURPOSE),
            secretHint: secretHint(secret),
            previousSecretEnc: before.secretEnc,
            previousSecretExpiresAt: new Date(Date.now() + PREVIOUS_SECRET_TTL_MS),
            updatedAt: new Date(),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'webhook_endpoint.secret_rotated', targetType: 'webhook_endpoint', targetId: id });
        return { endpoint, secret };
      });
    },

    async disable(scope: Scope, id: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const e = await mustGet(tx, scope, id, true);
        return (await disable(tx, e.id, 'manual', 'Disabled by hand.', actor)) ?? e;
      });
    },

    /** Enabling forgets the failure history; failed deliveries stay failed until redelivered. */
    async enable(scope: Scope, id: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const e = await mustGet(tx, scope, id, true);
        if (e.status === 'active') return e;
        await checkUrl(e.url);
        const after = await tx
          .updateTable('webhookEndpoints')
          .set({ status: 'active', disabledReason: null, disabledAt: null, failingSince: null, updatedAt: new Date() })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'webhook_endpoint.enabled', targetType: 'webhook_endpoint', targetId: id });
        return after;
      });
    },

    async remove(scope: Scope, id: string, actor: Actor) {
      await db.transaction().execute(async (tx) => {
        const e = await mustGet(tx, scope, id, true);
        if (e.managed) throw conflict('endpoint_managed', "This endpoint mirrors an application's webhook URL: clear the URL on the application instead.");
        await tx.deleteFrom('webhookEndpoints').where('id', '=', id).execute();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'webhook_endpoint.deleted', targetType: 'webhook_endpoint', targetId: id, before: { url: e.url } });
      });
    },

    /**
     * Sends a `webhook.test` message now, through the same path as real deliveries (signature, encryption,
     * SSRF guard), and returns the logged delivery. One attempt, no retries.
     */
    async testSend(scope: Scope, id: string, actor: Actor) {
      const e = await mustGet(db, scope, id);
      if (e.status !== 'active') throw conflict('endpoint_disabled', 'Enable the endpoint before sending it a test message.');
      const deliveryId = newId('delivery');
      const token = crypto.randomUUID();
      const leaseFrom = Date.now();
      const payload = { id: null, type: 'webhook.test', createdAt: new Date().toISOString(), mode: scope.mode, endpointId: id, message: 'Test message from Tessera' };
      const d = await db.transaction().execute(async (tx) => {
        const row = await tx
          .insertInto('webhookDeliveries')
          .values({
            id: deliveryId,
            orgId: scope.orgId,
            mode: scope.mode,
            endpointId: id,
            eventId: null,
            eventType: 'webhook.test',
            payload: JSON.stringify(payload),
            attempts: 1,
            attemptLimit: 1,
            leaseToken: token,
            nextAttemptAt: new Date(leaseFrom + LEASE_MS),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'webhook_endpoint.test_sent', targetType: 'webhook_endpoint', targetId: id, after: { deliveryId } });
        return row;
      });
      const [job] = await engine.prepare([d], token, leaseFrom + LEASE_MS);
      await engine.attempt(job);
      return getDelivery(scope, deliveryId);
    },

    async listDeliveries(scope: Scope, f: TDeliveryQuery) {
      let q = db
        .selectFrom('webhookDeliveries as d')
        .selectAll('d')
        .where('d.orgId', '=', scope.orgId)
        .where('d.mode', '=', scope.mode);
      if (f.endpointId) q = q.where('d.endpointId', '=', f.endpointId);
      if (f.eventId) q = q.where('d.eventId', '=', f.eventId);
      if (f.applicationId) q = q.where('d.endpointId', 'in', (eb) => eb.selectFrom('webhookEndpoints').select('id').where('applicationId', '=', f.applicationId!));
      if (f.status === 'undelivered') q = q.where('d.status', 'in', ['pending', 'failed']);
      else if (f.status) q = q.where('d.status', '=', f.status);
      if (f.cursor) q = q.where('d.id', '<', f.cursor);
      const rows = await q.orderBy('d.id', 'desc').limit(f.limit).execute();
      return { rows, nextCursor: rows.length === f.limit ? rows[rows.length - 1].id : null };
    },

    /** One more attempt of a delivery (delivered or failed), with the same webhook-id, as soon as a worker is free. */
    async redeliver(scope: Scope, id: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const d = await dal.deliveries(tx, scope).selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
        if (!d) throw notFound('Delivery');
        if (d.status === 'pending') throw conflict('delivery_pending', 'This delivery is still being attempted.');
        const e = await mustGet(tx, scope, d.endpointId);
        if (e.status !== 'active') throw conflict('endpoint_disabled', 'Enable the endpoint before redelivering to it.');
        const after = await tx
          .updateTable('webhookDeliveries')
          .set((eb) => ({ status: 'pending', attemptLimit: eb('attempts', '+', 1), nextAttemptAt: new Date(), leaseToken: null }))
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'webhook_delivery.redelivered', targetType: 'webhook_delivery', targetId: id });
        return after;
      });
    },

    /** Every failed delivery of an endpoint gets one more attempt. */
    async redeliverFailed(scope: Scope, endpointId: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const e = await mustGet(tx, scope, endpointId, true);
        if (e.status !== 'active') throw conflict('endpoint_disabled', 'Enable the endpoint before redelivering to it.');
        const r = await tx
          .updateTable('webhookDeliveries')
          .set((eb) => ({ status: 'pending', attemptLimit: eb('attempts', '+', 1), nextAttemptAt: new Date(), leaseToken: null }))
          .where('endpointId', '=', endpointId)
          .where('status', '=', 'failed')
          .executeTakeFirst();
        const count = Number(r.numUpdatedRows);
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'webhook_endpoint.redelivered_failed', targetType: 'webhook_endpoint', targetId: endpointId, after: { count } });
        return count;
      });
    },

    /**
     * Keeps the application's managed endpoint in step with its webhook URL and headers (called by the
     * application service inside its transaction). Clearing the URL disables the endpoint, keeping its secret
     * and delivery log; setting a URL again re-enables it.
     */
    async syncApplication(tx: Transaction<DB>, app: Application, actor: Actor) {
      const scope = { orgId: app.orgId, mode: app.mode };
      const existing = await dal.endpoints(tx, scope).selectAll().where('applicationId', '=', app.id).where('managed', '=', true).forUpdate().executeTakeFirst();
      if (!app.webhookUrl) {
        if (existing) await disable(tx, existing.id, 'manual', 'The application no longer has a webhook URL.', actor);
        return;
      }
      const headers = deps.applications.view(app).webhookHeaders ?? {};
      checkHeaders(headers);
      await checkUrl(app.webhookUrl);
      if (!existing) {
        await insertEndpoint(tx, scope, { url: app.webhookUrl, headers, applicationId: app.id, managed: true, description: `Webhook URL of ${app.name}` }, actor);
        return;
      }
      await tx
        .updateTable('webhookEndpoints')
        .set({
          url: app.webhookUrl,
          headersEnc: Object.keys(headers).length ? enc.encryptJson(headers, existing.id, SECRET_PURPOSE) : null,
          status: 'active',
          disabledReason: null,
          disabledAt: null,
          updatedAt: new Date(),
        })
        .where('id', '=', existing.id)
        .execute();
      await audit.record(tx, {
        orgId: scope.orgId,
        mode: scope.mode,
        actor,
        action: 'webhook_endpoint.updated',
        targetType: 'webhook_endpoint',
        targetId: existing.id,
        before: { url: existing.url, status: existing.status },
        after: { url: app.webhookUrl, status: 'active', headers: Object.keys(headers) },
      });
    },
  };
}
