import type { Kysely } from 'kysely';
import type { DB, Mode } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import { conflict, notFound, unprocessable } from '../../lib/errors.ts';
import type { Actor, TAuditService } from '../audit/audit-service.ts';
import type { TFaceStore } from './face-store.ts';
import { getFaceEngine } from './face-engine.ts';

export type Scope = { orgId: string; mode: Mode };
export type TFaceListService = ReturnType<typeof faceListServiceFactory>;

/** Customer face lists: a blacklist blocks any session whose face matches it; other lists only flag. */
export function faceListServiceFactory(deps: { db: Kysely<DB>; audit: TAuditService; faces: TFaceStore }) {
  const { db, audit, faces } = deps;

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
      await db.transaction().execute(async (tx) => {
        await tx.deleteFrom('faceLists').where('id', '=', id).execute();
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'face_list.deleted', targetType: 'face_list', targetId: id });
      });
    },

    async faces(scope: Scope, listId: string) {
      await mustList(scope, listId);
      const rows = await db.selectFrom('faceEmbeddings').select(['id', 'labelEnc', 'quality', 'createdAt']).where('listId', '=', listId).orderBy('createdAt').execute();
      return rows.map((r) => ({ id: r.id, label: faces.label(r.id, r.labelEnc), quality: r.quality, createdAt: r.createdAt }));
    },

    /** Adds the face in a photo to a list (exactly one face must be visible). */
    async addFace(scope: Scope, listId: string, image: Buffer, label: string | null, actor: Actor) {
      await mustList(scope, listId);
      const engine = await getFaceEngine();
      const det = await engine.detect(image, { embeddings: true });
      if (det.faces.length === 0) throw unprocessable('no_face', 'Face could not be detected. Please upload a clear image of a face.');
      if (det.faces.length > 1) throw unprocessable('multiple_faces', 'The photo shows several faces; upload a photo of one person.');
      const f = det.faces[0];
      return db.transaction().execute(async (tx) => {
        const id = await faces.save(tx, { ...scope, listId, source: 'list', embedding: f.embedding!, label, quality: f.quality.score });
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'face_list.face_added', targetType: 'face_list', targetId: listId, after: { faceId: id } });
        return { id, label, quality: f.quality.score };
      });
    },

    async removeFace(scope: Scope, listId: string, faceId: string, actor: Actor) {
      await mustList(scope, listId);
      await db.transaction().execute(async (tx) => {
        const r = await tx.deleteFrom('faceEmbeddings').where('listId', '=', listId).where('id', '=', faceId).executeTakeFirst();
        if (!r.numDeletedRows) throw notFound('Face');
        await audit.record(tx, { orgId: scope.orgId, mode: scope.mode, actor, action: 'face_list.face_removed', targetType: 'face_list', targetId: listId, after: { faceId } });
      });
    },
  };
}
