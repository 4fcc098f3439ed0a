import { parentPort, workerData } from 'node:worker_threads';
import { ScreeningError } from '../errors.ts';
import { readLists, type ListFiles } from '../lists.ts';
import { buildIndex, type ScreeningIndex } from '../search-index.ts';
import type { ScreeningQuery, ScreeningResult } from '../query.ts';
import type { Entity } from '../types.ts';

export interface WorkerInit {
  entities?: Entity[];
  lists?: ListFiles[];
}

export type WorkerRequest = { id: number; queries: ScreeningQuery[] };
export type BatchItem = ScreeningResult | { error: { code: string; message: string } };
export type WorkerResponse = { id: number; results: BatchItem[] } | { ready: true; entities: number } | { fatal: { code: string; message: string } };

async function start(): Promise<void> {
  const init = workerData as WorkerInit;
  let index: ScreeningIndex;
  try {
    if (init.entities) index = buildIndex(init.entities);
    else {
      const all: Entity[] = [];
      for await (const e of readLists(init.lists ?? [])) all.push(e);
      index = buildIndex(all);
    }
  } catch (err) {
    const code = err instanceof ScreeningError ? err.code : 'WORKER_FAILED';
    parentPort!.postMessage({ fatal: { code, message: (err as Error).message } } satisfies WorkerResponse);
    return;
  }
  parentPort!.on('message', (req: WorkerRequest) => {
    const results: BatchItem[] = req.queries.map((q) => {
      try {
        return index.search(q);
      } catch (err) {
        if (err instanceof ScreeningError) return { error: { code: err.code, message: err.message } };
        return { error: { code: 'WORKER_FAILED', message: (err as Error).message } };
      }
    });
    parentPort!.postMessage({ id: req.id, results } satisfies WorkerResponse);
  });
  parentPort!.postMessage({ ready: true, entities: index.size } satisfies WorkerResponse);
}

void start();
