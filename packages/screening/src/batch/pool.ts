import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ScreeningError } from '../errors.ts';
import type { ListFiles } from '../lists.ts';
import type { ScreeningQuery, ScreeningResult } from '../query.ts';
import type { Entity } from '../types.ts';
import type { BatchItem, WorkerInit, WorkerRequest, WorkerResponse } from './worker-main.ts';

export type { BatchItem };

export interface PoolOptions {
  /** Worker threads (default: available cores). */
  workers?: number;
  /** Entities to index in every worker (structured-cloned once per worker)... */
  entities?: Entity[];
  /** ...or list files each worker reads itself (no copy through the main thread). */
  lists?: ListFiles[];
  /** Queries sent to a worker per message: amortises messaging (default 64). */
  chunkSize?: number;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * A pool of worker threads, each holding its own copy of the index: batch screening uses every
 * core. The worker entry is plain .mjs that registers tsx itself, so the pool works the same
 * under tsx (the server), vitest and node.
 */
export class ScreeningPool {
  private readonly slots: Slot[];
  private readonly pending = new Map<number, { resolve: (r: BatchItem[]) => void; reject: (e: Error) => void; slot: Slot }>();
  private nextId = 1;
  private closed = false;
  private readonly chunkSize: number;

  private constructor(slots: Slot[], chunkSize: number) {
    this.slots = slots;
    this.chunkSize = chunkSize;
    for (const slot of slots) {
      slot.worker.on('message', (msg: WorkerResponse) => {
        if ('id' in msg) {
          const p = this.pending.get(msg.id);
          if (!p) return;
          this.pending.delete(msg.id);
          p.slot.busy--;
          p.resolve(msg.results);
        }
      });
      slot.worker.on('error', (err) => this.failAll(err));
    }
  }

  static async create(options: PoolOptions): Promise<ScreeningPool> {
    if (!options.entities && !options.lists) throw new ScreeningError('INVALID_INPUT', 'pool needs entities or lists');
    const n = Math.max(1, options.workers ?? availableParallelism());
    const init: WorkerInit = options.entities ? { entities: options.entities } : { lists: options.lists };
    const url = new URL('./worker.mjs', import.meta.url);
    const slots = await Promise.all(
      Array.from({ length: n }, () => {
        const worker = new Worker(url, { workerData: init });
        return new Promise<Slot>((resolve, reject) => {
          const onMessage = (msg: WorkerResponse) => {
            if ('ready' in msg) {
              worker.off('message', onMessage);
              resolve({ worker, busy: 0 });
            } else if ('fatal' in msg) {
              void worker.terminate();
              reject(new ScreeningError('WORKER_FAILED', msg.fatal.message));
            }
          };
          worker.on('message', onMessage);
          worker.once('error', (err) => reject(new ScreeningError('WORKER_FAILED', `screening worker failed to start: ${err.message}`, { cause: err })));
        });
      }),
    );
    return new ScreeningPool(slots, options.chunkSize ?? 64);
  }

  get size(): number {
    return this.slots.length;
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new ScreeningError('WORKER_FAILED', `screening worker failed: ${err.message}`, { cause: err }));
    }
  }

  private send(queries: ScreeningQuery[]): Promise<BatchItem[]> {
    if (this.closed) return Promise.reject(new ScreeningError('POOL_CLOSED', 'the screening pool is closed'));
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ id, queries } satisfies WorkerRequest);
    });
  }

  /** Screen many queries across the workers; results come back in query order. */
  async searchBatch(queries: ScreeningQuery[]): Promise<BatchItem[]> {
    const chunks: Promise<BatchItem[]>[] = [];
    for (let i = 0; i < queries.length; i += this.chunkSize) chunks.push(this.send(queries.slice(i, i + this.chunkSize)));
    return (await Promise.all(chunks)).flat();
  }

  async search(query: ScreeningQuery): Promise<ScreeningResult> {
    const [r] = await this.send([query]);
    if ('error' in r) throw new ScreeningError(r.error.code as ScreeningError['code'], r.error.message);
    return r;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.failAll(new Error('pool closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
