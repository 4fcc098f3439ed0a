import { z } from 'zod';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { ZEmail, ZIdParam, ZOk, errorResponses, iso } from '../../http/schemas.ts';
import { ALL_PERMISSIONS } from '../../lib/permissions.ts';
import { userView, ZUserView } from '../auth/auth-router.ts';
import type { Role } from '../../db/types.ts';
import { notFound } from '../../lib/errors.ts';

const ZPermissionList = z.array(z.enum(ALL_PERMISSIONS as [string, ...string[]])).max(64);
const ZRole = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()),
  builtin: z.string().nullable(),
  userCount: z.number().optional(),
  createdAt: z.string(),
});
const roleView = (r: Role & { userCount?: number }) => ({ ...r, createdAt: r.createdAt.toISOString() });
const ZInvite = z.object({ id: z.string(), email: z.string(), roleId: z.string(), status: z.string(), expiresAt: z.string(), createdAt: z.string(), acceptedAt: z.string().nullable() });

export function registerTeamRoutes(app: ZApp, ctx: AppContext) {
  const cfg = { auth: 'user' as const, permission: 'team.manage' as const };
  const org = (req: { auth: { orgId: string } | null }) => req.auth!.orgId;

  app.get(
    '/v1/team/users',
    {
      config: cfg,
      schema: { tags: ['team'], summary: 'Users of the organisation', response: { 200: z.object({ data: z.array(ZUserView.extend({ roleName: z.string() })) }), ...errorResponses } },
    },
    async (req) => ({ data: (await ctx.team.listUsers(org(req))).map((u) => ({ ...u, lastLoginAt: iso(u.lastLoginAt), createdAt: u.createdAt.toISOString() })) }),
  );

  app.patch(
    '/v1/team/users/:id',
    {
      config: cfg,
      schema: {
        tags: ['team'],
        summary: "Change a user's role, or deactivate / reactivate them",
        params: ZIdParam('usr'),
        body: z.strictObject({ roleId: z.string().optional(), status: z.enum(['active', 'deactivated']).optional() }),
        response: { 200: ZUserView, ...errorResponses },
      },
    },
    async (req) => {
      let u;
      if (req.body.roleId) u = await ctx.team.changeRole(org(req), req.params.id, req.body.roleId, req.actor);
      if (req.body.status) u = await ctx.team.setStatus(org(req), req.params.id, req.body.status, req.actor);
      if (!u) u = (await ctx.team.listUsers(org(req))).find((x) => x.id === req.params.id);
      if (!u) throw notFound('User');
      return userView(u as never);
    },
  );

  app.get(
    '/v1/team/roles',
    { config: cfg, schema: { tags: ['team'], summary: 'Built-in and custom roles', response: { 200: z.object({ data: z.array(ZRole) }), ...errorResponses } } },
    async (req) => ({ data: (await ctx.team.listRoles(org(req))).map(roleView) }),
  );

  app.post(
    '/v1/team/roles',
    {
      config: cfg,
      schema: {
        tags: ['team'],
        summary: 'Create a custom role',
        body: z.strictObject({ name: z.string().trim().min(1).max(80), description: z.string().max(500).optional(), permissions: ZPermissionList }),
        response: { 201: ZRole, ...errorResponses },
      },
    },
    async (req, reply) => reply.code(201).send(roleView(await ctx.team.createRole(org(req), req.body as never, req.actor))),
  );

  app.patch(
    '/v1/team/roles/:id',
    {
      config: cfg,
      schema: {
        tags: ['team'],
        summary: 'Edit a custom role',
        params: ZIdParam('rol'),
        body: z.strictObject({ name: z.string().trim().min(1).max(80).optional(), description: z.string().max(500).optional(), permissions: ZPermissionList.optional() }),
        response: { 200: ZRole, ...errorResponses },
      },
    },
    async (req) => roleView(await ctx.team.updateRole(org(req), req.params.id, req.body as never, req.actor)),
  );

  app.delete(
    '/v1/team/roles/:id',
    { config: cfg, schema: { tags: ['team'], summary: 'Delete an unused custom role', params: ZIdParam('rol'), response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      await ctx.team.deleteRole(org(req), req.params.id, req.actor);
      return { ok: true as const };
    },
  );

  app.get(
    '/v1/team/invites',
    { config: cfg, schema: { tags: ['team'], summary: 'Invitations', response: { 200: z.object({ data: z.array(ZInvite) }), ...errorResponses } } },
    async (req) => ({
      data: (await ctx.team.listInvites(org(req))).map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString(), createdAt: i.createdAt.toISOString(), acceptedAt: iso(i.acceptedAt) })),
    }),
  );

  app.post(
    '/v1/team/invites',
    {
      config: cfg,
      schema: { tags: ['team'], summary: 'Invite someone by email with a role', body: z.strictObject({ email: ZEmail, roleId: z.string() }), response: { 201: ZInvite, ...errorResponses } },
    },
    async (req, reply) => {
      const i = await ctx.team.invite(org(req), req.body, req.actor);
      return reply.code(201).send({ ...i, expiresAt: i.expiresAt.toISOString(), createdAt: i.createdAt.toISOString(), acceptedAt: null });
    },
  );

  app.delete(
    '/v1/team/invites/:id',
    { config: cfg, schema: { tags: ['team'], summary: 'Revoke a pending invitation', params: ZIdParam('inv'), response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      await ctx.team.revokeInvite(org(req), req.params.id, req.actor);
      return { ok: true as const };
    },
  );
}
