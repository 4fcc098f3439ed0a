import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from 'otplib';
import { createTestApp, newOrg, Client, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('sign-up and sessions', () => {
  it('rejects a weak password, a bad email and unknown fields with validation_failed', async () => {
    const c = new Client(t);
    const weak = await c.post('/v1/auth/signup', { email: 'a@b.test', password: 'short', name: 'A', companyName: 'B' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('validation_failed');
    const extra = await c.post('/v1/auth/signup', { email: 'a@b.test', password: 'long enough pw', name: 'A', companyName: 'B', admin: true });
    expect(extra.status).toBe(400);
    const bad = await c.post('/v1/auth/signup', { email: 'nope', password: 'long enough pw', name: 'A', companyName: 'B' });
    expect(bad.body.error.details[0].path).toContain('email');
  });

  it('sets an httpOnly session cookie and requires the CSRF header on writes', async () => {
    const c = new Client(t);
    const r = await t.app.inject({ method: 'POST', url: '/v1/auth/signup', payload: { email: 'csrf@x.test', password: 'long enough pw', name: 'C', companyName: 'CSRF Co' } });
    expect(r.statusCode).toBe(201);
    const cookie = r.cookies.find((x) => x.name === 'tessera_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    c.cookie = `tessera_session=${cookie.value}`;
    const noCsrf = await c.patch('/v1/account', { name: 'New' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf_failed');
    c.csrf = JSON.parse(r.body).csrfToken;
    expect((await c.patch('/v1/account', { name: 'New' })).status).toBe(200);
  });

  it('logs in, logs out, and a logged-out session is dead', async () => {
    const o = await newOrg(t);
    const c = new Client(t);
    expect((await c.post('/v1/auth/login', { email: o.email, password: 'wrong password' })).body.error.code).toBe('invalid_credentials');
    expect((await c.post('/v1/auth/login', { email: o.email.toUpperCase(), password: o.password })).status).toBe(200);
    const cookie = c.cookie;
    expect((await c.post('/v1/auth/logout')).status).toBe(200);
    c.cookie = cookie;
    expect((await c.get('/v1/auth/me')).status).toBe(401);
  });

  it('throttles repeated failed logins with 429 and Retry-After', async () => {
    const o = await newOrg(t);
    const c = new Client(t);
    for (let i = 0; i < 5; i++) expect((await c.post('/v1/auth/login', { email: o.email, password: 'wrong password' })).status).toBe(401);
    const r = await c.post('/v1/auth/login', { email: o.email, password: o.password });
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe('too_many_attempts');
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('password reset', () => {
  it('emails a single-use link over SMTP that sets a new password and kills old sessions', async () => {
    const o = await newOrg(t);
    const anon = new Client(t);
    expect((await anon.post('/v1/auth/password-reset/request', { email: 'nobody@nowhere.test' })).status).toBe(202);
    expect((await anon.post('/v1/auth/password-reset/request', { email: o.email })).status).toBe(202);
    const mail = await t.smtp.waitFor((m) => m.to === o.email && m.subject.includes('Reset'));
    const token = decodeURIComponent(/token=([^\s&]+)/.exec(mail.text)![1]);
    expect(mail.text).toContain('http://tessera.test/app/reset-password?token=');
    expect((await anon.post('/v1/auth/password-reset/confirm', { token, password: 'a brand new password' })).status).toBe(200);
    const again = await anon.post('/v1/auth/password-reset/confirm', { token, password: 'another new password' });
    expect(again.body.error.code).toBe('invalid_token');
    expect((await o.owner.get('/v1/auth/me')).status).toBe(401);
    expect((await new Client(t).post('/v1/auth/login', { email: o.email, password: 'a brand new password' })).status).toBe(200);
    // The token is stored hashed, never in clear.
    const rows = await t.ctx.db.selectFrom('oneTimeTokens').select('tokenHash').execute();
    expect(rows.some((r) => r.tokenHash === token)).toBe(false);
  });
});

describe('two-factor', () => {
  it('enrols with a code, then requires it at login', async () => {
    const o = await newOrg(t);
    const setup = await o.owner.post('/v1/account/2fa/setup');
    expect(setup.body.qrCodeDataUrl).toMatch(/^data:image\/png;base64,/);
    expect((await o.owner.post('/v1/account/2fa/enable', { code: '000000' })).body.error.code).toBe('mfa_invalid');
    const code = await generate({ secret: setup.body.secret });
    expect((await o.owner.post('/v1/account/2fa/enable', { code })).status).toBe(200);
    const c = new Client(t);
    const need = await c.post('/v1/auth/login', { email: o.email, password: o.password });
    expect(need.status).toBe(401);
    expect(need.body.error.code).toBe('mfa_required');
    const ok = await c.post('/v1/auth/login', { email: o.email, password: o.password, totpCode: await generate({ secret: setup.body.secret }) });
    expect(ok.status).toBe(200);
  });
});
