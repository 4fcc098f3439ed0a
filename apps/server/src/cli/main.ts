import { Command, Option } from 'commander';
import { loadConfig, ConfigError } from '../config.ts';
import { createContext } from '../context.ts';
import { migrate } from '../db/migrate.ts';
import { runServer, type RunMode } from '../server.ts';
import { SYSTEM_ACTOR } from '../modules/audit/audit-service.ts';

const program = new Command('tessera').description('Tessera: self-hosted identity verification and AML screening').showHelpAfterError();

/** Opens the context for a one-shot command (migrating first), runs it, and closes. */
async function withContext<T>(fn: (ctx: Awaited<ReturnType<typeof createContext>>) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env, { quiet: false });
  const ctx = await createContext(config, { logger: (await import('pino')).default({ level: 'warn' }) });
  try {
    await migrate(ctx.database);
    await ctx.queue.start({ work: false, schedule: false });
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

const out = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');

program
  .command('start')
  .description('Migrate, create the demo organisation on an empty database, and serve everything')
  .action(async () => {
    const config = loadConfig();
    await runServer(config, ['api', 'worker', 'scheduler'], {
      onReady: async (ctx) => {
        const demo = await ctx.demo.ensure();
        const keys = await ctx.demo.createKeys(demo.orgId, 'printed at start', true);
        process.stdout.write(
          `\nTessera is running (${ctx.database.kind === 'pglite' ? `embedded PostgreSQL in ${config.dataDir}` : 'PostgreSQL'}).\n\n` +
            `  Back office:   ${config.publicUrl}/app\n` +
            `  API docs:      ${config.publicUrl}/docs\n` +
            `  Admin login:   ${demo.email} / ${demo.password}\n` +
            `  Test API key:  ${keys.test}\n\n` +
            `  curl -H "Authorization: Bearer ${keys.test}" ${config.publicUrl}/v1/flows\n\n`,
        );
      },
    });
  });

program
  .command('serve')
  .description('Run the server')
  .addOption(new Option('--mode <modes>', 'comma-separated run modes: api, worker, scheduler').default('api,worker,scheduler'))
  .action(async (o: { mode: string }) => {
    const modes = o.mode.split(',').map((m) => m.trim()).filter(Boolean);
    const bad = modes.filter((m) => !['api', 'worker', 'scheduler'].includes(m));
    if (bad.length || !modes.length) throw new ConfigError(`--mode: unknown mode(s) ${bad.join(', ') || '(none)'}; use api, worker, scheduler`);
    const config = loadConfig();
    await runServer(config, modes as RunMode[], {
      onReady: (ctx, url) => {
        ctx.logger.info({ modes, url, database: ctx.database.kind, pgvector: ctx.database.hasVector }, 'tessera ready');
      },
    });
  });

program
  .command('migrate')
  .description('Apply pending database migrations')
  .action(async () => {
    const config = loadConfig();
    const ctx = await createContext(config, { logger: (await import('pino')).default({ level: 'warn' }) });
    try {
      const r = await migrate(ctx.database);
      process.stdout.write(r.applied.length ? `Applied ${r.applied.join(', ')}\n` : `Up to date (${r.total} migrations)\n`);
    } finally {
      await ctx.close();
    }
  });

program
  .command('demo')
  .description('Create the demo organisation (idempotent) and print its login and fresh API keys')
  .option('--json', 'print JSON')
  .action(async (o: { json?: boolean }) => {
    await withContext(async (ctx) => {
      const demo = await ctx.demo.ensure();
      const apiKeys = await ctx.demo.createKeys(demo.orgId, 'demo');
      const r = { url: ctx.config.publicUrl, email: demo.email, password: demo.password, apiKeys };
      if (o.json) out(r);
      else process.stdout.write(`URL:       ${r.url}/app\nLogin:     ${r.email} / ${r.password}\nTest key:  ${apiKeys.test}\nLive key:  ${apiKeys.live}\n`);
    });
  });

const keys = program.command('keys').description('API keys');
keys
  .command('create')
  .description("Create a private API key for an organisation's default application")
  .requiredOption('--org <org>', 'organisation id (org_…) or exact name')
  .addOption(new Option('--mode <mode>', 'test or live').choices(['test', 'live']).makeOptionMandatory())
  .option('--name <name>', 'label for the key', 'cli')
  .option('--rate-limit <n>', 'requests per minute for this key', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new ConfigError('--rate-limit must be a positive integer');
    return n;
  })
  .option('--json', 'print JSON')
  .action(async (o: { org: string; mode: 'test' | 'live'; name: string; rateLimit?: number; json?: boolean }) => {
    await withContext(async (ctx) => {
      const org = await ctx.db.selectFrom('organisations').select(['id', 'name']).where((eb) => eb.or([eb('id', '=', o.org), eb('name', '=', o.org)])).execute();
      if (org.length !== 1) throw new ConfigError(org.length ? `--org: ${org.length} organisations are named "${o.org}"; use the id` : `--org: no organisation "${o.org}"`);
      const r = await ctx.db.transaction().execute((tx) =>
        ctx.applications.createKeyForDefaultApp(tx, { orgId: org[0].id, mode: o.mode }, o.name, { ...SYSTEM_ACTOR, label: 'cli' }, o.rateLimit),
      );
      if (o.json) out({ id: r.key.id, orgId: org[0].id, mode: o.mode, applicationId: r.key.applicationId, secret: r.secret });
      else process.stdout.write(`${r.secret}\n`);
    });
  });

program
  .command('audit')
  .description('Audit log tools')
  .command('verify')
  .description('Verify every hash chain of the audit log; exits 1 if a row was edited or deleted')
  .option('--json', 'print JSON')
  .action(async (o: { json?: boolean }) => {
    await withContext(async (ctx) => {
      const r = await ctx.audit.verify();
      if (o.json) out(r);
      else {
        process.stdout.write(`${r.ok ? 'OK' : 'TAMPERED'}: ${r.rows} rows in ${r.chains} chains\n`);
        for (const p of r.problems) process.stdout.write(`  ${p.orgId} #${p.seq}: ${p.problem}\n`);
      }
      if (!r.ok) process.exitCode = 1;
    });
  });

program
  .command('mail')
  .description('Mail stored by this installation (development)')
  .command('list')
  .option('--limit <n>', 'how many', '20')
  .option('--json', 'print JSON')
  .action(async (o: { limit: string; json?: boolean }) => {
    await withContext(async (ctx) => {
      const rows = await ctx.mail.list(Math.max(1, Math.min(500, Number(o.limit) || 20)));
      if (o.json) out(rows);
      else
        for (const m of rows)
          process.stdout.write(`${m.createdAt.toISOString()}  ${m.status.padEnd(6)}  ${m.toAddress}  ${m.subject}\n${m.textBody.replace(/^/gm, '    ')}\n\n`);
    });
  });

program.parseAsync(process.argv).catch((err: Error) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`Error: ${err.message}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
