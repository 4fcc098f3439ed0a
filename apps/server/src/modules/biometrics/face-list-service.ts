import type { Kysely } from 'kysely';
import type { DB, Mode } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import { conflict, notFound, unprocessable } from '../../lib/errors.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import type { TFaceStore } from './face-store.ts';
import { getFaceEngine } from './face-engine.ts';
import { ObjectNotFoundError, type ObjectStorage } from '../../lib/storage.ts';
import { sniff } from '@tessera/documents';

export type Scope = { orgId: string; mode: Mode };
export type TFaceListService = ReturnType<typeof faceListServiceFactory>;

/**
 * Where a list face's photo is stored: under the organisation and mode like applicants' files, but in a
 * folder of its own (applicant folders are named by applicant id, so erasure's prefix never reaches here).
 */
const listPrefix = (scope: Scope, listId: string) => `${scope.orgId}/${scope.mode}/face-lists/${listId}/`;
const photoKey = (scope: Scope, listId: string, faceId: string) => `${listPrefix(scope, listId)}${faceId}`;

/**
 * Customer face lists: a blacklist blocks any session whose face matches it; other lists only flag.
 * The photo a face was added with is kept, envelope-encrypted in object storage, so a reviewer can see
 * whom an applicant matched; removing the face or the list removes the photo.
 */
export function faceListServiceFactory(deps: { db: Kysely<DB>; audit: TAuditService; faces: TFaceStore; storage: ObjectStorage }) {
  const { db, audit, faces, storage } = deps;

  async function mustList(scope: Scope, id: string) {
    const l = await db.selectFrom('faceLists').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('id', '=', id).executeTakeFirst();
    if (!l) throw notFound('Face list');
    return l;
  }

  return {
    mustList,

    async kindOf(listId: string) {
      return (await db.selectFrom('faceLists').select(['kind', 'name']).where('id', '=', listId).executeTakeFirst()) ?? null;
    },

    async list(scope: Scope) {
      const lists = await db.selectFrom('faceLists').selectAll().where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).orderBy('createdAt').execute();
      const counts = await db.selectFrom('faceEmbeddings').select(['listId', (eb) => eb.fn.countAll<number>().as('n')]).where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('listId', 'is not', null).groupBy('listId').execute();
      return lists.map((l) => ({ ...l, faces: Number(counts.find((c) => c.listId === l.id)?.n ?? 0) }));
    },

    async create(scope: Scope, input: { name: string; kind: 'blacklist' | 'custom'; description?: string }, actor: Actor) {
      return db.transaction().execute(async (tx) => {
        const dup = await tx.selectFrom('faceLists').select('id').where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('name', '=', input.name).executeTakeFirst();
        if (dup) throw conflict('list_exists', 'A face list with this name already exists.');
        const l = await tx.insertInto('faceLists').values({ id: newId('faceList'), orgId: scope.orgId, mode: scope.mode, name: input.name, kind: input.kind, description: input.description ?? '' }).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'face_list.created', targetType: 'face_list', targetId: l.id, after: input });
        return l;
      });
    },

    async update(scope: Scope, id: string, patch: { name?: string; description?: string }, actor: Actor) {
      await mustList(scope, id);
      return db.transaction().execute(async (tx) => {
        const l = await tx.updateTable('faceLists').set({ ...patch, updatedAt: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'face_list.updated', targetType: 'face_list', targetId: id, after: patch });
        return l;
      });
    },

    async remove(scope: Scope, id: string, actor: Actor) {
      await mustList(scope, id);
      // Photos first: if the deletion dies half-way the list is still there to delete again.
      await storage.deletePrefix(listPrefix(scope, id));
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('faceLists').where('id', '=', id).execute();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'face_list.deleted', targetType: 'face_list', targetId: id });
      });
    },

    async faces(scope: Scope, listId: string) {
      await mustList(scope, listId);
      const rows = await db.selectFrom('faceEmbeddings').select(['id', 'labelEnc', 'quality', 'imageKey', 'createdAt']).where('listId', '=', listId).orderBy('createdAt').execute();
      return rows.map((r) => ({ id: r.id, label: faces.label(r.id, r.labelEnc), quality: r.quality, hasImage: r.imageKey !== null, createdAt: r.createdAt }));
    },

    /** The photo a face was added with (404 for another scope's list or face, or a face added before photos were kept). */
    async faceImage(scope: Scope, listId: string, faceId: string) {
      await mustList(scope, listId);
      const f = await db.selectFrom('faceEmbeddings').select(['id', 'imageKey']).where('orgId', '=', scope.orgId).where('mode', '=', scope.mode).where('listId', '=', listId).where('id', '=', faceId).executeTakeFirst();
      if (!f?.imageKey) throw notFound('Face photo');
      let body: Buffer;
      try {
        body = await storage.get(f.imageKey);
      } catch (e) {
        if (e instanceof ObjectNotFoundError) throw notFound('Face photo');
        throw e;
      }
      const mime = sniff(body);
      return { body, mime: mime && mime !== 'application/pdf' ? mime : 'application/octet-stream' };
    },

    /** Adds the face in a photo to a list (exactly one face must be visible). */
    async addFace(scope: Scope, listId: string, image: Buffer, label: string | null, actor: Actor) {
      await mustList(scope, listId);
      const engine = await getFaceEngine();
      const det = await engine.detect(image, { embeddings: true });
      if (det.faces.length === 0) throw unprocessable('no_face', 'Face could not be detected. Please upload a clear image of a face.');
      if (det.faces.length > 1) throw unprocessable('multiple_faces', 'The photo shows several faces; upload a photo of one person.');
      const f = det.faces[0];
      // The photo (already sniffed, stripped and re-encoded by the upload intake) is stored before the row
      // that points at it, and removed again if the row is not written.
      const id = newId('face');
      const imageKey = photoKey(scope, listId, id);
      await storage.put(imageKey, image);
      try {
        return await db.transaction().execute(async (tx) => {
          await faces.save(tx, { ...scope, id, listId, source: 'list', embedding: f.embedding!, label, quality: f.quality.score, imageKey });
          await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'face_list.face_added', targetType: 'face_list', targetId: listId, after: { faceId: id } });
          return { id, label, quality: f.quality.score };
        });
      } catch (e) {
        await storage.delete(imageKey).catch(() => {});
        throw e;
      }
    },

    async removeFace(scope: Scope, listId: string, faceId: string, actor: Actor) {
      await mustList(scope, listId);
      const face = await db.selectFrom('faceEmbeddings').select(['id', 'imageKey']).where('listId', '=', listId).where('id', '=', faceId).executeTakeFirst();
      if (!face) throw notFound('Face');
      // The photo first: if the removal dies half-way the face is still listed and can be removed again.
      if (face.imageKey) await storage.delete(face.imageKey);
      await db.transaction().execute(async (tx) => {
        const r = await tx.deleteFrom('faceEmbeddings').where('listId', '=', listId).where('id', '=', faceId).executeTakeFirst();
        if (!r.numDeletedRows) throw notFound('Face');
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'face_list.face_removed', targetType: 'face_list', targetId: listId, after: { faceId } });
      });
    },
  };
}
