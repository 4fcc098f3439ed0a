import { createChallenge, type LivenessAction } from '@tessera/faces';
import type { Kysely } from 'kysely';
import type { DB, Mode } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/errors.ts';
import type { FlowStep } from '../flow/flow-types.ts';

export type TLivenessService = ReturnType<typeof livenessServiceFactory>;

/** Issues active-liveness challenges (random actions + nonce) and consumes them exactly once. */
export function livenessServiceFactory(deps: { db: Kysely<DB> }) {
  const { db } = deps;
  return {
    async createChallenge(a: { id: string; orgId: string; mode: Mode }, step: FlowStep) {
      const s = step.settings as { mode: 'one_shot' | 'active'; actions: LivenessAction[]; actionCount: number };
      const c = s.mode === 'active' ? createChallenge({ actions: s.actions, count: Math.min(s.actionCount, new Set(s.actions).size) }) : createChallenge({ actions: ['blink'], count: 1 });
      const actions = s.mode === 'active' ? c.actions : [];
      await db
        .insertInto('livenessChallenges')
        .values({ id: newId('livenessChallenge'), orgId: a.orgId, mode: a.mode, applicantId: a.id, stepId: step.id, nonce: c.nonce, challenge: JSON.stringify({ ...c, actions, mode: s.mode }), expiresAt: new Date(c.expiresAt) })
        .execute();
      return { nonce: c.nonce, mode: s.mode, actions, expiresAt: new Date(c.expiresAt).toISOString() };
    },

    /** Marks the challenge used; a nonce from another applicant, step, or a second use is refused. */
    async consume(applicantId: string, stepId: string, nonce: string) {
      const row = await db
        .updateTable('livenessChallenges')
        .set({ usedAt: new Date() })
        .where('nonce', '=', nonce)
        .where('applicantId', '=', applicantId)
        .where('stepId', '=', stepId)
        .where('usedAt', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw new AppError(409, 'invalid_challenge', 'This liveness challenge is unknown or was already used. Start again.');
      return row.challenge as { nonce: string; actions: LivenessAction[]; issuedAt: number; expiresAt: number; mode: string };
    },
  };
}
