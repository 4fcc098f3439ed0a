import { z } from 'zod';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { errorResponses } from '../../http/schemas.ts';
import { orgView, ZOrganisationView } from '../auth/auth-router.ts';

const optText = (max: number) => z.string().trim().max(max).nullable().optional();

export function registerOrgRoutes(app: ZApp, ctx: AppContext) {
  app.get(
    '/v1/organisation',
    { config: { auth: 'user' }, schema: { tags: ['organisation'], summary: 'Company settings', response: { 200: ZOrganisationView, ...errorResponses } } },
    async (req) => orgView(await ctx.orgs.get(req.auth!.orgId)),
  );

  app.patch(
    '/v1/organisation',
    {
      config: { auth: 'user', permission: 'settings.manage' },
      schema: {
        tags: ['organisation'],
        summary: 'Edit company settings',
        body: z.strictObject({
          name: z.string().trim().min(1).max(200).optional(),
          address: optText(500),
          phone: optText(40),
          email: z.email().max(254).nullable().optional(),
          contact: optText(200),
          info: optText(2000),
        }),
        response: { 200: ZOrganisationView, ...errorResponses },
      },
    },
    async (req) => orgView(await ctx.orgs.update(req.auth!.orgId, req.body, req.actor)),
  );
}
