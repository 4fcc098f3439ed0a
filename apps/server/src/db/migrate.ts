import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { sha256 } from '../lib/crypto.ts';
import type { Database } from './connection.ts';

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant works; it only has to be the same for every tessera process.
const MIGRATION_LOCK = 727_384_001;

export type MigrationResult = { applied: string[]; total: number };

/**
 * Applies pending plain-SQL migrations in one transaction under an advisory lock, so two processes
 * starting together apply each migration exactly once (the second waits, then finds nothing to do).
 * An applied migration whose file changed is refused: history must not be rewritten.
 */
export async function migrate(database: Database): Promise<MigrationResult> {
  const files = fs
    .readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_.+\.sql$/.test(f))
    .sort();
  return database.db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(tx);
    await sql`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`.execute(tx);
    const done = new Map(
      (await sql<{ version: string; checksum: string }>`SELECT version, checksum FROM schema_migrations`.execute(tx)).rows.map(
        (r) => [r.version, r.checksum],
      ),
    );
    const applied: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
      const checksum = sha256(text);
      const version = file.replace(/\.sql$/, '');
      const previous = done.get(version);
      if (previous) {
        if (previous !== checksum) throw new Error(`migration ${file} was changed after it was applied`);
        continue;
      }
      await sql.raw(text).execute(tx);
      await sql`INSERT INTO schema_migrations (version, checksum) VALUES (${version}, ${checksum})`.execute(tx);
      applied.push(version);
    }
    return { applied, total: files.length };
  });
}
