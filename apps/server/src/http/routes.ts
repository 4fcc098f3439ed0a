import type { AppContext } from '../context.ts';
import type { ZApp } from './app.ts';
import { registerAuthRoutes } from '../modules/auth/auth-router.ts';
import { registerOrgRoutes } from '../modules/org/org-router.ts';
import { registerTeamRoutes } from '../modules/team/team-router.ts';
import { registerApplicationRoutes } from '../modules/application/application-router.ts';
import { registerAuditRoutes } from '../modules/audit/audit-router.ts';
import { registerFlowRoutes } from '../modules/flow/flow-router.ts';
import { registerApplicantRoutes } from '../modules/applicant/applicant-router.ts';
import { registerFlowApiRoutes } from '../modules/flow-api/flow-api-router.ts';
import { registerLinkRoutes } from '../modules/link/link-router.ts';
import { registerEventRoutes } from '../modules/event/event-router.ts';
import { registerWebhookRoutes } from '../modules/webhook/webhook-router.ts';
import { registerAmlRoutes } from '../modules/aml/aml-router.ts';
import { registerFaceRoutes } from '../modules/biometrics/face-router.ts';
import { registerStatsRoutes } from '../modules/stats/stats-router.ts';

export async function registerRoutes(app: ZApp, ctx: AppContext) {
  registerAuthRoutes(app, ctx);
  registerOrgRoutes(app, ctx);
  registerTeamRoutes(app, ctx);
  registerApplicationRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
  registerFlowRoutes(app, ctx);
  registerApplicantRoutes(app, ctx);
  registerFlowApiRoutes(app, ctx);
  registerLinkRoutes(app, ctx);
  registerEventRoutes(app, ctx);
  registerWebhookRoutes(app, ctx);
  registerAmlRoutes(app, ctx);
  registerFaceRoutes(app, ctx);
  registerStatsRoutes(app, ctx);
}
