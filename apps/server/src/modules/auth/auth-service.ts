import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import { generateSecret, generateURI, verify as totpVerify } from 'otplib';
import QRCode from 'qrcode';
import { sql, type Kysely } from 'kysely';
import type { DB, User } from '../../db/types.ts';
import type { Config } from '../../config.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { sha256 } from '../../lib/crypto.ts';
import { newId, randomToken } from '../../lib/ids.ts';
import { AppError, badRequest, conflict, tooMany, unauthorized } from '../../lib/errors.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import type { TMailService } from '../mail/mail-service.ts';
import type { TOrgService } from '../org/org-service.ts';
import { isPermission, type Permission } from '../../lib/permissions.ts';

// OWASP's argon2id floor (19 MiB, 2 passes): ~20 ms here, cheap enough for logins, costly for crackers.
// algorithm 2 = Argon2id (the package's const enum cannot be imported under isolatedModules).
const ARGON = { algorithm: 2 as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
// A real hash of a random password, verified when the email is unknown so both paths take as long.
const DUMMY_HASH_P = argonHash(randomToken(), ARGON);

const THROTTLE = { windowMinutes: 15, perEmail: 5, perIp: 50 };
const RESET_TTL_MINUTES = 60;

export type SessionUser = {
  user: User;
  permissions: Set<Permission>;
  roleName: string;
  session: { id: string; csrfToken: string; expiresAt: Date };
};

export type TAuthService = ReturnType<typeof authServiceFactory>;

export function authServiceFactory(deps: {
  db: Kysely<DB>;
  config: Config;
  crypto: Crypto;
  audit: TAuditService;
  mail: Pick<TMailService, 'enqueue'>;
  orgs: Pick<TOrgService, 'createOrganisation'>;
}) {
  const { db, config, crypto, audit, mail } = deps;

  const hashPassword = (password: string) => argonHash(password, ARGON);

  async function createSession(userId: string, actor: Actor) {
    const token = randomToken(32);
    const csrfToken = randomToken(24);
    const id = newId('userSession');
    const expiresAt = new Date(Date.now() + config.sessionTtlHours * 3600_000);
    await db
      .insertInto('userSessions')
      .values({ id, userId, tokenHash: sha256(token), csrfToken, ip: actor.ip ?? null, userAgent: actor.userAgent?.slice(0, 512) ?? null, expiresAt })
      .execute();
    return { token, csrfToken, expiresAt, id };
  }

  /** Counts a failure for the key; refuses once the window's budget is spent. Shared by all processes. */
  async function throttleCheck(key: string, limit: number) {
    const row = await db.selectFrom('authThrottle').selectAll().where('key', '=', key).executeTakeFirst();
    if (!row) return;
    const windowEnd = row.windowStart.getTime() + THROTTLE.windowMinutes * 60_000;
    if (row.failures >= limit && windowEnd > Date.now()) {
      throw tooMany((windowEnd - Date.now()) / 1000, 'Too many failed sign-in attempts. Try again later.', 'too_many_attempts');
    }
  }

  async function throttleFail(key: string) {
    await sql`
      INSERT INTO auth_throttle (key, window_start, failures) VALUES (${key}, now(), 1)
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN auth_throttle.window_start < now() - make_interval(mins => ${THROTTLE.windowMinutes}) THEN 1 ELSE auth_throttle.failures + 1 END,
        window_start = CASE WHEN auth_throttle.window_start < now() - make_interval(mins => ${THROTTLE.windowMinutes}) THEN now() ELSE auth_throttle.window_start END`.execute(db);
  }

  async function checkTotp(user: User, code: string | undefined) {
    if (!user.totpEnabled) return;
    if (!code) throw new AppError(401, 'mfa_required', 'Enter the code from your authenticator app.');
    const secret = crypto.decrypt(user.totpSecret!, user.id, 'totp');
    const r = await totpVerify({ secret, token: code.replace(/\s+/g, ''), epochTolerance: 30 });
    if (!r.valid) throw new AppError(401, 'mfa_invalid', 'The authenticator code is not valid.');
  }

  return {
    hashPassword,

    async signup(input: { email: string; password: string; name: string; companyName: string; language?: string }, actor: Actor) {
      const exists = await db.selectFrom('users').select('id').where('email', '=', input.email).executeTakeFirst();
      if (exists) throw conflict('email_taken', 'An account with this email already exists.');
      const passwordHash = await hashPassword(input.password);
      const { org, user } = await db.transaction().execute(async (tx) => {
        const created = await deps.orgs.createOrganisation(tx, { name: input.companyName, owner: { email: input.email, name: input.name, passwordHash, language: input.language } }, actor);
        return created;
      });
      const session = await createSession(user.id, { ...actor, id: user.id });
      return { org, user, session };
    },

    async login(input: { email: string; password: string; totpCode?: string }, actor: Actor) {
      const emailKey = `email:${input.email}`;
      const ipKey = `ip:${actor.ip ?? 'unknown'}`;
      await throttleCheck(emailKey, THROTTLE.perEmail);
      await throttleCheck(ipKey, THROTTLE.perIp);
      const user = await db.selectFrom('users').selectAll().where('email', '=', input.email).executeTakeFirst();
      const ok = user?.passwordHash ? await argonVerify(user.passwordHash, input.password) : (await argonVerify(await DUMMY_HASH_P, input.password), false);
      if (!user || !ok || user.status !== 'active') {
        await throttleFail(emailKey);
        await throttleFail(ipKey);
        await audit.record(db, {
          orgId: user?.orgId ?? null,
          actor: { ...actor, type: 'user', id: user?.id ?? null, label: null },
          action: 'auth.login_failed',
          targetType: 'user',
          targetId: user?.id,
        });
        throw unauthorized('Email or password is incorrect.', 'invalid_credentials');
      }
      try {
        await checkTotp(user, input.totpCode);
      } catch (e) {
        if ((e as AppError).code === 'mfa_invalid') {
          await throttleFail(emailKey);
        }
        throw e;
      }
      await db.deleteFrom('authThrottle').where('key', '=', emailKey).execute();
      const session = await createSession(user.id, actor);
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('users').set({ lastLoginAt: new Date() }).where('id', '=', user.id).execute();
        await audit.record(tx, { orgId: user.orgId, actor: { ...actor, type: 'user', id: user.id, label: user.email }, action: 'auth.login', targetType: 'user', targetId: user.id });
      });
      return { user, session };
    },

    async logout(sessionId: string, orgId: string, actor: Actor) {
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('userSessions').set({ revokedAt: new Date() }).where('id', '=', sessionId).execute();
        await audit.record(tx, { orgId, actor, action: 'auth.logout', targetType: 'user', targetId: actor.id ?? undefined });
      });
    },

    /** Resolves a session cookie; sliding expiry is refreshed at most once a minute to spare writes. */
    async resolveSession(token: string): Promise<SessionUser | null> {
      const row = await db
        .selectFrom('userSessions as s')
        .innerJoin('users as u', 'u.id', 's.userId')
        .innerJoin('roles as r', 'r.id', 'u.roleId')
        .innerJoin('organisations as o', 'o.id', 'u.orgId')
        .selectAll('u')
        .select(['s.id as sessionId', 's.csrfToken', 's.expiresAt', 's.revokedAt', 's.lastSeenAt', 'r.permissions', 'r.name as roleName', 'o.status as orgStatus'])
        .where('s.tokenHash', '=', sha256(token))
        .executeTakeFirst();
      if (!row || row.revokedAt || row.expiresAt.getTime() < Date.now() || row.status !== 'active' || row.orgStatus !== 'active') return null;
      if (Date.now() - row.lastSeenAt.getTime() > 60_000) {
        const expiresAt = new Date(Date.now() + config.sessionTtlHours * 3600_000);
        await db.updateTable('userSessions').set({ lastSeenAt: new Date(), expiresAt }).where('id', '=', row.sessionId).execute();
        row.expiresAt = expiresAt;
      }
      const { sessionId, csrfToken, expiresAt, revokedAt: _r, lastSeenAt: _l, permissions, roleName, orgStatus: _o, ...user } = row;
      return { user, permissions: new Set(permissions.filter(isPermission)), roleName, session: { id: sessionId, csrfToken, expiresAt } };
    },

    /** Always answers the same way, whether or not the email has an account (no account enumeration). */
    async requestPasswordReset(email: string, actor: Actor) {
      const user = await db.selectFrom('users').selectAll().where('email', '=', email).where('status', '=', 'active').executeTakeFirst();
      if (!user) return;
      const token = randomToken(32);
      await db.transaction().execute(async (tx) => {
        await tx
          .insertInto('oneTimeTokens')
          .values({ tokenHash: sha256(token), purpose: 'password_reset', orgId: user.orgId, userId: user.id, expiresAt: new Date(Date.now() + RESET_TTL_MINUTES * 60_000) })
          .execute();
        const link = `${config.publicUrl}/app/reset-password?token=${encodeURIComponent(token)}`;
        await mail.enqueue(tx, {
          orgId: user.orgId,
          to: user.email,
          subject: 'Reset your Tessera password',
          text: `Someone asked to reset the password of your Tessera account.\n\nReset it here (valid ${RESET_TTL_MINUTES} minutes, once):\n${link}\n\nIf it was not you, ignore this email.`,
        });
        await audit.record(tx, { orgId: user.orgId, actor, action: 'auth.password_reset_requested', targetType: 'user', targetId: user.id });
      });
    },

    async resetPassword(token: string, password: string, actor: Actor) {
      const passwordHash = await hashPassword(password);
      await db.transaction().execute(async (tx) => {
        // Consuming with UPDATE … WHERE used_at IS NULL makes the token single-use even under races.
        const t = await tx
          .updateTable('oneTimeTokens')
          .set({ usedAt: new Date() })
          .where('tokenHash', '=', sha256(token))
          .where('purpose', '=', 'password_reset')
          .where('usedAt', 'is', null)
          .where('expiresAt', '>', new Date())
          .returningAll()
          .executeTakeFirst();
        if (!t?.userId) throw badRequest('invalid_token', 'This reset link is invalid, expired or already used.');
        await tx.updateTable('users').set({ passwordHash, updatedAt: new Date() }).where('id', '=', t.userId).execute();
        await tx.updateTable('userSessions').set({ revokedAt: new Date() }).where('userId', '=', t.userId).where('revokedAt', 'is', null).execute();
        await audit.record(tx, { orgId: t.orgId, actor: { ...actor, type: 'user', id: t.userId }, action: 'auth.password_reset', targetType: 'user', targetId: t.userId });
      });
    },

    async changePassword(user: User, current: string, next: string, keepSessionId: string, actor: Actor) {
      if (!user.passwordHash || !(await argonVerify(user.passwordHash, current))) throw badRequest('invalid_password', 'The current password is incorrect.');
      const passwordHash = await hashPassword(next);
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('users').set({ passwordHash, updatedAt: new Date() }).where('id', '=', user.id).execute();
        await tx.updateTable('userSessions').set({ revokedAt: new Date() }).where('userId', '=', user.id).where('id', '!=', keepSessionId).where('revokedAt', 'is', null).execute();
        await audit.record(tx, { orgId: user.orgId, actor, action: 'user.password_changed', targetType: 'user', targetId: user.id });
      });
    },

    async updateAccount(user: User, patch: { name?: string; language?: string }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const after = await tx.updateTable('users').set({ ...patch, updatedAt: new Date() }).where('id', '=', user.id).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: user.orgId, actor, action: 'user.updated', targetType: 'user', targetId: user.id, before: { name: user.name, language: user.language }, after: patch });
        return after;
      });
    },

    /** Starts 2FA enrolment: the secret is stored (encrypted) but only enforced once a code confirms it. */
    async setupTotp(user: User, actor: Actor) {
      if (user.totpEnabled) throw conflict('mfa_already_enabled', 'Two-factor authentication is already on.');
      const secret = generateSecret();
      await db.updateTable('users').set({ totpSecret: crypto.encrypt(secret, user.id, 'totp') }).where('id', '=', user.id).execute();
      const uri = generateURI({ issuer: 'Tessera', label: user.email, secret });
      void actor;
      return { secret, otpauthUrl: uri, qrCodeDataUrl: await QRCode.toDataURL(uri) };
    },

    async enableTotp(user: User, code: string, actor: Actor) {
      if (!user.totpSecret) throw badRequest('mfa_not_setup', 'Start two-factor setup first.');
      const secret = crypto.decrypt(user.totpSecret, user.id, 'totp');
      const r = await totpVerify({ secret, token: code.replace(/\s+/g, ''), epochTolerance: 30 });
      if (!r.valid) throw badRequest('mfa_invalid', 'The authenticator code is not valid.');
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('users').set({ totpEnabled: true, updatedAt: new Date() }).where('id', '=', user.id).execute();
        await audit.record(tx, { orgId: user.orgId, actor, action: 'user.mfa_enabled', targetType: 'user', targetId: user.id });
      });
    },

    async disableTotp(user: User, password: string, code: string, actor: Actor) {
      if (!user.passwordHash || !(await argonVerify(user.passwordHash, password))) throw badRequest('invalid_password', 'The password is incorrect.');
      await checkTotp(user, code).catch(() => {
        throw badRequest('mfa_invalid', 'The authenticator code is not valid.');
      });
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('users').set({ totpEnabled: false, totpSecret: null, updatedAt: new Date() }).where('id', '=', user.id).execute();
        await audit.record(tx, { orgId: user.orgId, actor, action: 'user.mfa_disabled', targetType: 'user', targetId: user.id });
      });
    },

    createSession,
  };
}
