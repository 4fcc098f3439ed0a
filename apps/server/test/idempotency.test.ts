import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, newOrg, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ work: false });
});
afterAll(async () => t?.close());

describe('Idempotency-Key', () => {
  it('replays the first response, rejects another body, and lets concurrent duplicates create one object', async () => {
    const o = await newOrg(t);
    const body = { name: 'Idem app' };
    const first = await o.owner.post('/v1/applications', body, { 'idempotency-key': 'k-1' });
    expect(first.status).toBe(201);
    const again = await o.owner.post('/v1/applications', body, { 'idempotency-key': 'k-1' });
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = await o.owner.post('/v1/applications', { name: 'Other' }, { 'idempotency-key': 'k-1' });
    expect(other.status).toBe(422);
    expect(other.body.error.code).toBe('idempotency_key_reused');

    const burst = await Promise.all(Array.from({ length: 10 }, () => o.owner.post('/v1/applications', { name: 'Burst' }, { 'idempotency-key': 'k-burst' })));
    expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
    expect(burst.every((r) => r.status === 201)).toBe(true);
    const apps = await o.owner.get('/v1/applications');
    expect(apps.body.data.filter((a: { name: string }) => a.name === 'Burst')).toHaveLength(1);
  });
});
