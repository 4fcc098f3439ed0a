import crypto from 'node:crypto';
import geoip from 'geoip-lite';
import type { Kysely, Transaction } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { ApplicantSession, DB, Mode } from '../../db/types.ts';
import type { Config } from '../../config.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { sha256 } from '../../lib/crypto.ts';
import { newId, randomToken } from '../../lib/ids.ts';
import { AppError, conflict, forbidden, notFound } from '../../lib/errors.ts';
import { parseUserAgent } from '../../lib/ua.ts';
import type { AuthContext } from '../../http/auth.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import type { TFlowService } from '../flow/flow-service.ts';
import type { FlowDefinition } from '../flow/flow-types.ts';

export type Scope = { orgId: string; mode: Mode };

const MAX_TTL_SECONDS = 90 * 86400;
const HANDOFF_TTL_MS = 10 * 60_000;
// No 0/O, 1/I/L: the code is typed on a phone.
const HANDOFF_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export type Device = { ip: string | null; country: string | null; city: string | null; userAgent: string | null; os: string | null; browser: string | null; browserVersion: string | null; deviceType: string | null };

export function deviceOf(req: FastifyRequest): Device {
  const ua = typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 512) : null;
  const c = parseUserAgent(ua);
  const geo = req.ip ? geoip.lookup(req.ip) : null;
  return { ip: req.ip ?? null, country: geo?.country || null, city: geo?.city || null, userAgent: ua, os: c.os, browser: c.browser, browserVersion: c.browserVersion, deviceType: c.device };
}

/** IP country rules of a flow; an address with no known country (private networks) is not blocked. */
export function countryAllowed(def: FlowDefinition, country: string | null): boolean {
  if (!country) return true;
  const { allowed, excluded } = def.settings.countries;
  if (excluded.includes(country)) return false;
  return !allowed || allowed.length === 0 || allowed.includes(country);
}

export type TSessionService = ReturnType<typeof sessionServiceFactory>;

