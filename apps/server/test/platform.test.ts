import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newOrg, Client, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

describe('platform', () => {
  it('signs up, reads me, and lists applications', async () => {
    const o = await newOrg(t);
    const me = await o.owner.get('/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.role.name).toBe('Owner');
    expect(me.body.permissions).toContain('team.manage');
  });

  it('health and readiness', async () => {
    const r = await new Client(t).get('/readyz');
    expect(r.status).toBe(200);
    expect(r.body.checks.pgvector).toBeTypeOf('boolean');
  });
});
