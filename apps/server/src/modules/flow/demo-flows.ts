import type { Kysely } from 'kysely';
import type { DB } from '../../db/types.ts';
import { SYSTEM_ACTOR } from '../audit/audit-service.ts';
import type { TFlowService } from './flow-service.ts';

/** A source-of-funds questionnaire with real logic: a follow-up that only shows for one answer. */
const SOURCE_OF_FUNDS = {
  pages: [
    {
      name: 'funds',
      elements: [
        {
          type: 'radiogroup',
          name: 'sourceOfFunds',
          title: 'What is the main source of the funds you will use?',
          isRequired: true,
          choices: ['salary', 'savings', 'business', 'investments', 'inheritance', 'other'],
        },
        { type: 'text', name: 'sourceOfFundsOther', title: 'Please describe', visibleIf: "{sourceOfFunds} = 'other'", isRequired: true },
        { type: 'dropdown', name: 'expectedMonthlyVolume', title: 'Expected monthly volume (EUR)', isRequired: true, choices: ['<1000', '1000-10000', '10000-100000', '>100000'] },
        { type: 'boolean', name: 'pep', title: 'Are you, or a close relative, a politically exposed person?', isRequired: true },
        { type: 'text', name: 'pepDetails', title: 'Which position?', visibleIf: '{pep} = true', isRequired: true },
      ],
    },
  ],
};

export const DEMO_FLOWS = [
  {
    name: 'Full KYC',
    definition: {
      steps: [
        { id: 'intro', type: 'intro' },
        { id: 'document', type: 'document', settings: { mrzRequired: false } },
        { id: 'selfie', type: 'selfie' },
        { id: 'liveness', type: 'liveness', settings: { mode: 'active', actions: ['turn_left', 'turn_right', 'blink'], actionCount: 2 } },
        { id: 'face-match', type: 'face_match', settings: { sources: ['document', 'selfie', 'liveness'], threshold: 85 } },
        { id: 'aml', type: 'aml', settings: { threshold: 70 } },
        { id: 'questionnaire', type: 'questionnaire', settings: { schema: SOURCE_OF_FUNDS } },
        { id: 'email', type: 'email' },
        { id: 'thank-you', type: 'thank_you' },
      ],
      settings: { approvalPolicy: 'manual' },
    },
  },
  {
    name: 'Basic KYC',
    definition: {
      steps: [
        { id: 'document', type: 'document' },
        { id: 'selfie', type: 'selfie' },
        { id: 'face-match', type: 'face_match', settings: { sources: ['document', 'selfie'] } },
        { id: 'thank-you', type: 'thank_you' },
      ],
      settings: { approvalPolicy: 'auto_if_passed' },
    },
  },
] as const;

/** Creates and publishes the example flows, and basic / enhanced levels, in both modes. */
export function demoFlowSeeder(deps: { db: Kysely<DB>; flows: TFlowService }) {
  return async (orgId: string) => {
    for (const mode of ['test', 'live'] as const) {
      const scope = { orgId, mode };
      const ids: string[] = [];
      await deps.db.transaction().execute(async (tx) => {
        for (const f of DEMO_FLOWS) {
          const flow = await deps.flows.create(tx, scope, { name: f.name, definition: f.definition }, SYSTEM_ACTOR);
          await deps.flows.publish(tx, scope, flow.id, SYSTEM_ACTOR);
          ids.push(flow.id);
        }
      });
      await deps.flows.createLevel(scope, { name: 'basic', flowId: ids[1], rank: 1 }, SYSTEM_ACTOR);
      await deps.flows.createLevel(scope, { name: 'enhanced', flowId: ids[0], rank: 2 }, SYSTEM_ACTOR);
    }
  };
}
