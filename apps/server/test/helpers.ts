import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { inject } from 'vitest';
import { SMTPServer } from 'smtp-server';
import PostalMime from 'postal-mime';
import { loadConfig, type Config } from '../src/config.ts';
import { openDatabase, type Database } from '../src/db/connection.ts';
import { createContext, type AppContext } from '../src/context.ts';
import { buildApp } from '../src/http/app.ts';

/** An isolated, migrated database for one test file (see global-setup.ts). */
export async function testDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const tpl = inject('pgTemplateDb');
    const name = `tessera_t${crypto.randomBytes(4).toString('hex')}_${process.ppid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${tpl}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    return openDatabase({ databaseUrl: u.toString(), poolMax: 10 });
  }
  const file = inject('pgliteTemplate');
  const blob = new Blob([fs.readFileSync(file)]);
  return openDatabase({ embedded: { dataDir: 'memory://', loadDataDir: blob } });
}

/** Handles on one fresh, empty database (two separate pools on PostgreSQL, as two processes would have). */
export async function emptyDatabases(): Promise<Database[]> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `tessera_e${crypto.randomBytes(4).toString('hex')}_${process.ppid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    return [await openDatabase({ databaseUrl: u.toString() }), await openDatabase({ databaseUrl: u.toString() })];
  }
  const one = await openDatabase({ embedded: { dataDir: 'memory://' } });
  return [one, one];
}

export type Mail = { to: string; subject: string; text: string };

/** A real SMTP server in-process: tests read what Tessera actually sent. */
export async function startSmtp() {
  const inbox: Mail[] = [];
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      new Promise((r) => stream.on('end', r))
        .then(() => PostalMime.parse(Buffer.concat(chunks)))
        .then((m) => {
          inbox.push({ to: m.to?.[0]?.address ?? '', subject: m.subject ?? '', text: m.text ?? '' });
          waiters.splice(0).forEach((w) => w());
          cb();
        })
        .catch(cb);
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    async waitFor(pred: (m: Mail) => boolean, timeoutMs = 15_000): Promise<Mail> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = inbox.find(pred);
        if (m) return m;
        if (Date.now() > deadline) throw new Error('mail did not arrive');
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 200);
        });
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export function testConfig(env: Record<string, string> = {}): Config {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-test-'));
  return loadConfig(
    {
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      MASTER_KEY: crypto.randomBytes(32).toString('base64'),
      PUBLIC_URL: 'http://tessera.test',
      LOG_LEVEL: 'silent',
      ...env,
    },
    { quiet: true },
  );
}

/** A full Tessera (services, workers, HTTP app) on an isolated database. */
export async function createTestApp(opts: { env?: Record<string, string>; work?: boolean } = {}) {
  const smtp = await startSmtp();
  const config = testConfig({ SMTP_URL: smtp.url, ...opts.env });
  const database = await testDatabase();
  const ctx = await createContext(config, { database, logger: pino({ level: 'silent' }) });
  await ctx.queue.start({ work: opts.work ?? true, schedule: false, deps: ctx });
  const app = await buildApp(ctx, { logger: false });
  await app.ready();
  return {
    ctx,
    app,
    smtp,
    config,
    async close() {
      await app.close();
      await ctx.close();
      await smtp.close();
      fs.rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

type Json = Record<string, unknown> | unknown[] | null;
export type Res<T = any> = { status: number; body: T; headers: Record<string, string | string[] | undefined> };

/** An HTTP client over app.inject: a back-office browser (cookie + CSRF) or an API key. */
export class Client {
  cookie?: string;
  csrf?: string;
  mode: 'test' | 'live' = 'test';
  constructor(
    readonly t: TestApp,
    readonly apiKey?: string,
  ) {}

  /** The credentials this client sends: its bearer token, or its session cookie, mode and CSRF token. */
  authHeaders(method: string): Record<string, string> {
    const h: Record<string, string> = {};
    if (this.apiKey) h.authorization = `Bearer ${this.apiKey}`;
    if (this.cookie) {
      h.cookie = this.cookie;
      h['x-tessera-mode'] = this.mode;
      if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    }
    return h;
  }

  async req<T = any>(method: string, url: string, body?: Json, headers: Record<string, string> = {}): Promise<Res<T>> {
    const h: Record<string, string> = { ...headers, ...this.authHeaders(method) };
    const r = await this.t.app.inject({ method: method as 'GET', url, payload: body === undefined ? undefined : (body as object), headers: h });
    const setCookie = r.cookies.find((c) => c.name === 'tessera_session');
    if (setCookie) this.cookie = setCookie.value ? `tessera_session=${setCookie.value}` : undefined;
    let parsed: unknown = r.body;
    try {
      parsed = JSON.parse(r.body);
    } catch {
      /* not JSON */
    }
    const b = parsed as { csrfToken?: string };
    if (b && typeof b === 'object' && typeof b.csrfToken === 'string') this.csrf = b.csrfToken;
    return { status: r.statusCode, body: parsed as T, headers: r.headers as Res['headers'] };
  }
  get = <T = any>(url: string, headers?: Record<string, string>) => this.req<T>('GET', url, undefined, headers);
  post = <T = any>(url: string, body?: Json, headers?: Record<string, string>) => this.req<T>('POST', url, body ?? {}, headers);
  patch = <T = any>(url: string, body?: Json) => this.req<T>('PATCH', url, body ?? {});
  put = <T = any>(url: string, body?: Json) => this.req<T>('PUT', url, body ?? {});
  del = <T = any>(url: string) => this.req<T>('DELETE', url);
}

let seq = 0;
/** Signs up a fresh organisation; returns its owner's browser client and a test-mode API key client. */
export async function newOrg(t: TestApp, name = 'Acme') {
  const owner = new Client(t);
  const email = `owner${++seq}.${crypto.randomBytes(3).toString('hex')}@acme.test`;
  const password = 'correct horse battery';
  const r = await owner.post('/v1/auth/signup', { email, password, name: 'Olivia Owner', companyName: `${name} ${seq}` });
  if (r.status !== 201) throw new Error(`signup failed: ${JSON.stringify(r.body)}`);
  const orgId = r.body.organisation.id as string;
  const apps = await owner.get('/v1/applications');
  const appId = apps.body.data[0].id as string;
  const key = await owner.post(`/v1/applications/${appId}/keys`, { name: 'tests', rateLimitPerMinute: 100000 });
  owner.mode = 'live';
  const liveApps = await owner.get('/v1/applications');
  const liveKey = await owner.post(`/v1/applications/${liveApps.body.data[0].id}/keys`, { name: 'tests', rateLimitPerMinute: 100000 });
  owner.mode = 'test';
  return { owner, email, password, orgId, appId, api: new Client(t, key.body.secret), liveApi: new Client(t, liveKey.body.secret) };
}
