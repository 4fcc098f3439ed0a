import type { AppContext } from '../context.ts';
import type { ZApp } from './app.ts';
import { registerAuthRoutes } from '../modules/auth/auth-router.ts';
import { registerOrgRoutes } from '../modules/org/org-router.ts';
import { registerTeamRoutes } from '../modules/team/team-router.ts';
import { registerApplicationRoutes } from '../modules/application/application-router.ts';
import { registerAuditRoutes } from '../modules/audit/audit-router.ts';

export async function registerRoutes(app: ZApp, ctx: AppContext) {
  registerAuthRoutes(app, ctx);
  registerOrgRoutes(app, ctx);
  registerTeamRoutes(app, ctx);
  registerApplicationRoutes(app, ctx);
  registerAuditRoutes(app, ctx);
}
