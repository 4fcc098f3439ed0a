import { z } from 'zod';
import type { ZApp } from '../../http/app.ts';
import type { AppContext } from '../../context.ts';
import { scopeOf } from '../../http/auth.ts';
import { ZIdParam, ZOk, errorResponses } from '../../http/schemas.ts';
import { readUploads } from '../../lib/uploads.ts';
import { badRequest } from '../../lib/errors.ts';

const ZList = z.object({ id: z.string(), name: z.string(), kind: z.enum(['blacklist', 'custom']), description: z.string(), faces: z.number(), createdAt: z.string() });
const ZFace = z.object({ id: z.string(), label: z.string().nullable(), quality: z.number().nullable(), hasImage: z.boolean().describe('Whether the photo the face was added with is kept (faces added before photos were kept have none)'), createdAt: z.string() });
const ZFaceParams = z.object({ id: z.string().regex(/^fls_[0-9a-z]{26}$/), faceId: z.string().regex(/^fce_[0-9a-z]{26}$/) });

export function registerFaceRoutes(app: ZApp, ctx: AppContext) {
  const tags = ['faces'];
  const read = { auth: 'staff' as const, permission: 'applicants.read' as const };
  const manage = { auth: 'staff' as const, permission: 'applicants.review' as const };
  const view = (l: { id: string; name: string; kind: 'blacklist' | 'custom'; description: string; createdAt: Date; faces?: number }) => ({ ...l, faces: l.faces ?? 0, createdAt: l.createdAt.toISOString() });

  app.get('/v1/face-lists', { config: read, schema: { tags, summary: 'Face lists (blacklists and custom lists)', response: { 200: z.object({ data: z.array(ZList) }), ...errorResponses } } }, async (req) => ({
    data: (await ctx.faceLists.list(scopeOf(req))).map(view),
  }));

  app.post(
    '/v1/face-lists',
    { config: manage, schema: { tags, summary: 'Create a face list; a blacklist match blocks the session', body: z.strictObject({ name: z.string().trim().min(1).max(120), kind: z.enum(['blacklist', 'custom']), description: z.string().max(1000).optional() }), response: { 201: ZList, ...errorResponses } } },
    async (req, reply) => reply.code(201).send(view(await ctx.faceLists.create(scopeOf(req), req.body, req.actor))),
  );

  app.patch(
    '/v1/face-lists/:id',
    { config: manage, schema: { tags, summary: 'Rename or describe a face list', params: ZIdParam('fls'), body: z.strictObject({ name: z.string().trim().min(1).max(120).optional(), description: z.string().max(1000).optional() }), response: { 200: ZList, ...errorResponses } } },
    async (req) => view(await ctx.faceLists.update(scopeOf(req), req.params.id, req.body, req.actor)),
  );

  app.delete('/v1/face-lists/:id', { config: manage, schema: { tags, summary: 'Delete a face list and its faces', params: ZIdParam('fls'), response: { 200: ZOk, ...errorResponses } } }, async (req) => {
    await ctx.faceLists.remove(scopeOf(req), req.params.id, req.actor);
    return { ok: true as const };
  });

  app.get(
    '/v1/face-lists/:id/faces',
    { config: { auth: 'staff', permission: 'pii.view' }, schema: { tags, summary: 'Faces of a list', params: ZIdParam('fls'), response: { 200: z.object({ data: z.array(ZFace) }), ...errorResponses } } },
    async (req) => ({ data: (await ctx.faceLists.faces(scopeOf(req), req.params.id)).map((f) => ({ ...f, createdAt: f.createdAt.toISOString() })) }),
  );

  app.get(
    '/v1/face-lists/:id/faces/:faceId/image',
    {
      config: { auth: 'staff', permission: 'pii.view' },
      schema: { tags, summary: 'The photo a face was added to the list with (JPEG, PNG or WebP)', description: 'Answers 404 for a face added before photos were kept.', params: ZFaceParams },
    },
    async (req, reply) => {
      const scope = scopeOf(req);
      const { id, faceId } = req.params;
      const img = await ctx.faceLists.faceImage(scope, id, faceId);
      // A read of personal (biometric) data, recorded like the applicant image reads of the back office.
      if (req.auth!.kind === 'user') await ctx.audit.record(ctx.db, { orgId: scope.orgId, mode: scope.mode, actor: req.actor, action: 'face_list.face_viewed', targetType: 'face_list', targetId: id, after: { faceId } });
      return reply.header('cache-control', 'private, no-store').type(img.mime).send(img.body);
    },
  );

  app.post(
    '/v1/face-lists/:id/faces',
    { config: manage, schema: { tags, summary: 'Add a face (multipart: image, optional label)', description: 'multipart/form-data: image (file), label (text)', consumes: ['multipart/form-data'], params: ZIdParam('fls'), response: { 201: z.object({ id: z.string(), label: z.string().nullable(), quality: z.number() }), ...errorResponses } } },
    async (req, reply) => {
      // The list is checked first: another organisation's list is a 404 whatever the body is.
      await ctx.faceLists.mustList(scopeOf(req), (req.params as { id: string }).id);
      const { uploads, fields } = await readUploads(req, { files: ['image'], maxFiles: 1 });
      if (!uploads[0]) throw badRequest('image_required', 'Send the photo in the image field.');
      return reply.code(201).send(await ctx.faceLists.addFace(scopeOf(req), (req.params as { id: string }).id, uploads[0].image, fields.label?.slice(0, 200) ?? null, req.actor));
    },
  );

  app.delete(
    '/v1/face-lists/:id/faces/:faceId',
    { config: manage, schema: { tags, summary: 'Remove a face (and its photo) from a list', params: ZFaceParams, response: { 200: ZOk, ...errorResponses } } },
    async (req) => {
      await ctx.faceLists.removeFace(scopeOf(req), req.params.id, req.params.faceId, req.actor);
      return { ok: true as const };
    },
  );
}
