import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { DB } from '../../db/types.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { sha256 } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import { AppError, badRequest, conflict, tooMany, unprocessable } from '../../lib/errors.ts';
import type { TMailService } from '../mail/mail-service.ts';
import type { SmsProvider } from './sms-provider.ts';
import type { FlowStep } from '../flow/flow-types.ts';

const RESEND_SECONDS = 30;

export type TOtpService = ReturnType<typeof otpServiceFactory>;

/** Email and phone one-time codes: 4–8 digits, hashed at rest, limited attempts, expiring. */
export function otpServiceFactory(deps: { db: Kysely<DB>; crypto: Crypto; mail: Pick<TMailService, 'enqueue'>; sms: SmsProvider }) {
  const { db, crypto: enc } = deps;

  function code(len: number) {
    let c = '';
    for (let i = 0; i < len; i++) c += crypto.randomInt(0, 10);
    return c;
  }

  const codeHash = (challengeId: string, c: string) => sha256(`${challengeId}:${c}`);

  /** Validates a phone number against the step's rules; returns it in E.164. */
  function checkPhone(raw: string, step: FlowStep) {
    const s = step.settings as { allowedTypes: string[]; allowedCountries: string[] | null };
    const p = parsePhoneNumberFromString(raw);
    if (!p || !p.isValid()) throw unprocessable('invalid_phone', 'This phone number is not valid. Include the country code, e.g. +44 7400 123456.');
    const type = p.getType();
    if (type && s.allowedTypes.length && !s.allowedTypes.includes(type)) throw unprocessable('phone_type_not_allowed', `Numbers of type ${type.toLowerCase().replace(/_/g, ' ')} are not accepted here.`, { type });
    if (s.allowedCountries && p.country && !s.allowedCountries.includes(p.country)) throw unprocessable('phone_country_not_allowed', 'Numbers from this country are not accepted here.', { country: p.country });
    return { e164: p.number, country: p.country ?? null, type: type ?? null };
  }

  return {
    checkPhone,

    async send(a: { id: string; orgId: string; mode: 'live' | 'test' }, step: FlowStep, target: string) {
      const s = step.settings as { codeLength: number; ttlMinutes: number; attempts: number; channel?: 'sms' | 'call' };
      const channel = step.type === 'email' ? 'email' : (s.channel ?? 'sms');
      const last = await db.selectFrom('otpChallenges').select(['createdAt']).where('applicantId', '=', a.id).where('stepId', '=', step.id).orderBy('createdAt', 'desc').executeTakeFirst();
      if (last && Date.now() - last.createdAt.getTime() < RESEND_SECONDS * 1000) {
        throw tooMany((RESEND_SECONDS * 1000 - (Date.now() - last.createdAt.getTime())) / 1000, 'Wait a moment before asking for another code.', 'otp_resend_too_soon');
      }
      const sent = await db.selectFrom('otpChallenges').select((eb) => eb.fn.countAll<number>().as('n')).where('applicantId', '=', a.id).where('stepId', '=', step.id).executeTakeFirstOrThrow();
      if (Number(sent.n) >= 10) throw new AppError(409, 'otp_send_limit', 'Too many codes were sent for this step.');
      const id = newId('otp');
      const c = code(s.codeLength);
      const challenge = {
        id,
        orgId: a.orgId,
        mode: a.mode,
        applicantId: a.id,
        stepId: step.id,
        channel: channel as 'email' | 'sms' | 'call',
        targetEnc: enc.encrypt(target, a.id),
        codeHash: codeHash(id, c),
        maxAttempts: s.attempts,
        expiresAt: new Date(Date.now() + s.ttlMinutes * 60_000),
      };
      if (channel === 'email') {
        await db.transaction().execute(async (tx) => {
          await tx.insertInto('otpChallenges').values(challenge).execute();
          await deps.mail.enqueue(tx, { orgId: a.orgId, to: target, subject: `Your verification code: ${c}`, text: `Your verification code is ${c}.\nIt expires in ${s.ttlMinutes} minutes. If you did not ask for it, ignore this email.` });
        });
      } else {
        try {
          await deps.sms.send({ to: target, text: `Your verification code is ${c}. It expires in ${s.ttlMinutes} minutes.`, channel: channel as 'sms' | 'call' });
        } catch {
          throw new AppError(502, 'otp_delivery_failed', 'The code could not be sent. Try again in a moment.');
        }
        await db.insertInto('otpChallenges').values(challenge).execute();
      }
      return { challengeId: id, expiresAt: challenge.expiresAt, channel };
    },

    /** Checks a code against the latest challenge; each wrong code uses an attempt. */
    async verify(a: { id: string }, step: FlowStep, input: string) {
      const ch = await db.selectFrom('otpChallenges').selectAll().where('applicantId', '=', a.id).where('stepId', '=', step.id).orderBy('createdAt', 'desc').executeTakeFirst();
      if (!ch) throw conflict('otp_not_sent', 'Ask for a code first.');
      if (ch.verifiedAt) throw conflict('otp_already_verified', 'This code was already used.');
      if (ch.expiresAt.getTime() < Date.now()) throw conflict('otp_expired', 'This code has expired. Ask for a new one.');
      if (ch.attempts >= ch.maxAttempts) throw new AppError(409, 'attempts_exhausted', 'Too many wrong codes. Ask for a new one.');
      const ok = /^\d{4,8}$/.test(input) && crypto.timingSafeEqual(Buffer.from(codeHash(ch.id, input)), Buffer.from(ch.codeHash));
      // The attempt is counted atomically so parallel guesses cannot exceed the limit.
      const upd = await db
        .updateTable('otpChallenges')
        .set((eb) => (ok ? { verifiedAt: new Date(), attempts: eb('attempts', '+', 1) } : { attempts: eb('attempts', '+', 1) }))
        .where('id', '=', ch.id)
        .where('attempts', '<', ch.maxAttempts)
        .where('verifiedAt', 'is', null)
        .returning(['attempts', 'maxAttempts'])
        .executeTakeFirst();
      if (!upd) throw new AppError(409, 'attempts_exhausted', 'Too many wrong codes. Ask for a new one.');
      if (!ok) throw badRequest('otp_invalid', 'This code is not right.', { attemptsLeft: upd.maxAttempts - upd.attempts });
      return { channel: ch.channel, target: enc.decrypt(ch.targetEnc, a.id) };
    },
  };
}
