import { sql, type Kysely, type Transaction } from 'kysely';
import { sha256 } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import type { DB, Mode, AuditRow } from '../../db/types.ts';

export type Actor = {
  type: 'user' | 'api_key' | 'system' | 'applicant';
  id: string | null;
  label?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  os?: string | null;
  browser?: string | null;
};

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, label: 'system' };

export type AuditEntry = {
  orgId: string | null;
  mode?: Mode | null;
  actor: Actor;
  action: string;
  targetType?: string;
  targetId?: string;
  before?: unknown;
  after?: unknown;
};

/** Audit rows outside any organisation (e.g. a failed sign-in for an unknown email) are filed under this key. */
export const GLOBAL_CHAIN = '_global';
const CHAINS_PER_ORG = 16;

/** The chain of an entry: by its target (else its actor), so one object's history stays in one chain. */
function chainOf(orgId: string, key: string | null | undefined): string {
  let h = 0;
  for (const c of key ?? '') h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `${orgId}/${h % CHAINS_PER_ORG}`;
}
const GENESIS = '0'.repeat(64);

// Secrets never enter the audit log, whatever a caller passes.
const SECRET_KEYS = /^(password|passwordHash|totpSecret|secret|token|tokenHash|keyHash|cryptoKey|apiKey|accessToken|privateKey)$/i;

function scrub(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map(scrub);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v === undefined) continue;
      out[k] = SECRET_KEYS.test(k) ? '[secret]' : scrub(v);
    }
    return out;
  }
  return value;
}

/** JSON with sorted keys: jsonb does not keep key order, and the hash must survive the round trip. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value as object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** Everything a row's hash covers except its place in the chain, as canonical JSON. */
function rowContent(r: Omit<AuditRow, 'hash' | 'prevHash' | 'seq' | 'chain'>): string {
  return canonical([r.orgId, r.id, r.at.toISOString(), r.mode, r.actorType, r.actorId, r.actorLabel, r.ip, r.userAgent, r.os, r.browser, r.action, r.targetType, r.targetId, r.before, r.after]);
}

/**
 * hash = SHA-256(prevHash ":" seq ":" content). The same formula runs in SQL when a row is appended (so the
 * chain advances in one statement) and here when `verify` recomputes it.
 */
function rowHash(prevHash: string, seq: number, content: string): string {
  return sha256(`${prevHash}:${seq}:${content}`);
}

export type TAuditService = ReturnType<typeof auditServiceFactory>;

