import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * A real PostgreSQL for the reliability runs and the benchmarks (webhooks, API, faces' pgvector search):
 * DATABASE_URL when set, otherwise a throwaway cluster in a temp dir from Debian's binaries (as .ci/run
 * does). Each run gets its own database. `settings` are extra server settings (`-c name=value`) for the
 * throwaway cluster only; they override the defaults below and are ignored with DATABASE_URL.
 */
export async function startPostgres(
  log: (m: string) => void = (m) => void process.stderr.write(`${m}\n`),
  opts: { settings?: Record<string, string> } = {},
): Promise<{ url: string; stop: () => void }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: () => {} };
  const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b)) : [];
  if (!versions.length) throw new Error('PostgreSQL is needed: set DATABASE_URL or install Debian\'s postgresql package');
  const bin = `/usr/lib/postgresql/${versions.at(-1)}/bin`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-whk-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) execFileSync('chown', ['postgres', dir]);
  const run = (args: string[]) => execFileSync(asRoot ? 'runuser' : args[0], asRoot ? ['-u', 'postgres', '--', ...args] : args.slice(1), { stdio: 'ignore' });
  const port = 20000 + crypto.randomInt(20000);
  run([`${bin}/initdb`, '-D', `${dir}/data`, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const settings = { listen_addresses: "''", max_connections: '200', shared_buffers: '256MB', ...opts.settings };
  const flags = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ');
  run([`${bin}/pg_ctl`, '-D', `${dir}/data`, '-l', `${dir}/log`, '-w', '-o', `-k ${dir} -p ${port} ${flags}`, 'start']);
  log(`PostgreSQL ${versions.at(-1)} started in ${dir}`);
  return {
    url: `postgresql://postgres@localhost/postgres?host=${dir}&port=${port}`,
    stop: () => {
      try {
        run([`${bin}/pg_ctl`, '-D', `${dir}/data`, '-m', 'fast', 'stop']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A new, empty database on that server; returns its URL and a function that drops it. */
export async function freshDatabase(serverUrl: string, prefix: string) {
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
