import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { sha256 } from '../lib/crypto.ts';
import { AppError } from '../lib/errors.ts';

const WAIT_FOR_FIRST_MS = 10_000;

/**
 * `Idempotency-Key` on POST: the first response (any status below 500) is stored and replayed for the
 * same key; the same key with another body is refused. Concurrent duplicates race on the primary key
 * insert, so exactly one request runs; the others wait for its stored response. Rows live 48 h.
 */
export function idempotency(app: FastifyInstance, ctx: AppContext) {
  app.addHook('preHandler', async (req, reply) => {
    const key = req.headers['idempotency-key'];
    if (req.method !== 'POST' || key === undefined || !req.auth) return;
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new AppError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1–255 printable ASCII characters.');
    }
    if (req.isMultipart()) return;
    const scope = `${req.auth.orgId}:${req.auth.mode}:${req.actor.type}:${req.actor.id}`;
    const requestHash = sha256(`${req.method} ${req.routeOptions.url} ${JSON.stringify(req.params)} ${JSON.stringify(req.body ?? null)}`);
    const inserted = await ctx.db
      .insertInto('idempotencyKeys')
      .values({ scope, key, requestHash })
      .onConflict((oc) => oc.doNothing())
      .returning('key')
      .executeTakeFirst();
    if (inserted) {
      (req as unknown as { idem: { scope: string; key: string } }).idem = { scope, key };
      return;
    }
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const row = await ctx.db.selectFrom('idempotencyKeys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
      if (!row) throw new AppError(409, 'idempotency_conflict', 'A request with this Idempotency-Key failed; retry it.');
      if (row.requestHash !== requestHash) {
        throw new AppError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request.');
      }
      if (row.state === 'done') {
        reply.header('idempotent-replayed', 'true');
        reply.header('content-type', 'application/json; charset=utf-8');
        // Sent as stored: the body was already shaped by the route's response schema the first time.
        return reply.code(row.responseStatus!).serializer((p: unknown) => p as string).send(row.responseBody);
      }
      if (Date.now() > deadline) throw new AppError(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still in progress.', undefined, { 'retry-after': '1' });
      await new Promise((r) => setTimeout(r, 25));
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const idem = (req as unknown as { idem?: { scope: string; key: string } }).idem;
    if (!idem) return payload;
    if (reply.statusCode >= 500) {
      await ctx.db.deleteFrom('idempotencyKeys').where('scope', '=', idem.scope).where('key', '=', idem.key).execute();
    } else {
      await ctx.db
        .updateTable('idempotencyKeys')
        .set({ state: 'done', responseStatus: reply.statusCode, responseBody: typeof payload === 'string' ? payload : JSON.stringify(payload ?? null) })
        .where('scope', '=', idem.scope)
        .where('key', '=', idem.key)
        .execute();
    }
    return payload;
  });
}
