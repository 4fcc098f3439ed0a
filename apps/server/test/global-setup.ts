import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrate.ts';
import { createQueue } from '../src/jobs/queue.ts';
import { allJobs } from '../src/jobs/index.ts';
import pino from 'pino';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    pgTemplateDb: string;
  }
}

/**
 * Migrates one database per run and lets every test file start from a copy: a PGlite data-dir dump on the
 * embedded database, a `CREATE DATABASE … TEMPLATE` on PostgreSQL. Migrations and pg-boss's schema are
 * paid once, and each file gets an isolated database.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `tessera_tpl_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const tplUrl = new URL(url);
    tplUrl.pathname = `/${name}`;
    const database = await openDatabase({ databaseUrl: tplUrl.toString() });
    await prepare(database);
    await database.close();
    project.provide('pgTemplateDb', name);
    project.provide('pgliteTemplate', '');
    return async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const dbs = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'tessera_t%_${process.pid}%' OR datname = $1`, [name]);
      for (const r of dbs.rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      await c.end();
    };
  }
  const database = await openDatabase({ embedded: { dataDir: 'memory://' } });
  await prepare(database);
  const lite = database.lite;
  if (!lite) throw new Error('embedded database handle not exposed');
  const dump = await lite.dumpDataDir('none');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-tpl-')), 'template.tar');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  project.provide('pgliteTemplate', file);
  project.provide('pgTemplateDb', '');
  return () => fs.rmSync(path.dirname(file), { recursive: true, force: true });
}

async function prepare(database: Awaited<ReturnType<typeof openDatabase>>) {
  await migrate(database);
  const queue = createQueue({ database, logger: pino({ level: 'silent' }) });
  queue.define(allJobs);
  await queue.start({ work: false, schedule: false });
  await queue.stop();
}
