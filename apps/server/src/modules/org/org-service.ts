import type { Kysely, Transaction } from 'kysely';
import type { DB, Organisation } from '../../db/types.ts';
import { newId, randomToken } from '../../lib/ids.ts';
import { BUILTIN_ROLES } from '../../lib/permissions.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import type { TApplicationService } from '../application/application-service.ts';
import { notFound } from '../../lib/errors.ts';

export type OrgSettingsPatch = Partial<Pick<Organisation, 'name' | 'address' | 'phone' | 'email' | 'contact' | 'info'>>;

export type TOrgService = ReturnType<typeof orgServiceFactory>;

export function orgServiceFactory(deps: {
  db: Kysely<DB>;
  audit: TAuditService;
  applications: Pick<TApplicationService, 'createApplication'>;
}) {
  const { db, audit } = deps;

  return {
    /** A new tenant: its built-in roles, its owner, and a default application in each mode. */
    async createOrganisation(
      tx: Transaction<DB>,
      input: { name: string; isDemo?: boolean; owner: { email: string; name: string; passwordHash: string | null; language?: string } },
      actor: Actor,
    ) {
      const org = await tx
        .insertInto('organisations')
        .values({ id: newId('organisation'), name: input.name, clientKey: `ck_${randomToken(18)}`, settings: JSON.stringify({}), isDemo: input.isDemo ?? false })
        .returningAll()
        .executeTakeFirstOrThrow();
      const roles = await tx
        .insertInto('roles')
        .values(BUILTIN_ROLES.map((r) => ({ id: newId('role'), orgId: org.id, name: r.name, description: r.description, permissions: r.permissions, builtin: r.key })))
        .returningAll()
        .execute();
      const ownerRole = roles.find((r) => r.builtin === 'owner')!;
      const user = await tx
        .insertInto('users')
        .values({
          id: newId('user'),
          orgId: org.id,
          email: input.owner.email,
          name: input.owner.name,
          passwordHash: input.owner.passwordHash,
          language: input.owner.language ?? 'en',
          roleId: ownerRole.id,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const who: Actor = actor.type === 'system' ? actor : { ...actor, type: 'user', id: user.id, label: user.email };
      await audit.record(tx, { orgId: org.id, actor: who, action: 'organisation.created', targetType: 'organisation', targetId: org.id, after: { name: org.name } });
      await audit.record(tx, { orgId: org.id, actor: who, action: 'user.created', targetType: 'user', targetId: user.id, after: { email: user.email, role: ownerRole.name } });
      for (const mode of ['test', 'live'] as const) {
        await deps.applications.createApplication(tx, { orgId: org.id, mode }, { name: 'Default application', description: '' }, who);
      }
      return { org, user, roles };
    },

    async get(orgId: string) {
      const org = await db.selectFrom('organisations').selectAll().where('id', '=', orgId).executeTakeFirst();
      if (!org) throw notFound('Organisation');
      return org;
    },

    async update(orgId: string, patch: OrgSettingsPatch, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const before = await tx.selectFrom('organisations').selectAll().where('id', '=', orgId).forUpdate().executeTakeFirstOrThrow();
        const after = await tx.updateTable('organisations').set({ ...patch, updatedAt: new Date() }).where('id', '=', orgId).returningAll().executeTakeFirstOrThrow();
        const changed = Object.fromEntries(Object.keys(patch).map((k) => [k, before[k as keyof Organisation]]));
        await audit.record(tx, { orgId, actor, action: 'organisation.updated', targetType: 'organisation', targetId: orgId, before: changed, after: patch });
        return after;
      });
    },
  };
}
