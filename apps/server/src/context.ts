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
import { eventServiceFactory } from './modules/event/event-service.ts';
import { flowServiceFactory } from './modules/flow/flow-service.ts';
import { demoFlowSeeder } from './modules/flow/demo-flows.ts';
import { stateMachineFactory } from './modules/applicant/state-machine.ts';
import { applicantServiceFactory } from './modules/applicant/applicant-service.ts';
import { applicantViewFactory } from './modules/applicant/applicant-view.ts';
import { erasureServiceFactory } from './modules/applicant/erasure-service.ts';
import { sessionServiceFactory } from './modules/session/session-service.ts';
import { stepServiceFactory } from './modules/steps/step-service.ts';
import { reviewServiceFactory } from './modules/review/review-service.ts';
import { linkServiceFactory } from './modules/link/link-service.ts';
import { otpServiceFactory } from './modules/otp/otp-service.ts';
import { consoleSmsProvider, httpSmsProvider } from './modules/otp/sms-provider.ts';
import { livenessServiceFactory } from './modules/biometrics/liveness-service.ts';
import { webhookServiceFactory } from './modules/webhook/webhook-service.ts';
import { createWebhookWorker } from './jobs/deliver-webhook.ts';
import { amlListsServiceFactory } from './modules/aml/aml-lists-service.ts';
import { createAmlIndex } from './modules/aml/aml-index.ts';
import { amlServiceFactory } from './modules/aml/aml-service.ts';
import { amlProcessor } from './modules/aml/aml-processor.ts';
import { amlMonitorJob } from './jobs/aml.ts';
import { faceStoreFactory } from './modules/biometrics/face-store.ts';
import { documentProcessor } from './modules/documents/document-processor.ts';
import { closeDocumentEngine } from './modules/documents/document-engine.ts';
import { faceListServiceFactory } from './modules/biometrics/face-list-service.ts';
import { faceChecksFactory, faceMatchProcessor, livenessProcessor, selfieProcessor, selfieWithDocumentProcessor } from './modules/biometrics/face-processors.ts';

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
  const events = eventServiceFactory({ db });
  const flows = flowServiceFactory({ db, audit });
  const states = stateMachineFactory({ audit, events });
  const applicants = applicantServiceFactory({ db, config, crypto, audit, events, flows, states });
  const sessions = sessionServiceFactory({ db, config, crypto, audit, flows });
  const steps = stepServiceFactory({ db, crypto, storage, queue, audit, events, flows, states, sessions });
  const review = reviewServiceFactory({ db, crypto, audit, events, states, applicants, steps, queue });
  const applicantView = applicantViewFactory({ db, crypto, steps, sessions });
  const erasure = erasureServiceFactory({ db, storage, audit });
  const links = linkServiceFactory({ db, config, crypto, audit, flows, sessions, events });
  const sms = config.sms.provider === 'http' ? httpSmsProvider(config.sms.url!, config.sms.token, logger) : consoleSmsProvider(config.env);
  const otp = otpServiceFactory({ db, crypto, mail, sms });
  const liveness = livenessServiceFactory({ db });
  demo.addSeeder(demoFlowSeeder({ db, flows }));
  const webhooks = webhookServiceFactory({ db, config, crypto, audit, mail, applications, logger });
  // Deliveries are written in the transaction of the event, endpoints in that of the application's webhook URL change.
  events.onEvent((tx, event) => webhooks.enqueueForEvent(tx, event));
  applications.onWebhookSettingsChanged((tx, app, actor) => webhooks.syncApplication(tx, app, actor));
  const webhookWorker = createWebhookWorker({ engine: webhooks.engine, logger, concurrency: config.webhooks.concurrency });
  const amlIndex = createAmlIndex({ db, logger });
  const aml = amlServiceFactory({ db, crypto, audit, events, index: amlIndex });
  const amlLists = amlListsServiceFactory({ db, audit, onVersion: (tx, source, version) => queue.send(tx, amlMonitorJob, { source, version }).then(() => undefined) });
  steps.registerProcessor('aml', amlProcessor(aml));
  const faces = faceStoreFactory({ db, crypto, hasVector: database.hasVector && config.faceSearch === 'hnsw' });
  const faceLists = faceListServiceFactory({ db, audit, faces, storage });
  const faceCheck = faceChecksFactory({ faces, listKind: faceLists.kindOf, threshold: 85 });
  steps.registerProcessor('selfie', selfieProcessor(faceCheck));
  steps.registerProcessor('liveness', livenessProcessor({ check: faceCheck, faces }));
  steps.registerProcessor('selfie_with_document', selfieWithDocumentProcessor({ check: faceCheck, faces }));
  steps.registerProcessor('face_match', faceMatchProcessor({ faces }));
  steps.registerProcessor('document', documentProcessor({ db, crypto }));
  steps.onFinish(async (tx, a, sub, r) => {
    for (const f of r.faces ?? []) await faces.save(tx, { orgId: a.orgId, mode: a.mode, applicantId: a.id, submissionId: sub.id, source: f.source, embedding: f.embedding, quality: f.quality ?? null });
  });

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
    events,
    flows,
    states,
    applicants,
    applicantView,
    sessions,
    steps,
    review,
    erasure,
    links,
    otp,
    liveness,
    webhooks,
    /** Sends webhook deliveries; started by worker processes (server.ts). */
    webhookWorker,
    aml,
    amlIndex,
    amlLists,
    faces,
    faceLists,
    /** The applicant-token authenticator used by routes with auth 'applicant'. */
    resolveApplicantToken: sessions.resolve,
    async close() {
      await webhookWorker.stop();
      await queue.stop();
      await closeDocumentEngine();
      await mail.close();
      await database.close();
    },
  };
  return ctx;
}

export type AppContext = Awaited<ReturnType<typeof createContext>>;
