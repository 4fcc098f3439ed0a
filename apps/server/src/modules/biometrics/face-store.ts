import { sql, type Kysely, type Transaction } from 'kysely';
import { createVectorIndex, distanceToSimilarity, EMBEDDING_DIM, EMBEDDING_MODEL, type VectorIndex } from '@tessera/faces';
import type { DB, Mode } from '../../db/types.ts';
import type { Crypto } from '../../lib/crypto.ts';
import { newId } from '../../lib/ids.ts';
import { createTemplateProtection } from './template-protection.ts';

export type Scope = { orgId: string; mode: Mode };
export type FaceSource = 'document' | 'selfie' | 'liveness' | 'selfie_with_document' | 'held_document' | 'external' | 'list';
export type FaceHit = { id: string; applicantId: string | null; listId: string | null; source: string; similarity: number };

/**
 * Face templates of an organisation: stored encrypted, searched 1:N through their protected copy —
 * with pgvector's HNSW index (`hasVector`: the database has pgvector and FACE_SEARCH is `hnsw`), otherwise
 * with an in-process exact index per organisation and mode that follows the table (new rows are loaded
 * incrementally; hits are checked against the table so erased templates are never returned).
 */
export function faceStoreFactory(deps: { db: Kysely<DB>; crypto: Crypto; hasVector: boolean }) {
  const { db, crypto } = deps;
  const tp = createTemplateProtection(crypto.derive('face-template'), EMBEDDING_DIM);
  const mem = new Map<string, { index: VectorIndex; after: Date; lastId: string }>();
  const aad = (id: string) => `face:${id}`;

  async function memorySearch(scope: Scope, vector: number[], k: number) {
    const key = `${scope.orgId}:${scope.mode}`;
    let entry = mem.get(key);
    if (!entry) {
      entry = { index: createVectorIndex({ dim: EMBEDDING_DIM }), after: new Date(0), lastId: '' };
      mem.set(key, entry);
    }
    // Catch up with rows other processes added since the last search.
    const fresh = await db
      .selectFrom('faceEmbeddings')
      .select(['id', 'search', 'createdAt'])
      .where('orgId', '=', scope.orgId)
      .where('mode', '=', scope.mode)
      .where((eb) => eb.or([eb('createdAt', '>', entry.after), eb.and([eb('createdAt', '=', entry.after), eb('id', '>', entry.lastId)])]))
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    for (const r of fresh) {
      entry.index.add(r.id, r.search);
      entry.after = r.createdAt;
      entry.lastId = r.id;
    }
    return entry.index.search(vector, { k }).map((h) => ({ id: h.id, distance: h.distance }));
  }

  async function vectorSearch(scope: Scope, vector: number[], k: number) {
    return db.transaction().execute(async (tx) => {
      // A wide candidate list and iterative scans keep recall high under the organisation filter.
      await sql`SET LOCAL hnsw.ef_search = 200`.execute(tx);
      await sql`SET LOCAL hnsw.iterative_scan = relaxed_order`.execute(tx);
      const v = `[${vector.join(',')}]`;
      const rows = await sql<{ id: string; distance: number }>`
        SELECT id, (search::vector(128) <=> ${v}::vector) AS distance FROM face_embeddings
        WHERE org_id = ${scope.orgId} AND mode = ${scope.mode}
        ORDER BY search::vector(128) <=> ${v}::vector LIMIT ${k}`.execute(tx);
      return rows.rows;
    });
  }

  return {
    model: EMBEDDING_MODEL,
    /** How 1:N searches run here (reported by /readyz). */
    searchMethod: deps.hasVector ? ('pgvector_hnsw' as const) : ('exact_in_process' as const),

    /** Builds the HNSW index when pgvector is present (idempotent; run at start). */
    async ensureIndex() {
      if (!deps.hasVector) return;
      await sql`CREATE INDEX IF NOT EXISTS face_embeddings_hnsw ON face_embeddings USING hnsw ((search::vector(128)) vector_cosine_ops)`.execute(db);
    },

    async save(
      tx: Transaction<DB> | Kysely<DB>,
      e: Scope & { id?: string; applicantId?: string | null; listId?: string | null; submissionId?: string | null; source: FaceSource; embedding: ArrayLike<number>; label?: string | null; quality?: number | null; imageKey?: string | null },
    ) {
      const id = e.id ?? newId('face');
      await tx
        .insertInto('faceEmbeddings')
        .values({
          id,
          orgId: e.orgId,
          mode: e.mode,
          applicantId: e.applicantId ?? null,
          listId: e.listId ?? null,
          submissionId: e.submissionId ?? null,
          source: e.source,
          model: EMBEDDING_MODEL,
          embeddingEnc: crypto.encryptJson(Array.from(e.embedding), aad(id)),
          search: tp.protect(e.embedding),
          labelEnc: e.label ? crypto.encrypt(e.label, aad(id)) : null,
          quality: e.quality ?? null,
          imageKey: e.imageKey ?? null,
        })
        .execute();
      return id;
    },

    /** Nearest templates of the organisation (applicants and lists), most similar first. */
    async search(scope: Scope, embedding: ArrayLike<number>, opts: { k?: number; minSimilarity?: number } = {}): Promise<FaceHit[]> {
      const k = opts.k ?? 20;
      const vector = tp.protect(embedding);
      const raw = deps.hasVector ? await vectorSearch(scope, vector, k) : await memorySearch(scope, vector, k);
      const wanted = raw.map((r) => ({ ...r, similarity: distanceToSimilarity(r.distance) })).filter((r) => r.similarity >= (opts.minSimilarity ?? 0));
      if (!wanted.length) return [];
      const rows = await db.selectFrom('faceEmbeddings').select(['id', 'applicantId', 'listId', 'source', 'model']).where('id', 'in', wanted.map((w) => w.id)).execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      return wanted
        .filter((w) => byId.get(w.id)?.model === EMBEDDING_MODEL)
        .map((w) => ({ id: w.id, applicantId: byId.get(w.id)!.applicantId, listId: byId.get(w.id)!.listId, source: byId.get(w.id)!.source, similarity: w.similarity }));
    },

    /** The decrypted templates recorded for the given submissions. */
    async ofSubmissions(ids: string[]) {
      if (!ids.length) return [];
      const rows = await db.selectFrom('faceEmbeddings').select(['id', 'submissionId', 'source', 'embeddingEnc', 'quality']).where('submissionId', 'in', ids).where('model', '=', EMBEDDING_MODEL).execute();
      return rows.map((r) => ({ id: r.id, submissionId: r.submissionId!, source: r.source, quality: r.quality, embedding: crypto.decryptJson<number[]>(r.embeddingEnc, aad(r.id)) }));
    },

    label(id: string, labelEnc: string | null) {
      return labelEnc ? crypto.decrypt(labelEnc, aad(id)) : null;
    },
  };
}

export type TFaceStore = ReturnType<typeof faceStoreFactory>;
