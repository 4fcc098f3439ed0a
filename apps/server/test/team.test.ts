import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newOrg, Client, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('team, roles and invites', () => {
  it('invites by email, the invitee joins with the role, and the token is single-use', async () => {
    const o = await newOrg(t);
    const roles = (await o.owner.get('/v1/team/roles')).body.data as { id: string; builtin: string; name: string }[];
    expect(roles.map((r) => r.name)).toEqual(expect.arrayContaining(['Owner', 'Admin', 'Compliance officer', 'Reviewer', 'Viewer']));
    const reviewer = roles.find((r) => r.builtin === 'reviewer')!;
    const inv = await o.owner.post('/v1/team/invites', { email: 'Rita@Example.test', roleId: reviewer.id });
    expect(inv.status).toBe(201);
    const mail = await t.smtp.waitFor((m) => m.to === 'rita@example.test');
    const token = decodeURIComponent(/token=([^\s&]+)/.exec(mail.text)![1]);
    const rita = new Client(t);
    expect((await rita.post('/v1/auth/invites/accept', { token, name: 'Rita Reviewer', password: 'rita password 1' })).status).toBe(201);
    const me = await rita.get('/v1/auth/me');
    expect(me.body.role.name).toBe('Reviewer');
    expect(me.body.permissions).not.toContain('team.manage');
    expect((await rita.get('/v1/team/users')).status).toBe(403);
    expect((await new Client(t).post('/v1/auth/invites/accept', { token, name: 'X', password: 'another password' })).body.error.code).toBe('invalid_token');
  });

  it('custom roles with permission checkboxes; role changes take effect immediately', async () => {
    const o = await newOrg(t);
    const bad = await o.owner.post('/v1/team/roles', { name: 'Bad', permissions: ['everything.please'] });
    expect(bad.status).toBe(400);
    const role = await o.owner.post('/v1/team/roles', { name: 'Team admin', description: 'people only', permissions: ['team.manage'] });
    expect(role.status).toBe(201);
    const viewerRole = (await o.owner.get('/v1/team/roles')).body.data.find((r: { builtin: string }) => r.builtin === 'viewer');
    await o.owner.post('/v1/team/invites', { email: 'vic@example.test', roleId: viewerRole.id });
    const token = decodeURIComponent(/token=([^\s&]+)/.exec((await t.smtp.waitFor((m) => m.to === 'vic@example.test')).text)![1]);
    const vic = new Client(t);
    await vic.post('/v1/auth/invites/accept', { token, name: 'Vic', password: 'vic password 12' });
    expect((await vic.get('/v1/team/users')).status).toBe(403);
    const vicId = (await vic.get('/v1/auth/me')).body.user.id;
    expect((await o.owner.patch(`/v1/team/users/${vicId}`, { roleId: role.body.id })).status).toBe(200);
    expect((await vic.get('/v1/team/users')).status).toBe(200);
    expect((await o.owner.del(`/v1/team/roles/${role.body.id}`)).body.error.code).toBe('role_in_use');
    const builtin = await o.owner.patch(`/v1/team/roles/${viewerRole.id}`, { permissions: ['team.manage'] });
    expect(builtin.body.error.code).toBe('builtin_role');
  });

  it('deactivating a user ends their sessions; the last owner cannot be removed', async () => {
    const o = await newOrg(t);
    const me = (await o.owner.get('/v1/auth/me')).body.user;
    expect((await o.owner.patch(`/v1/team/users/${me.id}`, { status: 'deactivated' })).body.error.code).toBe('cannot_deactivate_self');
    const viewerRole = (await o.owner.get('/v1/team/roles')).body.data.find((r: { builtin: string }) => r.builtin === 'viewer');
    expect((await o.owner.patch(`/v1/team/users/${me.id}`, { roleId: viewerRole.id })).body.error.code).toBe('last_owner');
    const adminRole = (await o.owner.get('/v1/team/roles')).body.data.find((r: { builtin: string }) => r.builtin === 'admin');
    await o.owner.post('/v1/team/invites', { email: 'ann@example.test', roleId: adminRole.id });
    const token = decodeURIComponent(/token=([^\s&]+)/.exec((await t.smtp.waitFor((m) => m.to === 'ann@example.test')).text)![1]);
    const ann = new Client(t);
    await ann.post('/v1/auth/invites/accept', { token, name: 'Ann', password: 'ann password 12' });
    const annId = (await ann.get('/v1/auth/me')).body.user.id;
    expect((await o.owner.patch(`/v1/team/users/${annId}`, { status: 'deactivated' })).status).toBe(200);
    expect((await ann.get('/v1/auth/me')).status).toBe(401);
    expect((await new Client(t).post('/v1/auth/login', { email: 'ann@example.test', password: 'ann password 12' })).status).toBe(401);
  });
});

