import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { SESSION_COOKIE, userOf } from '../../http/auth.ts';
import { ZEmail, ZOk, ZPassword, errorResponses, iso } from '../../http/schemas.ts';
import type { Organisation, User } from '../../db/types.ts';
import { PERMISSIONS } from '../../lib/permissions.ts';

const ZLanguage = z.enum(['en', 'es', 'de', 'fr', 'ru']);

export const ZUserView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  language: z.string(),
  roleId: z.string(),
  status: z.string(),
  totpEnabled: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});

export const ZOrganisationView = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  contact: z.string().nullable(),
  info: z.string().nullable(),
  status: z.string(),
  clientKey: z.string(),
  isDemo: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const userView = (u: User) => ({ ...u, lastLoginAt: iso(u.lastLoginAt), createdAt: u.createdAt.toISOString() });
export const orgView = (o: Organisation) => ({ ...o, createdAt: o.createdAt.toISOString(), updatedAt: o.updatedAt.toISOString() });

const ZSessionResponse = z.object({ user: ZUserView, organisation: ZOrganisationView, csrfToken: z.string() });

export function registerAuthRoutes(app: ZApp, ctx: AppContext) {
  const secure = ctx.config.publicUrl.startsWith('https://');
  const setCookie = (reply: FastifyReply, token: string, expires: Date) =>
    reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires });

  app.post(
    '/v1/auth/signup',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Create an organisation and its owner account',
        body: z.strictObject({ email: ZEmail, password: ZPassword, name: z.string().trim().min(1).max(120), companyName: z.string().trim().min(1).max(200), language: ZLanguage.optional() }),
        response: { 201: ZSessionResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { org, user, session } = await ctx.auth.signup(req.body, req.actor);
      setCookie(reply, session.token, session.expiresAt);
      return reply.code(201).send({ user: userView(user), organisation: orgView(org), csrfToken: session.csrfToken });
    },
  );

  app.post(
    '/v1/auth/login',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Sign in; with two-factor on, send totpCode too (401 mfa_required asks for it)',
        body: z.strictObject({ email: ZEmail, password: z.string().min(1).max(200), totpCode: z.string().max(12).optional() }),
        response: { 200: ZSessionResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { user, session } = await ctx.auth.login(req.body, req.actor);
      setCookie(reply, session.token, session.expiresAt);
      const org = await ctx.orgs.get(user.orgId);
      return { user: userView(user), organisation: orgView(org), csrfToken: session.csrfToken };
    },
  );

  app.post(
    '/v1/auth/logout',
    { config: { auth: 'user' }, schema: { tags: ['auth'], summary: 'Sign out this session', response: { 200: ZOk, ...errorResponses } } },
    async (req, reply) => {
      const { session } = userOf(req);
      await ctx.auth.logout(session.id, req.auth!.orgId, req.actor);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { ok: true as const };
    },
  );

  app.get(
    '/v1/auth/me',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, organisation, role, permissions and CSRF token',
        response: {
          200: z.object({
            user: ZUserView,
            organisation: ZOrganisationView,
            role: z.object({ id: z.string(), name: z.string() }),
            permissions: z.array(z.string()),
            mode: z.enum(['live', 'test']),
            csrfToken: z.string(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { user, session } = userOf(req);
      const org = await ctx.orgs.get(user.orgId);
      return {
        user: userView(user),
        organisation: orgView(org),
        role: { id: user.roleId, name: user.roleName },
        permissions: [...req.auth!.permissions],
        mode: req.auth!.mode,
        csrfToken: session.csrfToken,
      };
    },
  );

  app.post(
    '/v1/auth/password-reset/request',
    {
      config: { auth: 'public' },
      schema: { tags: ['auth'], summary: 'Email a single-use password reset link (same answer whether or not the account exists)', body: z.strictObject({ email: ZEmail }), response: { 202: ZOk, ...errorResponses } },
    },
    async (req, reply) => {
      await ctx.auth.requestPasswordReset(req.body.email, req.actor);
      return reply.code(202).send({ ok: true as const });
    },
  );

  app.post(
    '/v1/auth/password-reset/confirm',
    {
      config: { auth: 'public' },
      schema: { tags: ['auth'], summary: 'Set a new password with a reset token; signs out every session', body: z.strictObject({ token: z.string().min(10).max(200), password: ZPassword }), response: { 200: ZOk, ...errorResponses } },
    },
    async (req) => {
      await ctx.auth.resetPassword(req.body.token, req.body.password, req.actor);
      return { ok: true as const };
    },
  );

  app.post(
    '/v1/auth/invites/accept',
    {
      config: { auth: 'public' },
      schema: {
        tags: ['auth'],
        summary: 'Accept an invitation: create the account and sign in',
        body: z.strictObject({ token: z.string().min(10).max(200), name: z.string().trim().min(1).max(120), password: ZPassword }),
        response: { 201: ZSessionResponse, ...errorResponses },
      },
    },
    async (req, reply) => {
      const user = await ctx.team.acceptInvite(req.body.token, req.body, req.actor);
      const session = await ctx.auth.createSession(user.id, req.actor);
      setCookie(reply, session.token, session.expiresAt);
      const org = await ctx.orgs.get(user.orgId);
      return reply.code(201).send({ user: userView(user), organisation: orgView(org), csrfToken: session.csrfToken });
    },
  );

  app.patch(
    '/v1/account',
    {
      config: { auth: 'user' },
      schema: { tags: ['account'], summary: 'Update your name or language', body: z.strictObject({ name: z.string().trim().min(1).max(120).optional(), language: ZLanguage.optional() }), response: { 200: ZUserView, ...errorResponses } },
    },
    async (req) => userView(await ctx.auth.updateAccount(userOf(req).user, req.body, req.actor)),
  );

  app.post(
    '/v1/account/password',
    {
      config: { auth: 'user' },
      schema: { tags: ['account'], summary: 'Change your password (other sessions are signed out)', body: z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: ZPassword }), response: { 200: ZOk, ...errorResponses } },
    },
    async (req) => {
      const { user, session } = userOf(req);
      await ctx.auth.changePassword(user, req.body.currentPassword, req.body.newPassword, session.id, req.actor);
      return { ok: true as const };
    },
  );

  app.post(
    '/v1/account/2fa/setup',
    {
      config: { auth: 'user' },
      schema: { tags: ['account'], summary: 'Start two-factor enrolment: a TOTP secret and its QR code', response: { 200: z.object({ secret: z.string(), otpauthUrl: z.string(), qrCodeDataUrl: z.string() }), ...errorResponses } },
    },
    async (req) => ctx.auth.setupTotp(userOf(req).user, req.actor),
  );

  app.post(
    '/v1/account/2fa/enable',
    { config: { auth: 'user' }, schema: { tags: ['account'], summary: 'Confirm enrolment with a code', body: z.strictObject({ code: z.string().min(6).max(12) }), response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      await ctx.auth.enableTotp(userOf(req).user, req.body.code, req.actor);
      return { ok: true as const };
    },
  );

  app.post(
    '/v1/account/2fa/disable',
    {
      config: { auth: 'user' },
      schema: { tags: ['account'], summary: 'Turn two-factor off (password and a current code)', body: z.strictObject({ password: z.string().min(1).max(200), code: z.string().min(6).max(12) }), response: { 200: ZOk, ...errorResponses } },
    },
    async (req) => {
      await ctx.auth.disableTotp(userOf(req).user, req.body.password, req.body.code, req.actor);
      return { ok: true as const };
    },
  );

  app.get(
    '/v1/permissions',
    {
      config: { auth: 'user' },
      schema: { tags: ['team'], summary: 'Every permission a role can hold', response: { 200: z.object({ data: z.array(z.object({ key: z.string(), description: z.string() })) }), ...errorResponses } },
    },
    async () => ({ data: Object.entries(PERMISSIONS).map(([key, description]) => ({ key, description })) }),
  );
}
