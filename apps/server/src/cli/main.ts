import { Command, Option } from 'commander';
import { loadConfig, ConfigError } from '../config.ts';
import { createContext } from '../context.ts';
import { migrate } from '../db/migrate.ts';
import { runServer, type RunMode } from '../server.ts';
import { SYSTEM_ACTOR } from '../modules/audit/audit-service.ts';
import { faceCommand } from '@tessera/faces';
import { docCommand } from '@tessera/documents';

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
        for (const p of r.problems) process.stdout.write(`  ${p.chain} #${p.seq}: ${p.problem}\n`);
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

const lists = program.command('lists').description('Sanctions and PEP lists');
lists
  .command('import')
  .description("Import a new version of a list from its publisher's file(s)")
  .addOption(new Option('--source <source>', 'list format').choices(['ofac-sdn', 'ofac-cons', 'un', 'eu', 'uk-ofsi', 'us-csl', 'bis-dpl', 'ftm', 'senzing']).makeOptionMandatory())
  .requiredOption('--file <path>', 'file to import (repeat for OFAC CSV sdn/alt/add files)', (v: string, prev: string[] = []) => [...prev, v])
  .option('--json', 'print JSON')
  .action(async (o: { source: string; file: string[]; json?: boolean }) => {
    const fs = await import('node:fs');
    for (const f of o.file) if (!fs.existsSync(f)) throw new ConfigError(`--file: ${f} does not exist`);
    await withContext(async (ctx) => {
      const tty = process.stderr.isTTY;
      const bar = (n: number) => {
        const width = 30;
        const filled = Math.floor((n / 1000) % width);
        const line = `importing ${o.source} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${n.toLocaleString('en')} entities`;
        if (tty) process.stderr.write(`\r${line}`);
        else if (n % 5000 < 500) process.stderr.write(`${line}\n`);
      };
      const r = await ctx.amlLists.importList(o.source as never, o.file.length === 1 ? o.file[0] : o.file, {
        origin: o.file.map((f) => f.split('/').pop()).join(', '),
        files: o.file.map((f) => ({ name: f.split('/').pop(), bytes: fs.statSync(f).size })),
        actor: { type: 'system', id: null, label: 'cli' },
        onProgress: (p) => bar(p.entities),
      });
      if (tty) process.stderr.write('\n');
      if (o.json) out(r);
      else process.stdout.write(`${r.source} version ${r.version}: ${r.entities} entities (+${r.added} added, ${r.changed} changed, -${r.removed} removed) in ${(r.ms / 1000).toFixed(1)} s\n`);
    });
  });

lists
  .command('status')
  .description('Live version, entity count and last import of every list')
  .option('--json', 'print JSON')
  .action(async (o: { json?: boolean }) => {
    await withContext(async (ctx) => {
      const rows = await ctx.amlLists.status();
      if (o.json) return out(rows);
      for (const l of rows) {
        const v = l.live;
        process.stdout.write(
          `${l.source.padEnd(10)} ${v ? `v${l.currentVersion} ${String(v.entityCount).padStart(7)} entities  imported ${v.finishedAt?.toISOString()}  (+${v.added} ~${v.changed} -${v.removed})` : 'not imported'}` +
            `${l.refreshEnabled ? '  [auto-refresh]' : ''}${l.lastError ? `\n           last error: ${l.lastError}` : ''}\n`,
        );
      }
    });
  });

lists
  .command('refresh')
  .description("Download lists from their publishers' URLs and import them")
  .option('--source <source>', 'one list (default: every list with auto-refresh on)')
  .action(async (o: { source?: string }) => {
    await withContext(async (ctx) => {
      const results = o.source ? [await ctx.amlLists.refresh(o.source as never).then((r) => ({ source: r.source, ok: true, error: undefined as string | undefined }))] : await ctx.amlLists.refreshDue();
      for (const r of results) process.stdout.write(`${r.source}: ${r.ok ? 'imported' : `failed: ${r.error}`}\n`);
      if (results.some((r) => !r.ok)) process.exitCode = 1;
    });
  });

