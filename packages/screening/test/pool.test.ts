import { describe, expect, it } from 'vitest';
import { ScreeningPool } from '../src/batch/pool.ts';
import { scanListsDir } from '../src/lists.ts';
import { buildIndex } from '../src/search-index.ts';
import { FIXTURES, fixtureEntities } from './helpers.ts';

describe('worker pool', () => {
  it('screens a batch on worker threads with the same results as the index in this thread', async () => {
    const entities = await fixtureEntities();
    const index = buildIndex(entities);
    const queries = [{ name: 'Ivan Testov' }, { name: 'Dragan Examplevic', birthDate: '1969-11-05' }, { name: 'Harriet Examplesworth' }, { bad: true }, { name: 'Ocean Example', schema: 'vessel' }];
    const pool = await ScreeningPool.create({ entities, workers: 2, chunkSize: 2 });
    try {
      const results = await pool.searchBatch(queries as never);
      expect(results).toHaveLength(queries.length);
      expect(results[3]).toEqual({ error: { code: 'INVALID_QUERY', message: expect.any(String) } });
      for (const i of [0, 1, 2, 4]) expect(results[i]).toEqual(index.search(queries[i] as never));
      await expect(pool.search({ name: '' })).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    } finally {
      await pool.close();
    }
    await expect(pool.search({ name: 'Ivan Testov' })).rejects.toMatchObject({ code: 'POOL_CLOSED' });
  });

  it('lets each worker read the list files itself', async () => {
    const pool = await ScreeningPool.create({ lists: scanListsDir(FIXTURES), workers: 1 });
    try {
      const r = await pool.search({ name: 'Khalid Abdul Testawi' });
      expect(r.matches[0]).toMatchObject({ entityId: 'un:9000001', hit: true });
    } finally {
      await pool.close();
    }
  });
});