export function auditServiceFactory({ db }: { db: Kysely<DB> }) {
  /** The row an entry becomes, its chain and the content its hash covers. */
  function prepare(entry: AuditEntry) {
    const orgId = entry.orgId ?? GLOBAL_CHAIN;
    const chain = chainOf(orgId, entry.targetId ?? entry.actor.id);
    const row = {
      orgId,
      id: newId('audit'),
      at: new Date(),
      mode: entry.mode ?? null,
      actorType: entry.actor.type,
      actorId: entry.actor.id,
      actorLabel: entry.actor.label ?? null,
      ip: entry.actor.ip ?? null,
      userAgent: entry.actor.userAgent?.slice(0, 512) ?? null,
      os: entry.actor.os ?? null,
      browser: entry.actor.browser ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      before: (scrub(entry.before) ?? null) as AuditRow['before'],
      after: (scrub(entry.after) ?? null) as AuditRow['after'],
    };
    return { chain, row, content: rowContent(row) };
  }

  /**
   * Two CTEs (audit_head, audit_row) that append an entry to its chain: the upsert creates the chain's head
   * or, when it exists, locks it and moves it on (hash = SHA-256(prevHash ":" seq ":" content), the formula
   * `verify` recomputes), keeping the hash it replaced for the new row. The head lock is held until the
   * statement's transaction commits, so appends to one chain are serialised.
   */
  function appendCtes(entry: AuditEntry) {
    const { chain, row, content } = prepare(entry);
    return sql`audit_head AS (
        INSERT INTO audit_heads (chain, seq, hash, prev_hash)
        SELECT ${chain}, 1, encode(sha256(convert_to(${GENESIS}::text || ':1:' || ${content}::text, 'UTF8')), 'hex'), ${GENESIS}
        ON CONFLICT (chain) DO UPDATE SET seq = audit_heads.seq + 1, prev_hash = audit_heads.hash,
          hash = encode(sha256(convert_to(audit_heads.hash || ':' || (audit_heads.seq + 1)::text || ':' || ${content}::text, 'UTF8')), 'hex')
        RETURNING seq, hash, prev_hash),
      audit_row AS (
        INSERT INTO audit_log (org_id, chain, seq, id, at, mode, actor_type, actor_id, actor_label, ip, user_agent, os, browser, action, target_type, target_id, before, after, prev_hash, hash)
        SELECT ${row.orgId}, ${chain}, h.seq, ${row.id}, ${row.at}, ${row.mode}, ${row.actorType}, ${row.actorId}, ${row.actorLabel}, ${row.ip}, ${row.userAgent}, ${row.os}, ${row.browser},
               ${row.action}, ${row.targetType}, ${row.targetId}, ${row.before === null ? null : JSON.stringify(row.before)}::jsonb, ${row.after === null ? null : JSON.stringify(row.after)}::jsonb,
               h.prev_hash, h.hash
        FROM audit_head h
        RETURNING seq)`;
  }

  /**
   * Appends to the entry's chain inside the caller's transaction, so the audit row commits or rolls back
   * with the change it describes. The chain head stays locked for the rest of that transaction: appends to
   * one chain (an organisation's object or actor) are serialised, other chains are not.
   */
  async function record(tx: Transaction<DB> | Kysely<DB>, entry: AuditEntry): Promise<void> {
    const r = await sql<{ seq: number }>`WITH ${appendCtes(entry)} SELECT seq FROM audit_row`.execute(tx);
    if (r.rows.length !== 1) throw new Error('audit entry not appended');
  }

  async function list(
    orgId: string,
    f: { actorId?: string; action?: string; targetId?: string; mode?: Mode; from?: Date; to?: Date; beforeId?: string; limit: number },
  ) {
    let q = db.selectFrom('auditLog').selectAll().where('orgId', '=', orgId);
    if (f.actorId) q = q.where('actorId', '=', f.actorId);
    if (f.action) q = q.where('action', 'like', f.action.endsWith('*') ? `${f.action.slice(0, -1)}%` : f.action);
    if (f.targetId) q = q.where('targetId', '=', f.targetId);
    if (f.mode) q = q.where('mode', '=', f.mode);
    if (f.from) q = q.where('at', '>=', f.from);
    if (f.to) q = q.where('at', '<', f.to);
    if (f.beforeId) q = q.where('id', '<', f.beforeId);
    // Ids are time-ordered: newest first across the organisation's chains.
    return q.orderBy('id', 'desc').limit(f.limit).execute();
  }

  /** Walks every chain: recomputes each hash, checks links and sequence, and compares the tail with its head. */
  async function verify(): Promise<{ ok: boolean; chains: number; rows: number; problems: { orgId: string; chain: string; seq: number; problem: string }[] }> {
    const problems: { orgId: string; chain: string; seq: number; problem: string }[] = [];
    let rows = 0;
    const heads = await db.selectFrom('auditHeads').selectAll().execute();
    const chains = new Set(heads.map((h) => h.chain));
    for (const r of (await sql<{ chain: string }>`SELECT DISTINCT chain FROM audit_log`.execute(db)).rows) chains.add(r.chain);
    for (const chain of [...chains].sort()) {
      const orgId = chain.replace(/\/\d+$/, '');
      const problem = (seq: number, text: string) => problems.push({ orgId, chain, seq, problem: text });
      let prev = GENESIS;
      let expectedSeq = 1;
      let lastSeq = 0;
      for (;;) {
        const batch = await db.selectFrom('auditLog').selectAll().where('chain', '=', chain).where('seq', '>', lastSeq).orderBy('seq').limit(1000).execute();
        if (!batch.length) break;
        for (const r of batch) {
          rows++;
          if (r.seq !== expectedSeq) problem(expectedSeq, `row(s) ${expectedSeq}..${r.seq - 1} missing`);
          if (r.prevHash !== prev) problem(r.seq, 'link to the previous row is broken');
          if (rowHash(r.prevHash, r.seq, rowContent(r)) !== r.hash) problem(r.seq, 'row content does not match its hash (edited)');
          prev = r.hash;
          expectedSeq = r.seq + 1;
          lastSeq = r.seq;
        }
      }
      const head = heads.find((h) => h.chain === chain);
      if (!head) problem(lastSeq, 'chain has no head record');
      else if (head.seq !== lastSeq || head.hash !== prev) problem(head.seq, `chain ends at ${lastSeq} but its head says ${head.seq} (rows deleted at the end)`);
    }
    return { ok: problems.length === 0, chains: chains.size, rows, problems };
  }

  return { record, list, verify };
}
