import { sql, type Kysely } from 'kysely';
import { buildIndex, ScreeningIndex, type Entity } from '@tessera/screening';
import type { Logger } from 'pino';
import type { DB } from '../../db/types.ts';

const CHECK_EVERY_MS = 5_000;
const PAGE = 2000;

/**
 * This process's in-memory screening index over every live list entity. It follows the database: when a
 * list's version moves, the entities that version added, changed or removed are applied in place (a
 * first load, or a gap, rebuilds from scratch). Versions are checked at most every few seconds.
 */
export function createAmlIndex(deps: { db: Kysely<DB>; logger: Logger }) {
  const { db } = deps;
  let index: ScreeningIndex | null = null;
  let loaded = new Map<string, number>();
  let checkedAt = 0;
  let inflight: Promise<ScreeningIndex> | null = null;

  async function liveVersions() {
    const rows = await db.selectFrom('amlLists').select(['source', 'currentVersion']).where('currentVersion', 'is not', null).execute();
    return new Map(rows.map((r) => [r.source, r.currentVersion!]));
  }

  async function fullLoad(versions: Map<string, number>) {
    const t = Date.now();
    const entities: Entity[] = [];
    let after = '';
    for (;;) {
      const rows = await db.selectFrom('amlEntities').select(['id', 'data']).where('removedVersion', 'is', null).where('id', '>', after).orderBy('id').limit(PAGE).execute();
      if (!rows.length) break;
      for (const r of rows) entities.push(r.data as Entity);
      after = rows[rows.length - 1].id;
    }
    index = buildIndex(entities);
    loaded = versions;
    deps.logger.info({ entities: entities.length, ms: Date.now() - t }, 'screening index built');
  }

  async function applyDelta(source: string, from: number, to: number) {
    const changes = (
      await sql<{ entityId: string; change: string; data: Entity | null }>`
        SELECT c.entity_id AS "entityId", c.change, e.data FROM aml_changes c LEFT JOIN aml_entities e ON e.id = c.entity_id
        WHERE c.source = ${source} AND c.version > ${from} AND c.version <= ${to} ORDER BY c.seq`.execute(db)
    ).rows;
    for (const c of changes) {
      if (c.change === 'removed' || !c.data) index!.remove(c.entityId);
      else if (c.change === 'added' || c.change === 'changed') index!.add(c.data);
    }
    // An entity removed then re-added in the range ends in its final state: replay order guarantees it.
  }

  async function refresh(): Promise<ScreeningIndex> {
    const versions = await liveVersions();
    if (!index) {
      await fullLoad(versions);
      return index!;
    }
    for (const [source, v] of versions) {
      const have = loaded.get(source) ?? 0;
      if (v > have) await applyDelta(source, have, v);
    }
    for (const source of loaded.keys()) if (!versions.has(source)) return (await fullLoad(versions), index!);
    loaded = versions;
    return index;
  }

  return {
    /** The index, current to within a few seconds (or exactly current with `fresh`). */
    async get(opts: { fresh?: boolean } = {}): Promise<ScreeningIndex> {
      if (index && !opts.fresh && Date.now() - checkedAt < CHECK_EVERY_MS) return index;
      inflight ??= refresh().finally(() => {
        inflight = null;
        checkedAt = Date.now();
      });
      return inflight;
    },
    loadedVersions: () => Object.fromEntries(loaded),
    size: () => index?.size ?? 0,
  };
}

export type AmlIndex = ReturnType<typeof createAmlIndex>;
