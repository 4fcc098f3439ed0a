import type { Kysely } from 'kysely';
import type { DB, LinkRow, Mode } from '../../db/types.ts';
import type { Config } from '../../config.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { sha256 } from '../../lib/crypto.ts';
import { newId, randomToken } from '../../lib/ids.ts';
import { AppError, notFound, unprocessable } from '../../lib/errors.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import type { TFlowService } from '../flow/flow-service.ts';
import type { TSessionService } from '../session/session-service.ts';
import type { TEventService } from '../event/event-service.ts';

export type Scope = { orgId: string; mode: Mode };

export type TLinkService = ReturnType<typeof linkServiceFactory>;

/**
 * One-time verification links: each opens exactly once, creating its own applicant and session. The token
 * is stored hashed for redemption and encrypted so the link can be shown again and exported.
 */
export function linkServiceFactory(deps: { db: Kysely<DB>; config: Config; crypto: Crypto; audit: TAuditService; flows: TFlowService; sessions: TSessionService; events: TEventService }) {
  const { db, config, crypto, audit } = deps;
  const url = (token: string) => `${config.publicUrl}/l/${token}`;

  function view(l: LinkRow) {
    const expired = (l.status === 'created' || l.status === 'opened') && l.expiresAt.getTime() < Date.now();
    return {
      id: l.id,
      url: url(crypto.decrypt(l.tokenEnc, l.id, 'links')),
      status: expired ? ('expired' as const) : l.status,
      flowId: l.flowId,
      batchId: l.batchId,
      lang: l.lang,
      applicantId: l.applicantId,
      createdAt: l.createdAt.toISOString(),
      expiresAt: l.expiresAt.toISOString(),
      redeemedAt: l.redeemedAt?.toISOString() ?? null,
    };
  }

  return {
    view,

    async create(scope: Scope, input: { flowId: string; count: number; ttlSeconds: number; lang?: string }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const { flow } = await deps.flows.publishedVersionOf(tx, scope, input.flowId);
        if (flow.kind !== 'regular') throw unprocessable('flow_kind', 'Links start a regular flow.');
        const batchId = newId('linkBatch');
        const expiresAt = new Date(Date.now() + input.ttlSeconds * 1000);
        const rows = Array.from({ length: input.count }, () => {
          const id = newId('link');
          const token = randomToken(24);
          return { id, orgId: scope.orgId, mode: scope.mode, flowId: flow.id, batchId, tokenHash: sha256(token), tokenEnc: crypto.encrypt(token, id, 'links'), lang: input.lang ?? null, createdBy: actor.id, expiresAt };
        });
        const inserted: LinkRow[] = [];
        for (let i = 0; i < rows.length; i += 200) inserted.push(...(await tx.insertInto('links').values(rows.slice(i, i + 200)).returningAll().execute()));
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'links.created', targetType: 'flow', targetId: flow.id, after: { batchId, count: input.count, expiresAt } });
        return { batchId, links: inserted.map(view) };
      });
    },

    async list(scope: Scope, f: { flowId?: string; batchId?: string; status?: string; cursor?: string; limit: number }) {
      let q = db.selectFrom('links').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode);
      if (f.flowId) q = q.where('flowId', '=', f.flowId);
      if (f.batchId) q = q.where('batchId', '=', f.batchId);
      if (f.status === 'expired') q = q.where((eb) => eb.or([eb('status', '=', 'expired'), eb.and([eb('status', 'in', ['created', 'opened']), eb('expiresAt', '<', new Date())])]));
      else if (f.status === 'created' || f.status === 'opened') q = q.where('status', '=', f.status).where('expiresAt', '>=', new Date());
      else if (f.status) q = q.where('status', '=', f.status as never);
      if (f.cursor) q = q.where('id', '<', f.cursor);
      const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
      return { rows: rows.map(view), nextCursor: rows.length === f.limit ? rows[rows.length - 1].id : null };
    },

    /**
     * Redeems a link. The conditional UPDATE is the guard: among concurrent openings exactly one flips
     * `created` to `opened`; the others see no row and get link_used.
     */
    async redeem(token: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const link = await tx
          .updateTable('links')
          .set({ status: 'opened', redeemedAt: new Date() })
          .where('tokenHash', '=', sha256(token))
          .where('status', '=', 'created')
          .where('expiresAt', '>', new Date())
          .returningAll()
          .executeTakeFirst();
        if (!link) {
          const l = await tx.selectFrom('links').select(['status', 'expiresAt']).where('tokenHash', '=', sha256(token)).executeTakeFirst();
          if (!l) throw notFound('Link', 'link_not_found');
          if (l.status === 'created' && l.expiresAt.getTime() <= Date.now()) throw new AppError(410, 'link_expired', 'This verification link has expired.');
          throw new AppError(410, 'link_used', 'This verification link was already used.');
        }
        const scope = { orgId: link.orgId, mode: link.mode };
        const { flow, version } = await deps.flows.publishedVersionOf(tx, scope, link.flowId);
        const applicantId = newId('applicant');
        const a = await tx
          .insertInto('applicants')
          .values({ id: applicantId, orgId: scope.orgId, mode: scope.mode, externalUserId: `link:${link.id}`, flowId: flow.id, flowVersionId: version.id, lang: link.lang, metadata: JSON.stringify({ linkId: link.id }) })
          .returningAll()
          .executeTakeFirstOrThrow();
        await tx.updateTable('links').set({ applicantId }).where('id', '=', link.id).execute();
        const s = await deps.sessions.insertSession(tx, a, { lang: link.lang, linkId: link.id, ttlSeconds: Math.max(60, Math.floor((link.expiresAt.getTime() - Date.now()) / 1000)) });
        await deps.events.emit(tx, { orgId: scope.orgId, mode: scope.mode, type: 'applicant.created', applicant: a, data: { linkId: link.id } });
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor: { ...actor, type: 'applicant', id: applicantId }, action: 'link.redeemed', targetType: 'applicant', targetId: applicantId, after: { linkId: link.id } });
        return s;
      });
    },
  };
}
