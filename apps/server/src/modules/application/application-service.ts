import crypto from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Application, DB, Mode } from '../../db/types.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { sha256 } from '../../lib/crypto.ts';
import { newId, randomToken } from '../../lib/ids.ts';
import { notFound } from '../../lib/errors.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';

export type Scope = { orgId: string; mode: Mode };

export type ApplicationInput = {
  name: string;
  description?: string;
  webhookUrl?: string | null;
  webhookHeaders?: Record<string, string> | null;
  redirectUrl?: string | null;
  /** Already validated and normalised (see lib/origins.ts); empty = any origin may embed the flow. */
  allowedOrigins?: string[];
};

/** Called inside the transaction that sets or changes an application's webhook URL or headers. */
export type WebhookSettingsListener = (tx: Transaction<DB>, app: Application, actor: Actor) => Promise<void>;

export type TApplicationService = ReturnType<typeof applicationServiceFactory>;

/**
 * How long a verified API key is trusted without asking the database again. Revoking a key, disabling or
 * enabling its application, or rotating its client key through this process clears the cache at once; a
 * change made by another process (a second API instance, the CLI) takes effect here within this bound.
 */
const API_KEY_CACHE_MS = 5_000;
const API_KEY_CACHE_MAX = 1_000;

export function applicationServiceFactory(deps: { db: Kysely<DB>; crypto: Crypto; audit: TAuditService }) {
  const { db, crypto: enc, audit } = deps;
  // The webhook module keeps an endpoint in step with each application's webhook URL. It registers here
  // rather than being a dependency because it is built after this service (it needs the application view).
  const webhookListeners: WebhookSettingsListener[] = [];
  const findKey = (hash: string) =>
    db
      .selectFrom('apiKeys as k')
      .innerJoin('applications as a', 'a.id', 'k.applicationId')
      .innerJoin('organisations as o', 'o.id', 'k.orgId')
      .select(['k.id', 'k.orgId', 'k.mode', 'k.applicationId', 'k.name', 'k.prefix', 'k.rateLimitPerMinute', 'k.revokedAt', 'k.lastUsedAt', 'a.status as appStatus', 'a.clientKey', 'o.status as orgStatus'])
      .where('k.keyHash', '=', hash)
      .executeTakeFirst();
  type VerifiedKey = NonNullable<Awaited<ReturnType<typeof findKey>>>;
  // Verified keys by secret hash (never the secret itself). Only valid, active keys are kept. Changes are
  // cleared after their commit: a request that read the old state before the commit was right to.
  const keyCache = new Map<string, { row: VerifiedKey; until: number }>();
  const forgetKeys = () => keyCache.clear();

  const scoped = (ex: Kysely<DB> | Transaction<DB>, scope: Scope) =>
    ex.selectFrom('applications').where('orgId', '=', scope.orgId).where('mode', '=', scope.mode);

  function view(app: Application) {
    return {
      ...app,
      webhookHeaders: app.webhookHeaders ? enc.decryptJson<Record<string, string>>(app.webhookHeaders, app.id, 'app-secrets') : null,
    };
  }

  async function mustGet(ex: Kysely<DB> | Transaction<DB>, scope: Scope, id: string) {
    const app = await scoped(ex, scope).selectAll().where('id', '=', id).executeTakeFirst();
    if (!app) throw notFound('Application');
    return app;
  }

  async function insertKey(tx: Transaction<DB> | Kysely<DB>, app: Application, name: string, createdBy: string | null, rateLimitPerMinute?: number | null) {
    const secret = `sk_${app.mode}_${randomToken(24)}`;
    const key = await tx
      .insertInto('apiKeys')
      .values({
        id: newId('apiKey'),
        orgId: app.orgId,
        mode: app.mode,
        applicationId: app.id,
        name,
        prefix: secret.slice(0, 12),
        keyHash: sha256(secret),
        rateLimitPerMinute: rateLimitPerMinute ?? null,
        createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { key, secret };
  }

  return {
    view,

    onWebhookSettingsChanged(l: WebhookSettingsListener) {
      webhookListeners.push(l);
    },

    async createApplication(tx: Transaction<DB>, scope: Scope, input: ApplicationInput, actor: Actor) {
      const id = newId('application');
      const app = await tx
        .insertInto('applications')
        .values({
          id,
          orgId: scope.orgId,
          mode: scope.mode,
          name: input.name,
          description: input.description ?? '',
          clientKey: `pk_${scope.mode}_${randomToken(18)}`,
          cryptoKey: enc.encrypt(crypto.randomBytes(32).toString('base64'), id, 'app-secrets'),
          webhookUrl: input.webhookUrl ?? null,
          webhookHeaders: input.webhookHeaders ? enc.encryptJson(input.webhookHeaders, id, 'app-secrets') : null,
          redirectUrl: input.redirectUrl ?? null,
          allowedOrigins: input.allowedOrigins ?? [],
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      if (app.webhookUrl) for (const l of webhookListeners) await l(tx, app, actor);
      await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'application.created', targetType: 'application', targetId: id, after: { name: input.name, allowedOrigins: app.allowedOrigins } });
      return app;
    },

    async list(scope: Scope) {
      return scoped(db, scope).selectAll().orderBy('createdAt').execute();
    },

    async get(scope: Scope, id: string) {
      return mustGet(db, scope, id);
    },

    async update(scope: Scope, id: string, patch: Partial<ApplicationInput> & { status?: 'active' | 'disabled' }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const before = await mustGet(tx, scope, id);
        const { webhookHeaders, ...rest } = patch;
        const set: Record<string, unknown> = { ...rest, updatedAt: new Date() };
        if (webhookHeaders !== undefined) set.webhookHeaders = webhookHeaders ? enc.encryptJson(webhookHeaders, id, 'app-secrets') : null;
        const after = await tx.updateTable('applications').set(set).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        if (rest.webhookUrl !== undefined || webhookHeaders !== undefined) for (const l of webhookListeners) await l(tx, after, actor);
        await audit.record(tx, {
          orgId: scope.orgId,
          mode: scope.mode,
          actor,
          action: 'application.updated',
          targetType: 'application',
          targetId: id,
          before: { name: before.name, webhookUrl: before.webhookUrl, redirectUrl: before.redirectUrl, allowedOrigins: before.allowedOrigins, status: before.status },
          after: { ...rest, webhookHeaders: webhookHeaders === undefined ? undefined : '[changed]' },
        });
        return after;
      }).finally(() => {
        if (patch.status !== undefined) forgetKeys();
      });
    },

    /** The application's 256-bit payload-encryption key, base64. */
    revealCryptoKey(app: Application) {
      return enc.decrypt(app.cryptoKey, app.id, 'app-secrets');
    },

    async rotateCryptoKey(scope: Scope, id: string, actor: Actor) {
      const key = crypto.randomBytes(32).toString('base64');
      await db.transaction().execute(async (tx) => {
        await mustGet(tx, scope, id);
        await tx.updateTable('applications').set({ cryptoKey: enc.encrypt(key, id, 'app-secrets'), updatedAt: new Date() }).where('id', '=', id).execute();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'application.crypto_key_rotated', targetType: 'application', targetId: id });
      });
      return key;
    },

    async rotateClientKey(scope: Scope, id: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        await mustGet(tx, scope, id);
        const app = await tx.updateTable('applications').set({ clientKey: `pk_${scope.mode}_${randomToken(18)}`, updatedAt: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'application.client_key_rotated', targetType: 'application', targetId: id });
        return app;
      }).finally(forgetKeys); // verified keys carry their application's client key
    },

    async listKeys(scope: Scope, applicationId: string) {
      await mustGet(db, scope, applicationId);
      return db
        .selectFrom('apiKeys')
        .selectAll()
        .where('orgId', '=', scope.orgId)
        .where('mode', '=', scope.mode)
        .where('applicationId', '=', applicationId)
        .orderBy('createdAt', 'desc')
        .execute();
    },

    /** Creates a private key; its secret is returned here only, and stored as a SHA-256 hash. */
    async createKey(scope: Scope, applicationId: string, input: { name?: string; rateLimitPerMinute?: number | null }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const app = await mustGet(tx, scope, applicationId);
        const r = await insertKey(tx, app, input.name ?? '', actor.type === 'user' ? actor.id : null, input.rateLimitPerMinute);
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'api_key.created', targetType: 'api_key', targetId: r.key.id, after: { name: input.name ?? '', applicationId, prefix: r.key.prefix } });
        return r;
      });
    },

    async revokeKey(scope: Scope, applicationId: string, keyId: string, actor: Actor) {
      await db.transaction().execute(async (tx) => {
        await mustGet(tx, scope, applicationId);
        const k = await tx
          .updateTable('apiKeys')
          .set({ revokedAt: new Date() })
          .where('id', '=', keyId)
          .where('applicationId', '=', applicationId)
          .where('orgId', '=', scope.orgId)
          .where('mode', '=', scope.mode)
          .where('revokedAt', 'is', null)
          .returningAll()
          .executeTakeFirst();
        if (!k) throw notFound('API key');
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'api_key.revoked', targetType: 'api_key', targetId: keyId });
      });
      forgetKeys();
    },

    /** Forgets every verified key: call after revoking keys by other means (the demo's key replacement). */
    forgetVerifiedKeys: forgetKeys,

    /** Used by the CLI and the demo: a key for the organisation's default application in a mode. */
    async createKeyForDefaultApp(tx: Transaction<DB>, scope: Scope, name: string, actor: Actor, rateLimitPerMinute?: number) {
      const app = await scoped(tx, scope).selectAll().where('status', '=', 'active').orderBy('createdAt').executeTakeFirst();
      if (!app) throw notFound('Application');
      const r = await insertKey(tx, app, name, null, rateLimitPerMinute);
      await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'api_key.created', targetType: 'api_key', targetId: r.key.id, after: { name, applicationId: app.id, prefix: r.key.prefix } });
      return r;
    },

    /**
     * The key behind a secret, or null when it is unknown, revoked, or its application or organisation is
     * not active. A verified key is remembered for API_KEY_CACHE_MS (see there), which saves a database
     * round trip on almost every API call.
     */
    async authenticate(secret: string): Promise<VerifiedKey | null> {
      if (!/^sk_(live|test)_[A-Za-z0-9_-]{20,64}$/.test(secret)) return null;
      const hash = sha256(secret);
      const now = Date.now();
      const hit = keyCache.get(hash);
      let row: VerifiedKey;
      if (hit && hit.until > now) {
        row = hit.row;
      } else {
        const found = await findKey(hash);
        if (hit) keyCache.delete(hash);
        if (!found || found.revokedAt || found.appStatus !== 'active' || found.orgStatus !== 'active') return null;
        row = found;
        if (keyCache.size >= API_KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
        keyCache.set(hash, { row, until: now + API_KEY_CACHE_MS });
      }
      if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > 60_000) {
        const at = new Date(now);
        row.lastUsedAt = at;
        await db.updateTable('apiKeys').set({ lastUsedAt: at }).where('id', '=', row.id).execute();
      }
      return row;
    },
  };
}
