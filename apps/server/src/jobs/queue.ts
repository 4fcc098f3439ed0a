import PgBoss from 'pg-boss';
import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Database } from '../db/connection.ts';
import type { DB } from '../db/types.ts';

export type JobContext = { jobId: string; retryCount: number; retryLimit: number; signal: AbortSignal };

/**
 * One job = one file in src/jobs: a queue name, a zod payload schema, options, and a handler. A handler
 * must be idempotent: a worker killed mid-job leaves the job active until it expires, and pg-boss then
 * runs it again (it never drops it). Throwing asks for a retry.
 */
export type JobDefinition<S extends z.ZodType = z.ZodType, D = unknown> = {
  name: string;
  schema: S;
  /** How many jobs of this queue one worker process runs at once. */
  concurrency?: number;
  /** pg-boss options: retryLimit, retryDelay, retryBackoff, expireInSeconds, singletonKey policy… */
  options?: PgBoss.SendOptions;
  policy?: PgBoss.QueuePolicy;
  handler: (data: z.infer<S>, deps: D, ctx: JobContext) => Promise<unknown>;
};

export function defineJob<S extends z.ZodType, D>(def: JobDefinition<S, D>): JobDefinition<S, D> {
  return def;
}

type Executor = Transaction<DB> | Kysely<DB>;

/** pg-boss's `db` option, bound to a Kysely transaction: the job row commits or rolls back with ours. */
function bossDb(tx: Executor): PgBoss.Db {
  return {
    executeSql: async (text: string, values: unknown[]) => {
      const r = await tx.executeQuery(CompiledQuery.raw(text, values as unknown[]));
      return { rows: r.rows } as never;
    },
  };
}

export type Queue = ReturnType<typeof createQueue>;

export function createQueue({ database, logger }: { database: Database; logger: Logger }) {
  const definitions = new Map<string, JobDefinition<z.ZodType, unknown>>();
  const workers = new Map<string, string>();
  let boss: PgBoss | null = null;
  let started = false;
  const abort = new AbortController();

  function ensureBoss(opts: { supervise: boolean; schedule: boolean }) {
    boss = new PgBoss({
      db: { executeSql: (text: string, values: unknown[]) => database.pool.query(text, values as unknown[]) as never },
      supervise: opts.supervise,
      schedule: opts.schedule,
      migrate: true,
      // Expired (crashed) jobs are detected by the supervisor's maintenance: keep the delay short.
      maintenanceIntervalSeconds: 10,
    } as PgBoss.ConstructorOptions);
    boss.on('error', (err) => logger.error({ err: { message: err.message } }, 'job queue error'));
    return boss;
  }

  return {
    define(defs: JobDefinition<z.ZodType, unknown>[]) {
      for (const d of defs) definitions.set(d.name, d);
    },

    /**
     * Starts pg-boss. Every mode can produce jobs; only `work` consumes them and only `schedule` fires cron
     * schedules. Supervision (expiring crashed jobs, archiving) runs wherever work or schedules run; pg-boss
     * guards it with an advisory lock, so several processes are safe.
     */
    async start(opts: { work: boolean; schedule: boolean; deps?: unknown }) {
      const b = ensureBoss({ supervise: opts.work || opts.schedule, schedule: opts.schedule });
      await b.start();
      for (const d of definitions.values()) {
        await b.createQueue(d.name, { name: d.name, policy: d.policy ?? 'standard', ...pickQueueOptions(d.options) });
      }
      started = true;
      if (opts.work) for (const d of definitions.values()) workers.set(d.name, await this.work(d, opts.deps));
    },

    async work(d: JobDefinition<z.ZodType, unknown>, deps: unknown): Promise<string> {
      const b = boss!;
      const batchSize = d.concurrency ?? 4;
      const workerId = await b.work<unknown>(
        d.name,
        { batchSize, pollingIntervalSeconds: 0.5, includeMetadata: true },
        async (jobs) => {
          const results = await Promise.allSettled(
            jobs.map(async (job) => {
              const data = d.schema.parse(job.data);
              return d.handler(data, deps, { jobId: job.id, retryCount: job.retryCount, retryLimit: job.retryLimit, signal: abort.signal });
            }),
          );
          // A batch completes together in pg-boss; fail the rejected jobs one by one first so that only
          // they are retried (completing later skips jobs that are no longer active).
          for (let i = 0; i < jobs.length; i++) {
            const r = results[i];
            if (r.status === 'rejected') {
              const err = r.reason as Error;
              logger.warn({ job: d.name, jobId: jobs[i].id, err: { message: err?.message, code: (err as { code?: string })?.code } }, 'job failed');
              await b.fail(d.name, jobs[i].id, { message: String(err?.message ?? err) });
            }
          }
          // A full batch means more may be waiting: poll again at once instead of sleeping.
          if (jobs.length === batchSize) b.notifyWorker(workerId);
        },
      );
      return workerId;
    },

    /** Enqueues a job; pass the transaction that writes the row the job is about. */
    async send<S extends z.ZodType>(tx: Executor | null, def: JobDefinition<S, never> | JobDefinition<S, any>, data: z.infer<S>, options: PgBoss.SendOptions = {}) {
      if (!boss) throw new Error('queue not started');
      const payload = def.schema.parse(data) as object;
      const opts: PgBoss.SendOptions = { ...def.options, ...options };
      if (tx) opts.db = bossDb(tx);
      return boss.send(def.name, payload, opts);
    },

    async schedule(name: string, cron: string, data: object = {}) {
      if (!boss) throw new Error('queue not started');
      await boss.schedule(name, cron, data, { tz: 'UTC' });
    },

    /** Wakes this process's workers for a queue now, instead of at their next poll. */
    nudge(name: string) {
      const id = workers.get(name);
      if (boss && id) boss.notifyWorker(id);
    },

    get started() {
      return started;
    },

    get boss() {
      return boss;
    },

    /** Lets running jobs finish (up to timeoutMs), then stops. */
    async stop(timeoutMs = 30_000) {
      if (!boss) return;
      const b = boss;
      boss = null;
      await b.stop({ graceful: true, wait: true, timeout: timeoutMs, close: false } as PgBoss.StopOptions);
      abort.abort();
    },
  };
}

function pickQueueOptions(o: PgBoss.SendOptions = {}) {
  const { retryLimit, retryDelay, retryBackoff, expireInSeconds, retentionSeconds } = o as Record<string, never>;
  return Object.fromEntries(
    Object.entries({ retryLimit, retryDelay, retryBackoff, expireInSeconds, retentionSeconds }).filter(([, v]) => v !== undefined),
  );
}