lists
  .command('configure')
  .description('Set where a list is downloaded from and whether it refreshes daily')
  .requiredOption('--source <source>', 'list id')
  .option('--url <url>', 'download URL')
  .option('--auto-refresh <on|off>', 'daily refresh', (v) => {
    if (v !== 'on' && v !== 'off') throw new ConfigError('--auto-refresh must be on or off');
    return v === 'on';
  })
  .action(async (o: { source: string; url?: string; autoRefresh?: boolean }) => {
    await withContext(async (ctx) => {
      await ctx.amlLists.configure(o.source, { ...(o.url ? { url: o.url } : {}), ...(o.autoRefresh !== undefined ? { refreshEnabled: o.autoRefresh } : {}) }, { type: 'system', id: null, label: 'cli' });
      process.stdout.write('ok\n');
    });
  });

program
  .command('screen [name]')
  .description('Screen a name (or a JSON-lines batch) against the imported lists')
  .option('--dob <date>', 'birth date YYYY[-MM[-DD]]')
  .option('--country <code>', 'country (ISO code or name)')
  .addOption(new Option('--type <type>', 'entity type').choices(['person', 'organization', 'any']).default('any'))
  .option('--threshold <n>', 'hit threshold 0-100', '70')
  .option('--batch <file>', 'queries, one JSON object per line (same fields as POST /v1/aml/search)')
  .option('--json', 'print JSON')
  .action(async (name: string | undefined, o: { dob?: string; country?: string; type: string; threshold: string; batch?: string; json?: boolean }) => {
    const { ZScreeningQuery } = await import('../modules/aml/aml-router.ts');
    if (!name && !o.batch) throw new ConfigError('give a name or --batch <file>');
    await withContext(async (ctx) => {
      const screenOne = async (raw: unknown) => {
        const q = ZScreeningQuery.safeParse(raw);
        if (!q.success) return { error: { code: 'validation_failed', message: q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') } };
        try {
          const r = await ctx.aml.search(q.data);
          return { query: r.query, matches: r.matches, hits: r.hits, lists: r.lists };
        } catch (e) {
          return { error: { code: (e as { code?: string }).code ?? 'error', message: (e as Error).message } };
        }
      };
      if (o.batch) {
        const fs = await import('node:fs');
        const readline = await import('node:readline');
        if (!fs.existsSync(o.batch)) throw new ConfigError(`--batch: ${o.batch} does not exist`);
        const rl = readline.createInterface({ input: fs.createReadStream(o.batch), crlfDelay: Infinity });
        for await (const line of rl) {
          if (!line.trim()) continue;
          let parsed: unknown;
          try {
            parsed = JSON.parse(line);
          } catch {
            process.stdout.write(JSON.stringify({ error: { code: 'invalid_json', message: 'line is not JSON' } }) + '\n');
            continue;
          }
          process.stdout.write(JSON.stringify(await screenOne(parsed)) + '\n');
        }
        return;
      }
      const threshold = Number(o.threshold);
      if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) throw new ConfigError('--threshold must be between 0 and 100');
      const r = await screenOne({ name, schema: o.type, threshold, ...(o.dob ? { birthDate: o.dob } : {}), ...(o.country ? { countries: [o.country] } : {}) });
      if (o.json || 'error' in r) out(r);
      else {
        process.stdout.write(`${r.hits} hit(s), ${r.matches.length} match(es) for "${name}"\n`);
        for (const m of r.matches) process.stdout.write(`  ${m.hit ? 'HIT ' : '    '}${m.score.toFixed(1).padStart(5)}  ${m.entity.caption}  [${m.entity.source}] ${m.entityId}\n`);
      }
      if ('error' in r) process.exitCode = 1;
    });
  });

// The engines' own commands, mounted as `tessera face …` and `tessera doc …` (no database needed).
program.addCommand(faceCommand());
program.addCommand(docCommand());

program.parseAsync(process.argv).catch((err: Error) => {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else process.stderr.write(`Error: ${err.message}\n`);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
