import type { Config } from './config.ts';
import { createContext, type AppContext } from './context.ts';
import { buildApp } from './http/app.ts';
import { sql } from 'kysely';
import { migrate } from './db/migrate.ts';

export type RunMode = 'api' | 'worker' | 'scheduler';

/**
 * Runs the chosen modes in this process. Modes switch consumers on (HTTP, job workers, cron schedules);
 * every mode can produce jobs. SIGTERM/SIGINT: stop accepting requests, finish in-flight requests and
 * jobs, then close the database.
 */
export async function runServer(config: Config, modes: RunMode[], opts: { onReady?: (ctx: AppContext, url: string | null) => Promise<void> | void } = {}) {
  const ctx = await createContext(config);
  await migrate(ctx.database);
  // The embedded database has no autovacuum: give the planner statistics now (and every 15 minutes in the
  // maintenance job), or a table that grew since its last ANALYZE is planned as if it were empty.
  if (ctx.database.kind === 'pglite') await sql`ANALYZE`.execute(ctx.db);
  await ctx.faces.ensureIndex();
  await ctx.queue.start({ work: modes.includes('worker'), schedule: modes.includes('scheduler'), deps: ctx });
  if (modes.includes('worker')) ctx.webhookWorker.start();
  if (modes.includes('scheduler')) await registerSchedules(ctx);

  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  let url: string | null = null;
  if (modes.includes('api')) {
    app = await buildApp(ctx);
    url = await app.listen({ host: config.host, port: config.port });
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    ctx.logger.info({ signal }, 'shutting down: finishing in-flight requests and jobs');
    const hard = setTimeout(() => process.exit(1), 60_000);
    hard.unref();
    try {
      if (app) await app.close();
      await ctx.close();
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  await opts.onReady?.(ctx, url);
  return { ctx, app, url };
}

async function registerSchedules(ctx: AppContext) {
  await ctx.queue.schedule('maintenance.cleanup', '*/15 * * * *');
  await ctx.queue.schedule('applicants.erase', '7 * * * *');
  await ctx.queue.schedule('aml.rescreen', '23 * * * *');
  await ctx.queue.schedule('aml.refresh', '41 3 * * *');
}
