import { verify as argonVerify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Config } from '../../config.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { randomToken } from '../../lib/ids.ts';
import { SYSTEM_ACTOR } from '../audit/audit-service.ts';
import type { TOrgService } from '../org/org-service.ts';
import type { TApplicationService } from '../application/application-service.ts';
import type { TAuthService } from '../auth/auth-service.ts';

export const DEMO_EMAIL = 'admin@demo.tessera.test';

export type DemoSeeder = (orgId: string) => Promise<void>;

export type TDemoService = ReturnType<typeof demoServiceFactory>;

/**
 * The demo organisation: created once (idempotently), with an admin whose generated password is kept
 * encrypted so every `tessera demo` prints a working login.
 */
export function demoServiceFactory(deps: {
  db: Kysely<DB>;
  config: Config;
  crypto: Crypto;
  orgs: Pick<TOrgService, 'createOrganisation'>;
  applications: Pick<TApplicationService, 'createKeyForDefaultApp' | 'revokeKey' | 'forgetVerifiedKeys'>;
  auth: Pick<TAuthService, 'hashPassword'>;
}) {
  const { db, crypto } = deps;
  const seeders: DemoSeeder[] = [];

  async function ensure(): Promise<{ orgId: string; email: string; password: string; created: boolean }> {
    const existing = await db.selectFrom('organisations').selectAll().where('isDemo', '=', true).orderBy('createdAt').executeTakeFirst();
    if (existing) {
      const enc = (existing.settings as { demoPassword?: string }).demoPassword;
      const password = enc ? crypto.decrypt(enc, existing.id, 'demo') : randomToken(12);
      const user = await db.selectFrom('users').selectAll().where('email', '=', DEMO_EMAIL).executeTakeFirst();
      if (user && (!user.passwordHash || !(await argonVerify(user.passwordHash, password)))) {
        await db.updateTable('users').set({ passwordHash: await deps.auth.hashPassword(password), status: 'active' }).where('id', '=', user.id).execute();
      }
      return { orgId: existing.id, email: DEMO_EMAIL, password, created: false };
    }
    const password = randomToken(12);
    const passwordHash = await deps.auth.hashPassword(password);
    // Two processes starting on one empty database: the unique email makes the loser fail, and it then
    // reads the winner's organisation.
    try {
      const orgId = await db.transaction().execute(async (tx) => {
        const { org } = await deps.orgs.createOrganisation(
          tx,
          { name: 'Demo Company', isDemo: true, owner: { email: DEMO_EMAIL, name: 'Demo Admin', passwordHash } },
          SYSTEM_ACTOR,
        );
        await tx
          .updateTable('organisations')
          .set({ settings: JSON.stringify({ demoPassword: crypto.encrypt(password, org.id, 'demo') }) })
          .where('id', '=', org.id)
          .execute();
        return org.id;
      });
      for (const seed of seeders) await seed(orgId);
      return { orgId, email: DEMO_EMAIL, password, created: true };
    } catch (e) {
      const again = await db.selectFrom('organisations').select('id').where('isDemo', '=', true).executeTakeFirst();
      if (again) return ensure();
      throw e;
    }
  }

  return {
    ensure,

    /** Modules add demo content (example flows…) that is created with the demo organisation. */
    addSeeder(seed: DemoSeeder) {
      seeders.push(seed);
    },

    async isDatabaseEmpty() {
      const r = await db.selectFrom('organisations').select('id').limit(1).executeTakeFirst();
      return !r;
    },

    /** Fresh private keys for both modes; `replaceName` revokes earlier keys of that name first. */
    async createKeys(orgId: string, name: string, replaceName = false) {
      const out: Record<'test' | 'live', string> = { test: '', live: '' };
      await db.transaction().execute(async (tx) => {
        for (const mode of ['test', 'live'] as const) {
          if (replaceName) {
            await tx.updateTable('apiKeys').set({ revokedAt: new Date() }).where('orgId', '=', orgId).where('mode', '=', mode).where('name', '=', name).where('revokedAt', 'is', null).execute();
          }
          const r = await deps.applications.createKeyForDefaultApp(tx, { orgId, mode }, name, SYSTEM_ACTOR);
          out[mode] = r.secret;
        }
      });
      deps.applications.forgetVerifiedKeys();
      return out;
    },
  };
}
