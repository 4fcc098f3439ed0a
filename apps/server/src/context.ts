import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { openDatabase, type Database } from './db/connection.ts';
import { createCrypto } from './lib/crypto.ts';
import { createStorage } from './lib/storage.ts';
import { createQueue } from './jobs/queue.ts';
import { allJobs } from './jobs/index.ts';
import { auditServiceFactory } from './modules/audit/audit-service.ts';
import { mailServiceFactory } from './modules/mail/mail-service.ts';
import { applicationServiceFactory } from './modules/application/application-service.ts';
import { orgServiceFactory } from './modules/org/org-service.ts';
import { authServiceFactory } from './modules/auth/auth-service.ts';
import { teamServiceFactory } from './modules/team/team-service.ts';
import { demoServiceFactory } from './modules/demo/demo-service.ts';

/** The composition root: every service is built here once, from its explicit dependencies. */
export async function createContext(config: Config, opts: { database?: Database; logger?: Logger } = {}) {
  const logger =
    opts.logger ??
    pino({
      level: config.logLevel,
      // Personal data never reaches the log: credentials are redacted and bodies are never logged.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]', '*.password', '*.token'],
    });
  const database =
    opts.database ??
    (await openDatabase({ databaseUrl: config.databaseUrl, embedded: { dataDir: config.dataDir }, poolMax: config.dbPoolMax }));
  const db = database.db;
  const crypto = createCrypto(config.masterKey);
  const storage = createStorage(config, crypto);
  const queue = createQueue({ database, logger });
  const audit = auditServiceFactory({ db });
  const mail = mailServiceFactory({ db, queue, config });
  const applications = applicationServiceFactory({ db, crypto, audit });
  const orgs = orgServiceFactory({ db, audit, applications });
  const auth = authServiceFactory({ db, config, crypto, audit, mail, orgs });
  const team = teamServiceFactory({ db, config, audit, mail, hashPassword: auth.hashPassword });
  const demo = demoServiceFactory({ db, config, crypto, orgs, applications, auth });

  queue.define(allJobs);

  const ctx = {
    config,
    logger,
    database,
    db,
    crypto,
    storage,
    queue,
    audit,
    mail,
    applications,
    orgs,
    auth,
    team,
    demo,
    async close() {
      await queue.stop();
      await mail.close();
      await database.close();
    },
  };
  return ctx;
}

export type AppContext = Awaited<ReturnType<typeof createContext>>;
