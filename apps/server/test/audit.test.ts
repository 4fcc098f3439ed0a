import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, newOrg, type TestApp } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ work: false });
});
afterAll(async () => t?.close());

describe('audit log', () => {
  it('records state changes with actor, IP and client, and lists with filters', async () => {
    const o = await newOrg(t);
    await o.owner.req('PATCH', '/v1/organisation', { phone: '+44 20 7946 0000' }, { 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36' });
    const r = await o.owner.get('/v1/audit?action=organisation.*');
    const upd = r.body.data.find((e: { action: string }) => e.action === 'organisation.updated');
    expect(upd.actorType).toBe('user');
    expect(upd.browser).toBe('Chrome');
    expect(upd.os).toContain('macOS');
    expect(upd.after).toEqual({ phone: '+44 20 7946 0000' });
    expect(upd.before).toEqual({ phone: null });
    // Secrets never reach the audit log.
    const all = await t.ctx.db.selectFrom('auditLog').select(['before', 'after']).execute();
    expect(JSON.stringify(all)).not.toMatch(/sk_(test|live)_[A-Za-z0-9_-]{20,}|argon2id/);
  });

  it('refuses UPDATE and DELETE on audit rows', async () => {
    await newOrg(t);
    await expect(sql`UPDATE audit_log SET action = 'x'`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(t.ctx.db)).rejects.toThrow(/append-only/);
  });

  it('verify detects an edited row, a deleted row and a deleted tail', async () => {
    const o = await newOrg(t);
    expect((await t.ctx.audit.verify()).ok).toBe(true);
    // Tampering needs the trigger off, which only the table owner can do; the chain still catches it.
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`.execute(t.ctx.db);
    try {
      // Entries about one object share a chain: give the organisation's chain a few rows.
      for (const phone of ['+1 1', '+1 2', '+1 3']) await o.owner.patch('/v1/organisation', { phone });
      // One of the organisation's chains, with at least three rows.
      const chain = (await sql<{ chain: string }>`SELECT chain FROM audit_log WHERE org_id = ${o.orgId} GROUP BY chain HAVING count(*) >= 3 ORDER BY chain LIMIT 1`.execute(t.ctx.db)).rows[0].chain;
      await sql`UPDATE audit_log SET action = 'organisation.renamed' WHERE chain = ${chain} AND seq = 1`.execute(t.ctx.db);
      let r = await t.ctx.audit.verify();
      expect(r.ok).toBe(false);
      expect(r.problems.some((p) => p.chain === chain && p.seq === 1 && p.problem.includes('edited'))).toBe(true);
      await sql`DELETE FROM audit_log WHERE chain = ${chain} AND seq = 2`.execute(t.ctx.db);
      r = await t.ctx.audit.verify();
      expect(r.problems.some((p) => p.chain === chain && p.problem.includes('missing'))).toBe(true);
      const max = (await sql<{ m: number }>`SELECT max(seq) AS m FROM audit_log WHERE chain = ${chain}`.execute(t.ctx.db)).rows[0].m;
      await sql`DELETE FROM audit_log WHERE chain = ${chain} AND seq = ${max}`.execute(t.ctx.db);
      r = await t.ctx.audit.verify();
      expect(r.problems.some((p) => p.chain === chain && p.problem.includes('rows deleted at the end'))).toBe(true);
    } finally {
      await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`.execute(t.ctx.db);
    }
  });
});