export function sessionServiceFactory(deps: { db: Kysely<DB>; config: Config; crypto: Crypto; audit: TAuditService; flows: TFlowService }) {
  const { db, config, crypto, audit, flows } = deps;

  async function insertSession(
    tx: Transaction<DB>,
    a: { id: string; orgId: string; mode: Mode; flowVersionId: string },
    opts: { lang?: string | null; ttlSeconds?: number; flowVersionId?: string | null; linkId?: string | null; parentId?: string | null },
  ) {
    const { definition } = await flows.versionById(tx, opts.flowVersionId ?? a.flowVersionId);
    const ttl = Math.min(opts.ttlSeconds ?? definition.settings.sessionLifetimeMinutes * 60, MAX_TTL_SECONDS);
    const token = `ast_${randomToken(32)}`;
    const session = await tx
      .insertInto('applicantSessions')
      .values({
        id: newId('session'),
        orgId: a.orgId,
        mode: a.mode,
        applicantId: a.id,
        flowVersionId: opts.flowVersionId ?? null,
        tokenHash: sha256(token),
        lang: opts.lang ?? null,
        linkId: opts.linkId ?? null,
        parentId: opts.parentId ?? null,
        expiresAt: new Date(Date.now() + ttl * 1000),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { session, token, url: `${config.publicUrl}/flow/#token=${encodeURIComponent(token)}` };
  }

  return {
    insertSession,

    async create(scope: Scope, applicantId: string, opts: { lang?: string; ttlSeconds?: number; flowVersionId?: string }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const a = await tx
          .selectFrom('applicants')
          .selectAll()
          .where('orgId', '=', scope.orgId)
          .where('mode', '=', scope.mode)
          .where('id', '=', applicantId)
          .where('deleteRequestedAt', 'is', null)
          .where('erasedAt', 'is', null)
          .executeTakeFirst();
        if (!a) throw notFound('Applicant');
        const r = await insertSession(tx, a, { lang: opts.lang ?? a.lang, ttlSeconds: opts.ttlSeconds, flowVersionId: opts.flowVersionId });
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'session.created', targetType: 'applicant', targetId: a.id, after: { sessionId: r.session.id, expiresAt: r.session.expiresAt } });
        return r;
      });
    },

    /**
     * The applicant-token authenticator: a live session of a live applicant, from an allowed country. The
     * first request records the device (encrypted) and its country.
     */
    async resolve(token: string, req: FastifyRequest): Promise<AuthContext | null> {
      if (!/^ast_[A-Za-z0-9_-]{20,80}$/.test(token)) return null;
      const row = await db
        .selectFrom('applicantSessions as s')
        .innerJoin('applicants as a', 'a.id', 's.applicantId')
        .selectAll('s')
        .select(['a.applicationId', 'a.flowVersionId as applicantFlowVersionId', 'a.deleteRequestedAt', 'a.erasedAt'])
        .where('s.tokenHash', '=', sha256(token))
        .executeTakeFirst();
      if (!row || row.status === 'revoked' || row.deleteRequestedAt || row.erasedAt) return null;
      if (row.status === 'frozen') throw new AppError(403, 'session_frozen', 'This verification was paused after too many failed attempts. Contact the company that sent you here.');
      if (row.status === 'expired' || row.expiresAt.getTime() < Date.now()) {
        if (row.status === 'active') await db.updateTable('applicantSessions').set({ status: 'expired' }).where('id', '=', row.id).execute();
        throw new AppError(401, 'session_expired', 'This verification link has expired. Ask for a new one.');
      }
      const device = deviceOf(req);
      const { definition } = await flows.versionById(db, row.flowVersionId ?? row.applicantFlowVersionId);
      if (!countryAllowed(definition, device.country)) {
        throw forbidden('Verification is not available in your country.', 'country_not_allowed', { country: device.country });
      }
      if (!row.openedAt) {
        await db
          .updateTable('applicantSessions')
          .set({ openedAt: new Date(), lastSeenAt: new Date(), deviceEnc: crypto.encryptJson(device, row.applicantId), ipCountry: device.country })
          .where('id', '=', row.id)
          .execute();
      } else if (!row.lastSeenAt || Date.now() - row.lastSeenAt.getTime() > 60_000) {
        await db.updateTable('applicantSessions').set({ lastSeenAt: new Date() }).where('id', '=', row.id).execute();
      }
      return {
        kind: 'applicant',
        orgId: row.orgId,
        mode: row.mode,
        permissions: new Set(),
        applicant: { sessionId: row.id, applicantId: row.applicantId, applicationId: row.applicationId },
      };
    },

    async get(id: string): Promise<ApplicantSession> {
      const s = await db.selectFrom('applicantSessions').selectAll().where('id', '=', id).executeTakeFirst();
      if (!s) throw notFound('Session');
      return s;
    },

    device(s: ApplicantSession): Device | null {
      return s.deviceEnc ? crypto.decryptJson<Device>(s.deviceEnc, s.applicantId) : null;
    },

    /** Counts a critical error (failed check, bad code…); past the flow's limit the session is frozen. */
    async criticalError(tx: Transaction<DB>, sessionId: string, limit: number) {
      const s = await tx
        .updateTable('applicantSessions')
        .set((eb) => ({ criticalErrors: eb('criticalErrors', '+', 1) }))
        .where('id', '=', sessionId)
        .returning(['criticalErrors', 'applicantId', 'orgId', 'mode'])
        .executeTakeFirstOrThrow();
      if (s.criticalErrors >= limit) {
        await tx.updateTable('applicantSessions').set({ status: 'frozen', frozenAt: new Date() }).where('id', '=', sessionId).execute();
        return true;
      }
      return false;
    },

    /** A short code to continue on another device (shown as a QR code and a short link). */
    async createHandoff(sessionId: string) {
      let code = '';
      for (const b of crypto_random(8)) code += HANDOFF_ALPHABET[b % HANDOFF_ALPHABET.length];
      await db
        .updateTable('applicantSessions')
        .set({ handoffCodeHash: sha256(code), handoffExpiresAt: new Date(Date.now() + HANDOFF_TTL_MS) })
        .where('id', '=', sessionId)
        .execute();
      return { code, url: `${config.publicUrl}/flow/#handoff=${code}`, expiresAt: new Date(Date.now() + HANDOFF_TTL_MS) };
    },

    /** Redeems a handoff code once: the other device gets its own session on the same applicant. */
    async redeemHandoff(code: string, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const parent = await tx
          .updateTable('applicantSessions')
          .set({ handoffCodeHash: null, handoffExpiresAt: null })
          .where('handoffCodeHash', '=', sha256(code.toUpperCase().replace(/[^A-Z0-9]/g, '')))
          .where('handoffExpiresAt', '>', new Date())
          .where('status', '=', 'active')
          .returningAll()
          .executeTakeFirst();
        if (!parent) throw conflict('invalid_code', 'This code is invalid, expired or already used.');
        const a = await tx.selectFrom('applicants').selectAll().where('id', '=', parent.applicantId).executeTakeFirstOrThrow();
        const remaining = Math.max(60, Math.floor((parent.expiresAt.getTime() - Date.now()) / 1000));
        const r = await insertSession(tx, a, { lang: parent.lang, ttlSeconds: remaining, flowVersionId: parent.flowVersionId, parentId: parent.id, linkId: parent.linkId });
        await audit.record(tx, { orgId: a.orgId, mode: a.mode, actor, action: 'session.handoff', targetType: 'applicant', targetId: a.id, after: { from: parent.id, to: r.session.id } });
        return r;
      });
    },
  };
}

function crypto_random(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}
