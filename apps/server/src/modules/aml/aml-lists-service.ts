import { sql, type Kysely, type Transaction } from 'kysely';
import { entityHash, parseSource, SOURCE_IDS, type Entity, type ImportInput, type SourceId } from '@tessera/screening';
import type { DB } from '../../db/types.ts';
import { newId } from '../../lib/ids.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { SYSTEM_ACTOR, type Actor, type TAuditService } from '../audit/audit-service.ts';

/**
 * Where each list is published. Refresh downloads from here on schedule when enabled; every URL can be
 * changed per installation (PATCH /v1/aml/lists/:source) since publishers move their files.
 */
export const KNOWN_LISTS: Record<SourceId, { name: string; url: string | null }> = {
  'ofac-sdn': { name: 'OFAC Specially Designated Nationals (SDN)', url: 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML' },
  'ofac-cons': { name: 'OFAC Consolidated (non-SDN)', url: 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONSOLIDATED.XML' },
  un: { name: 'UN Security Council Consolidated List', url: 'https://scsanctions.un.org/resources/xml/en/consolidated.xml' },
  eu: { name: 'EU Financial Sanctions (FSF)', url: 'https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw' },
  'uk-ofsi': { name: 'UK OFSI Consolidated List', url: 'https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv' },
  'us-csl': { name: 'US Consolidated Screening List', url: 'https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv' },
  'bis-dpl': { name: 'BIS Denied Persons List', url: 'https://www.bis.doc.gov/dpl/dpl.txt' },
  ftm: { name: 'OpenSanctions (FollowTheMoney)', url: 'https://data.opensanctions.org/datasets/latest/default/entities.ftm.json' },
  senzing: { name: 'OpenSanctions (Senzing JSON)', url: 'https://data.opensanctions.org/datasets/latest/default/senzing.json' },
};

const BATCH = 500;

export type ImportProgress = { entities: number; bytes?: number };
export type ImportSummary = { source: SourceId; version: number; versionId: string; entities: number; added: number; changed: number; removed: number; ms: number };

export type TAmlListsService = ReturnType<typeof amlListsServiceFactory>;

export function amlListsServiceFactory(deps: {
  db: Kysely<DB>;
  audit: TAuditService;
  /** Runs inside the transaction that makes a version live (monitoring enqueues its re-screen here). */
  onVersion?: (tx: Transaction<DB>, source: SourceId, version: number) => Promise<void>;
}) {
  const { db, audit } = deps;

  async function ensureList(source: SourceId) {
    await db
      .insertInto('amlLists')
      .values({ source, name: KNOWN_LISTS[source].name, url: KNOWN_LISTS[source].url })
      .onConflict((oc) => oc.column('source').doNothing())
      .execute();
  }

  /**
   * Imports a new version of a list from its publisher's file(s): streamed into staging in batches, then
   * merged in one statement that records the diff (added / changed / removed). Two imports of the same
   * list run one after the other; a failure leaves the previous version live.
   */
  async function importList(source: SourceId, input: ImportInput, opts: { origin: string; files?: unknown[]; actor?: Actor; onProgress?: (p: ImportProgress) => void }): Promise<ImportSummary> {
    const started = Date.now();
    await ensureList(source);
    const list = await db.selectFrom('amlLists').selectAll().where('source', '=', source).executeTakeFirstOrThrow();
    const last = await db.selectFrom('amlListVersions').select((eb) => eb.fn.max('version').as('v')).where('source', '=', source).executeTakeFirst();
    const version = Math.max(list.currentVersion ?? 0, Number(last?.v ?? 0)) + 1;
    const versionId = newId('amlListVersion');
    await db.insertInto('amlListVersions').values({ id: versionId, source, version, status: 'importing', origin: opts.origin, files: JSON.stringify(opts.files ?? []) }).execute();
    let count = 0;
    try {
      let batch: { versionId: string; entityId: string; hash: string; data: string }[] = [];
      const flush = async () => {
        if (!batch.length) return;
        await db
          .insertInto('amlStaging')
          .values(batch)
          .onConflict((oc) => oc.columns(['versionId', 'entityId']).doUpdateSet((eb) => ({ hash: eb.ref('excluded.hash'), data: eb.ref('excluded.data') })))
          .execute();
        batch = [];
      };
      for await (const e of parseSource(source, input) as AsyncIterable<Entity>) {
        batch.push({ versionId, entityId: e.id, hash: entityHash(e), data: JSON.stringify(e) });
        count++;
        if (batch.length >= BATCH) {
          await flush();
          opts.onProgress?.({ entities: count });
        }
      }
      await flush();
      opts.onProgress?.({ entities: count });
      if (count === 0) throw new AppError(422, 'empty_list', `No ${source} entities were found in the file(s).`);

      const counts = await db.transaction().execute(async (tx) => {
        await sql`SELECT 1 FROM aml_lists WHERE source = ${source} FOR UPDATE`.execute(tx);
        await sql`
          INSERT INTO aml_changes (source, version, entity_id, change)
          SELECT ${source}, ${version}, s.entity_id,
                 CASE WHEN e.id IS NULL OR e.removed_version IS NOT NULL THEN 'added' ELSE 'changed' END
          FROM aml_staging s LEFT JOIN aml_entities e ON e.id = s.entity_id
          WHERE s.version_id = ${versionId} AND (e.id IS NULL OR e.removed_version IS NOT NULL OR e.hash <> s.hash)`.execute(tx);
        await sql`
          INSERT INTO aml_changes (source, version, entity_id, change)
          SELECT ${source}, ${version}, e.id, 'removed' FROM aml_entities e
          WHERE e.source = ${source} AND e.removed_version IS NULL
            AND NOT EXISTS (SELECT 1 FROM aml_staging s WHERE s.version_id = ${versionId} AND s.entity_id = e.id)`.execute(tx);
        await sql`
          INSERT INTO aml_entities (id, source, hash, data, added_version, changed_version)
          SELECT s.entity_id, ${source}, s.hash, s.data, ${version}, ${version} FROM aml_staging s WHERE s.version_id = ${versionId}
          ON CONFLICT (id) DO UPDATE SET
            hash = EXCLUDED.hash, data = EXCLUDED.data, changed_version = EXCLUDED.changed_version, removed_version = NULL,
            added_version = CASE WHEN aml_entities.removed_version IS NOT NULL THEN EXCLUDED.added_version ELSE aml_entities.added_version END
          WHERE aml_entities.hash <> EXCLUDED.hash OR aml_entities.removed_version IS NOT NULL`.execute(tx);
        await sql`
          UPDATE aml_entities SET removed_version = ${version}
          WHERE id IN (SELECT entity_id FROM aml_changes WHERE source = ${source} AND version = ${version} AND change = 'removed')`.execute(tx);
        await sql`DELETE FROM aml_staging WHERE version_id = ${versionId}`.execute(tx);
        const rows = (await sql<{ change: string; n: number }>`SELECT change, count(*)::int AS n FROM aml_changes WHERE source = ${source} AND version = ${version} GROUP BY change`.execute(tx)).rows;
        const c = { added: 0, changed: 0, removed: 0 };
        for (const r of rows) c[r.change as keyof typeof c] = Number(r.n);
        const live = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM aml_entities WHERE source = ${source} AND removed_version IS NULL`.execute(tx)).rows[0].n;
        await tx.updateTable('amlListVersions').set({ status: 'superseded' }).where('source', '=', source).where('status', '=', 'live').execute();
        await tx
          .updateTable('amlListVersions')
          .set({ status: 'live', entityCount: Number(live), ...c, finishedAt: new Date() })
          .where('id', '=', versionId)
          .execute();
        await tx.updateTable('amlLists').set({ currentVersion: version, lastError: null, lastAttemptAt: new Date(), updatedAt: new Date() }).where('source', '=', source).execute();
        await deps.onVersion?.(tx, source, version);
        await audit.record(tx, { orgId: null, actor: opts.actor ?? SYSTEM_ACTOR, action: 'aml.list_imported', targetType: 'aml_list', targetId: source, after: { version, entities: Number(live), ...c, origin: opts.origin } });
        return c;
      });
      return { source, version, versionId, entities: count, ...counts, ms: Date.now() - started };
    } catch (e) {
      const message = (e as Error).message.slice(0, 1000);
      await db.deleteFrom('amlStaging').where('versionId', '=', versionId).execute();
      await db.updateTable('amlListVersions').set({ status: 'failed', error: message, finishedAt: new Date() }).where('id', '=', versionId).execute();
      await db.updateTable('amlLists').set({ lastError: message, lastAttemptAt: new Date() }).where('source', '=', source).execute();
      throw e;
    }
  }

  return {
    importList,

    async status() {
      for (const s of SOURCE_IDS) await ensureList(s);
      const lists = await db.selectFrom('amlLists').selectAll().orderBy('source').execute();
      const versions = await db.selectFrom('amlListVersions').selectAll().where('status', '=', 'live').execute();
      const latest = await db
        .selectFrom('amlListVersions')
        .selectAll()
        .where('id', 'in', db.selectFrom('amlListVersions').select((eb) => eb.fn.max('id').as('id')).groupBy('source'))
        .execute();
      return lists.map((l) => ({ ...l, live: versions.find((v) => v.source === l.source) ?? null, lastAttempt: latest.find((v) => v.source === l.source) ?? null }));
    },

    async versions(source: string) {
      if (!(SOURCE_IDS as readonly string[]).includes(source)) throw notFound('List');
      return db.selectFrom('amlListVersions').selectAll().where('source', '=', source).orderBy('version', 'desc').limit(100).execute();
    },

    async changes(source: string, version: number, limit = 1000) {
      return db
        .selectFrom('amlChanges as c')
        .leftJoin('amlEntities as e', 'e.id', 'c.entityId')
        .select(['c.entityId', 'c.change', 'e.data'])
        .where('c.source', '=', source)
        .where('c.version', '=', version)
        .orderBy('c.seq')
        .limit(limit)
        .execute();
    },

    async configure(source: string, patch: { url?: string | null; refreshEnabled?: boolean }, actor: Actor) {
      if (!(SOURCE_IDS as readonly string[]).includes(source)) throw notFound('List');
      await ensureList(source as SourceId);
      await db.transaction().execute(async (tx) => {
        await tx.updateTable('amlLists').set({ ...patch, updatedAt: new Date() }).where('source', '=', source).execute();
        await audit.record(tx, { orgId: null, actor, action: 'aml.list_configured', targetType: 'aml_list', targetId: source, after: patch });
      });
    },

    /**
     * Downloads the list from its URL and imports it. Offline or a publisher error: the error is recorded,
     * the previous version stays live, and the caller sees a clear message.
     */
    async refresh(source: SourceId, actor: Actor = SYSTEM_ACTOR) {
      await ensureList(source);
      const list = await db.selectFrom('amlLists').selectAll().where('source', '=', source).executeTakeFirstOrThrow();
      if (!list.url) throw new AppError(409, 'no_list_url', `No download URL is configured for ${source}.`);
      let res: Response;
      try {
        res = await fetch(list.url, { redirect: 'follow', signal: AbortSignal.timeout(120_000) });
        if (!res.ok || !res.body) throw new Error(`the publisher answered HTTP ${res.status}`);
      } catch (e) {
        const message = `Could not download ${source} from ${list.url}: ${(e as Error).message}. The previous version stays live.`;
        await db.updateTable('amlLists').set({ lastError: message, lastAttemptAt: new Date() }).where('source', '=', source).execute();
        throw new AppError(502, 'list_download_failed', message);
      }
      const { Readable } = await import('node:stream');
      return importList(source, Readable.fromWeb(res.body as never), { origin: list.url, actor });
    },

    async refreshDue() {
      const lists = await db.selectFrom('amlLists').selectAll().where('refreshEnabled', '=', true).execute();
      const out: { source: string; ok: boolean; error?: string }[] = [];
      for (const l of lists) {
        try {
          await this.refresh(l.source as SourceId);
          out.push({ source: l.source, ok: true });
        } catch (e) {
          out.push({ source: l.source, ok: false, error: (e as Error).message });
        }
      }
      return out;
    },
  };
}
