import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/**
 * Debugging: E2E_SERVER_LOG=<file> writes the server's stdout there (E2E_LOG_LEVEL, default info);
 * E2E_TESSERA_BIN runs another build of the server against these tests.
 *
 * The flow tests run their own Tessera (like e2e/global-setup.ts) so they can see what only reaches
 * the outside world: emailed codes (a local SMTP server), texted codes (the console SMS adapter on the
 * server's stdout) and webhooks (a local receiver). These are fakes of things outside the product.
 */
export type Harness = {
  url: string;
  dataDir: string;
  apiKey: string;
  /** The demo organisation's owner, as `tessera start` prints it (for back-office-only settings). */
  admin: { email: string; password: string };
  /** Resolves with the next one-time code sent to this address or number. */
  nextCode: (to: string) => Promise<string>;
  webhooks: { url: string; received: { headers: http.IncomingHttpHeaders; body: unknown }[] };
  stop: () => Promise<void>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
    s.on('error', reject);
  });
}

type Message = { to: string; text: string };

export async function startHarness(): Promise<Harness> {
  const messages: Message[] = [];
  const waiters: (() => void)[] = [];
  const push = (m: Message) => {
    messages.push(m);
    waiters.splice(0).forEach((w) => w());
  };

  const smtpPort = await freePort();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        for (const rcpt of session.envelope.rcptTo) push({ to: rcpt.address.toLowerCase(), text: raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(smtpPort, '127.0.0.1', r));

  const received: Harness['webhooks']['received'] = [];
  const hookPort = await freePort();
  const hooks = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = Buffer.concat(chunks).toString('utf8');
      }
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => hooks.listen(hookPort, '127.0.0.1', r));

  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-flow-'));
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: url,
    LOG_LEVEL: process.env.E2E_SERVER_LOG ? (process.env.E2E_LOG_LEVEL ?? 'info') : 'warn',
    ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    SMS_PROVIDER: 'console',
  };
  // E2E_TESSERA_BIN runs another build of the server (a checkout of a given commit) against these tests.
  const bin = process.env.E2E_TESSERA_BIN ?? path.resolve('apps/server/bin/tessera.mjs');
  const proc: ChildProcess = spawn(process.execPath, [bin, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout!.on('data', (d: Buffer) => {
    const s = d.toString();
    output += s;
    for (const m of s.matchAll(/\[sms:\w+\] to (\+\d+): (.*)/g)) push({ to: m[1], text: m[2] });
  });
  proc.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  if (process.env.E2E_SERVER_LOG) proc.stdout!.pipe(fs.createWriteStream(process.env.E2E_SERVER_LOG));
  const deadline = Date.now() + 120_000;
  let apiKey: string | undefined;
  while (!(apiKey = /Test API key:\s+(sk_test_\S+)/.exec(output)?.[1])) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`tessera start failed:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }

  const login = /Admin login:\s+(\S+) \/ (\S+)/.exec(output);
  if (!login) throw new Error(`tessera start printed no admin login:\n${output}`);
  const admin = { email: login[1], password: login[2] };

  async function nextCode(to: string): Promise<string> {
    const key = to.startsWith('+') ? to.replace(/[\s()-]/g, '') : to.toLowerCase();
    // Mail goes through the job queue, behind the engines still checking the photos just uploaded.
    const end = Date.now() + 120_000;
    for (;;) {
      const m = messages.find((x) => x.to === key && /code is (\d{4,8})/.test(x.text));
      if (m) {
        messages.splice(messages.indexOf(m), 1);
        return /code is (\d{4,8})/.exec(m.text)![1];
      }
      if (Date.now() > end) throw new Error(`no code sent to ${to}; server said:\n${output.slice(-4000)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 500);
      });
    }
  }

  return {
    url,
    dataDir,
    apiKey,
    admin,
    nextCode,
    webhooks: { url: `http://127.0.0.1:${hookPort}/tessera`, received },
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      await new Promise<void>((r) => smtp.close(() => r()));
      await new Promise<void>((r) => hooks.close(() => r()));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The back end's side: the secret-key API calls an integrator makes. */
export function tesseraApi(h: Pick<Harness, 'url' | 'apiKey'>) {
  async function call<T>(method: string, p: string, body?: unknown): Promise<T> {
    const res = await fetch(`${h.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${h.apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw Object.assign(new Error(`${method} ${p} → ${res.status} ${text}`), { status: res.status });
    return (text ? JSON.parse(text) : null) as T;
  }
  return {
    call,
    createFlow: (name: string, steps: unknown[]) => call<{ id: string }>('POST', '/v1/flows', { name, publish: true, definition: { steps } }),
    createApplicant: (flowId: string, externalUserId: string, extra: Record<string, unknown> = {}) =>
      call<{ id: string; status: string }>('POST', '/v1/applicants', { flowId, externalUserId, ...extra }),
    createSession: (applicantId: string, body: Record<string, unknown> = {}) => call<{ id: string; url: string; accessToken: string }>('POST', `/v1/applicants/${applicantId}/sessions`, body),
    applicant: (id: string) =>
      call<{ id: string; status: string; steps?: { id: string; type: string; status: string; attemptsUsed: number; current: { files: { kind: string }[] } | null }[] }>('GET', `/v1/applicants/${id}`),
  };
}

/** The back office's side, signed in as the demo owner (cookie + CSRF), in test mode. */
export async function backOffice(h: Pick<Harness, 'url' | 'admin'>) {
  const res = await fetch(`${h.url}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(h.admin) });
  if (!res.ok) throw new Error(`login → ${res.status} ${await res.text()}`);
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  async function call<T>(method: string, p: string, body?: unknown): Promise<T> {
    const r = await fetch(`${h.url}${p}`, {
      method,
      headers: { cookie, 'x-csrf-token': csrfToken, 'x-tessera-mode': 'test', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${p} → ${r.status} ${text}`);
    return JSON.parse(text) as T;
  }
  return { call };
}