describe('applications and API keys', () => {
  it('shows a key once, stores only its hash, scopes it to its mode, and revokes it', async () => {
    const o = await newOrg(t);
    const created = await o.owner.post(`/v1/applications/${o.appId}/keys`, { name: 'ci' });
    expect(created.body.secret).toMatch(/^sk_test_/);
    const listed = await o.owner.get(`/v1/applications/${o.appId}/keys`);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    const stored = await t.ctx.db.selectFrom('apiKeys').select('keyHash').where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(stored.keyHash).not.toContain(created.body.secret);
    const api = new Client(t, created.body.secret);
    expect((await api.get('/v1/audit')).status).toBe(200);
    expect((await o.owner.del(`/v1/applications/${o.appId}/keys/${created.body.id}`)).status).toBe(200);
    const after = await api.get('/v1/audit');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_api_key');
  });

  it('refuses a just-used key at once when its application is disabled, and accepts it again when re-enabled', async () => {
    // Verified keys are remembered for a few seconds: a status change must not wait for that.
    const o = await newOrg(t);
    const created = await o.owner.post(`/v1/applications/${o.appId}/keys`, { name: 'cached' });
    const api = new Client(t, created.body.secret);
    expect((await api.get('/v1/audit?limit=1')).status).toBe(200);
    expect((await o.owner.patch(`/v1/applications/${o.appId}`, { status: 'disabled' })).status).toBe(200);
    expect((await api.get('/v1/audit?limit=1')).status).toBe(401);
    expect((await o.owner.patch(`/v1/applications/${o.appId}`, { status: 'active' })).status).toBe(200);
    expect((await api.get('/v1/audit?limit=1')).status).toBe(200);
  });

  it('answers 429 with Retry-After past the per-key rate limit', async () => {
    const o = await newOrg(t);
    const created = await o.owner.post(`/v1/applications/${o.appId}/keys`, { name: 'slow', rateLimitPerMinute: 3 });
    const api = new Client(t, created.body.secret);
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await api.get('/v1/audit?limit=1')).status);
    expect(codes.slice(0, 3)).toEqual([200, 200, 200]);
    const r = await api.get('/v1/audit?limit=1');
    expect(r.status).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('rotates the crypto key and keeps webhook headers encrypted at rest', async () => {
    const o = await newOrg(t);
    const created = await o.owner.post('/v1/applications', { name: 'Mobile', webhookUrl: 'https://93.184.215.14/x', webhookHeaders: { 'X-Secret': 'hunter2' } });
    expect(created.status).toBe(201);
    expect(Buffer.from(created.body.cryptoKey, 'base64')).toHaveLength(32);
    const raw = await t.ctx.db.selectFrom('applications').select('webhookHeaders').where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(raw.webhookHeaders).not.toContain('hunter2');
    expect((await o.owner.get(`/v1/applications/${created.body.id}`)).body.webhookHeaders).toEqual({ 'X-Secret': 'hunter2' });
    const rotated = await o.owner.post(`/v1/applications/${created.body.id}/crypto-key/rotate`);
    expect(rotated.body.cryptoKey).not.toBe(created.body.cryptoKey);
    const ssrfScheme = await o.owner.patch(`/v1/applications/${created.body.id}`, { webhookUrl: 'file:///etc/passwd' });
    expect(ssrfScheme.status).toBe(400);
  });
});
