import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Config } from '../../config.ts';
import { sha256 } from '../../lib/crypto.ts';
import { newId, randomToken } from '../../lib/ids.ts';
import { badRequest, conflict, forbidden, notFound } from '../../lib/errors.ts';
import type { Permission } from '../../lib/permissions.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import type { TMailService } from '../mail/mail-service.ts';

const INVITE_TTL_DAYS = 7;

export type TTeamService = ReturnType<typeof teamServiceFactory>;

export function teamServiceFactory(deps: {
  db: Kysely<DB>;
  config: Config;
  audit: TAuditService;
  mail: Pick<TMailService, 'enqueue'>;
  hashPassword: (p: string) => Promise<string>;
}) {
  const { db, config, audit, mail } = deps;

  async function mustRole(orgId: string, roleId: string) {
    const role = await db.selectFrom('roles').selectAll().where('orgId', '=', orgId).where('id', '=', roleId).executeTakeFirst();
    if (!role) throw notFound('Role');
    return role;
  }

  async function mustUser(orgId: string, userId: string) {
    const u = await db.selectFrom('users').selectAll().where('orgId', '=', orgId).where('id', '=', userId).executeTakeFirst();
    if (!u) throw notFound('User');
    return u;
  }

  /** The organisation must always keep an active owner who can manage the team. */
  async function assertKeepsOwner(orgId: string, userId: string) {
    const owners = await db
      .selectFrom('users as u')
      .innerJoin('roles as r', 'r.id', 'u.roleId')
      .select('u.id')
      .where('u.orgId', '=', orgId)
      .where('r.builtin', '=', 'owner')
      .where('u.status', '=', 'active')
      .execute();
    if (owners.length === 1 && owners[0].id === userId) throw conflict('last_owner', 'The organisation needs at least one active owner.');
  }

  return {
    async listUsers(orgId: string) {
      return db
        .selectFrom('users as u')
        .innerJoin('roles as r', 'r.id', 'u.roleId')
        .select(['u.id', 'u.email', 'u.name', 'u.language', 'u.status', 'u.roleId', 'r.name as roleName', 'u.totpEnabled', 'u.lastLoginAt', 'u.createdAt'])
        .where('u.orgId', '=', orgId)
        .orderBy('u.createdAt')
        .execute();
    },

    async changeRole(orgId: string, userId: string, roleId: string, actor: Actor) {
      const user = await mustUser(orgId, userId);
      const role = await mustRole(orgId, roleId);
      if (role.id === user.roleId) return user;
      const oldRole = await mustRole(orgId, user.roleId);
      if (oldRole.builtin === 'owner') await assertKeepsOwner(orgId, userId);
      return db.transaction().execute(async (tx) => {
        const after = await tx.updateTable('users').set({ roleId, updatedAt: new Date() }).where('id', '=', userId).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, { orgId, actor, action: 'user.role_changed', targetType: 'user', targetId: userId, before: { role: oldRole.name }, after: { role: role.name } });
        return after;
      });
    },

    async setStatus(orgId: string, userId: string, status: 'active' | 'deactivated', actor: Actor) {
      const user = await mustUser(orgId, userId);
      if (status === 'deactivated') {
        if (actor.id === userId) throw conflict('cannot_deactivate_self', 'You cannot deactivate your own account.');
        await assertKeepsOwner(orgId, userId);
      }
      return db.transaction().execute(async (tx) => {
        const after = await tx.updateTable('users').set({ status, updatedAt: new Date() }).where('id', '=', userId).returningAll().executeTakeFirstOrThrow();
        if (status === 'deactivated') {
          await tx.updateTable('userSessions').set({ revokedAt: new Date() }).where('userId', '=', userId).where('revokedAt', 'is', null).execute();
        }
        await audit.record(tx, { orgId, actor, action: status === 'active' ? 'user.reactivated' : 'user.deactivated', targetType: 'user', targetId: userId, before: { status: user.status }, after: { status } });
        return after;
      });
    },

    async listRoles(orgId: string) {
      const roles = await db.selectFrom('roles').selectAll().where('orgId', '=', orgId).orderBy('createdAt').orderBy('name').execute();
      const counts = await db.selectFrom('users').select(['roleId', (eb) => eb.fn.countAll<number>().as('n')]).where('orgId', '=', orgId).groupBy('roleId').execute();
      return roles.map((r) => ({ ...r, userCount: Number(counts.find((c) => c.roleId === r.id)?.n ?? 0) }));
    },

    async createRole(orgId: string, input: { name: string; description?: string; permissions: Permission[] }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const dup = await tx.selectFrom('roles').select('id').where('orgId', '=', orgId).where('name', '=', input.name).executeTakeFirst();
        if (dup) throw conflict('role_exists', 'A role with this name already exists.');
        const role = await tx
          .insertInto('roles')
          .values({ id: newId('role'), orgId, name: input.name, description: input.description ?? '', permissions: [...new Set(input.permissions)], builtin: null })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit.record(tx, { orgId, actor, action: 'role.created', targetType: 'role', targetId: role.id, after: { name: role.name, permissions: role.permissions } });
        return role;
      });
    },

    async updateRole(orgId: string, roleId: string, patch: { name?: string; description?: string; permissions?: Permission[] }, actor: Actor) {
      const role = await mustRole(orgId, roleId);
      if (role.builtin) throw forbidden('Built-in roles cannot be changed; create a custom role instead.', 'builtin_role');
      return db.transaction().execute(async (tx) => {
        const after = await tx
          .updateTable('roles')
          .set({ ...patch, permissions: patch.permissions ? [...new Set(patch.permissions)] : undefined, updatedAt: new Date() })
          .where('id', '=', roleId)
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit.record(tx, { orgId, actor, action: 'role.updated', targetType: 'role', targetId: roleId, before: { name: role.name, permissions: role.permissions }, after: patch });
        return after;
      });
    },

    async deleteRole(orgId: string, roleId: string, actor: Actor) {
      const role = await mustRole(orgId, roleId);
      if (role.builtin) throw forbidden('Built-in roles cannot be deleted.', 'builtin_role');
      const inUse = await db.selectFrom('users').select('id').where('roleId', '=', roleId).executeTakeFirst();
      if (inUse) throw conflict('role_in_use', 'Move the users of this role to another role first.');
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('invites').where('roleId', '=', roleId).where('status', '!=', 'pending').execute();
        const pending = await tx.selectFrom('invites').select('id').where('roleId', '=', roleId).executeTakeFirst();
        if (pending) throw conflict('role_in_use', 'Revoke the pending invitations for this role first.');
        await tx.deleteFrom('roles').where('id', '=', roleId).execute();
        await audit.record(tx, { orgId, actor, action: 'role.deleted', targetType: 'role', targetId: roleId, before: { name: role.name, permissions: role.permissions } });
      });
    },

    async listInvites(orgId: string) {
      return db.selectFrom('invites').selectAll().where('orgId', '=', orgId).orderBy('createdAt', 'desc').execute();
    },

    /** Emails a single-use link; the token is stored hashed and expires after a week. */
    async invite(orgId: string, input: { email: string; roleId: string }, actor: Actor) {
      const role = await mustRole(orgId, input.roleId);
      const existing = await db.selectFrom('users').select('id').where('email', '=', input.email).executeTakeFirst();
      if (existing) throw conflict('email_taken', 'This person already has a Tessera account.');
      const org = await db.selectFrom('organisations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow();
      const token = randomToken(32);
      return db.transaction().execute(async (tx) => {
        await tx.updateTable('invites').set({ status: 'revoked' }).where('orgId', '=', orgId).where('email', '=', input.email).where('status', '=', 'pending').execute();
        const expiresAt = new Date(Date.now() + INVITE_TTL_DAYS * 86400_000);
        const inv = await tx
          .insertInto('invites')
          .values({ id: newId('invite'), orgId, email: input.email, roleId: role.id, invitedBy: actor.id, expiresAt })
          .returningAll()
          .executeTakeFirstOrThrow();
        await tx
          .insertInto('oneTimeTokens')
          .values({ tokenHash: sha256(token), purpose: 'invite', orgId, email: input.email, roleId: role.id, inviteId: inv.id, createdBy: actor.id, expiresAt })
          .execute();
        const link = `${config.publicUrl}/app/accept-invite?token=${encodeURIComponent(token)}`;
        await mail.enqueue(tx, {
          orgId,
          to: input.email,
          subject: `You are invited to ${org.name} on Tessera`,
          text: `${actor.label ?? 'A colleague'} invited you to join ${org.name} on Tessera as ${role.name}.\n\nAccept the invitation (valid ${INVITE_TTL_DAYS} days, once):\n${link}\n`,
        });
        await audit.record(tx, { orgId, actor, action: 'invite.created', targetType: 'invite', targetId: inv.id, after: { email: input.email, role: role.name } });
        return inv;
      });
    },

    async revokeInvite(orgId: string, inviteId: string, actor: Actor) {
      await db.transaction().execute(async (tx) => {
        const inv = await tx.updateTable('invites').set({ status: 'revoked' }).where('orgId', '=', orgId).where('id', '=', inviteId).where('status', '=', 'pending').returningAll().executeTakeFirst();
        if (!inv) throw notFound('Invitation');
        await tx.updateTable('oneTimeTokens').set({ usedAt: new Date() }).where('inviteId', '=', inviteId).where('usedAt', 'is', null).execute();
        await audit.record(tx, { orgId, actor, action: 'invite.revoked', targetType: 'invite', targetId: inviteId });
      });
    },

    async acceptInvite(token: string, input: { name: string; password: string }, actor: Actor) {
      const passwordHash = await deps.hashPassword(input.password);
      return db.transaction().execute(async (tx) => {
        const t = await tx
          .updateTable('oneTimeTokens')
          .set({ usedAt: new Date() })
          .where('tokenHash', '=', sha256(token))
          .where('purpose', '=', 'invite')
          .where('usedAt', 'is', null)
          .where('expiresAt', '>', new Date())
          .returningAll()
          .executeTakeFirst();
        if (!t?.email || !t.roleId) throw badRequest('invalid_token', 'This invitation is invalid, expired or already used.');
        const taken = await tx.selectFrom('users').select('id').where('email', '=', t.email).executeTakeFirst();
        if (taken) throw conflict('email_taken', 'This person already has a Tessera account.');
        const user = await tx
          .insertInto('users')
          .values({ id: newId('user'), orgId: t.orgId, email: t.email, name: input.name, passwordHash, roleId: t.roleId })
          .returningAll()
          .executeTakeFirstOrThrow();
        await tx.updateTable('invites').set({ status: 'accepted', acceptedAt: new Date() }).where('id', '=', t.inviteId!).execute();
        await audit.record(tx, { orgId: t.orgId, actor: { ...actor, type: 'user', id: user.id, label: user.email }, action: 'invite.accepted', targetType: 'user', targetId: user.id, after: { email: user.email } });
        return user;
      });
    },
  };
}
