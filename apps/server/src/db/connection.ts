import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import type { DB } from './types.ts';

// int8 (count(*), bigint sequences) as numbers: every value we store fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * With one connection, code that queries through the pool while holding a transaction would wait for
 * itself for ever; a bounded wait turns that bug into an error instead of a hang.
 */
const EMBEDDED_ACQUIRE_TIMEOUT_MS = 60_000;

export type Database = {
  kind: DatabaseKind;
  db: Kysely<DB>;
  pool: pg.Pool;
  /** Where pg clients connect: the real server, or the embedded database's socket. */
  connection: pg.PoolConfig;
  /** The embedded engine itself (tests dump it as a template); absent on PostgreSQL. */
  lite?: import('@electric-sql/pglite').PGlite;
  hasVector: boolean;
  close(): Promise<void>;
};

export type EmbeddedOptions = {
  /** Directory for the embedded cluster, or 'memory://' for a throwaway one. */
  dataDir: string;
  /** A tarball from `dumpDataDir` to start from (tests clone a migrated template this way). */
  loadDataDir?: Blob | File;
};

/**
 * Opens the database. Without DATABASE_URL this is embedded PGlite, served over a private unix socket so
 * that every client (our pool, pg-boss, a second `tessera` command) speaks the real PostgreSQL wire
 * protocol through the same `pg` driver as production: one code path for both databases.
 */
export async function openDatabase(opts: {
  databaseUrl?: string;
  embedded?: EmbeddedOptions;
  poolMax?: number;
}): Promise<Database> {
  if (opts.databaseUrl) {
    const connection: pg.PoolConfig = { connectionString: opts.databaseUrl };
    const pool = new pg.Pool({ ...connection, max: opts.poolMax ?? 10 });
    pool.on('error', () => {});
    const hasVector = await detectVector(pool, true);
    return wrap('postgres', pool, connection, hasVector, async () => {});
  }
  if (!opts.embedded) throw new Error('either databaseUrl or embedded options are required');
  return openEmbedded(opts.embedded);
}

async function openEmbedded(opts: EmbeddedOptions): Promise<Database> {
  const memory = opts.dataDir.startsWith('memory://');
  const lockFile = memory ? null : path.join(opts.dataDir, 'tessera-db.json');
  if (lockFile) {
    const running = await findRunningServer(lockFile);
    if (running) {
      // Another tessera process owns the embedded cluster: join it through its socket instead of opening
      // the files twice (PGlite is single-process; two writers would corrupt it).
      const connection = socketConnection(running.socketDir);
      const pool = new pg.Pool({ ...connection, max: 1, idleTimeoutMillis: 0, connectionTimeoutMillis: EMBEDDED_ACQUIRE_TIMEOUT_MS });
      pool.on('error', () => {});
      return wrap('pglite', pool, connection, await detectVector(pool, false), async () => {});
    }
  }

  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dir = memory ? undefined : path.join(opts.dataDir, 'pg');
  if (dir) fs.mkdirSync(dir, { recursive: true });
  const lite = await PGlite.create({ dataDir: dir, extensions: { vector }, loadDataDir: opts.loadDataDir });
  await lite.exec('CREATE EXTENSION IF NOT EXISTS vector');

  const socketDir = makeSocketDir(opts.dataDir);
  const server = new PGLiteSocketServer({ db: lite, path: path.join(socketDir, '.s.PGSQL.5432'), maxConnections: 16 });
  await server.start();
  if (lockFile) fs.writeFileSync(lockFile, JSON.stringify({ pid: process.pid, socketDir }));

  const connection = socketConnection(socketDir);
  // One connection: PGlite executes one statement at a time anyway, and a pool of one makes a
  // transaction's statements exclusive without relying on the socket multiplexer.
  const pool = new pg.Pool({ ...connection, max: 1, idleTimeoutMillis: 0, connectionTimeoutMillis: EMBEDDED_ACQUIRE_TIMEOUT_MS });
  pool.on('error', () => {});
  const handle = wrap('pglite', pool, connection, true, async () => {
    await server.stop();
    await lite.close();
    if (lockFile) fs.rmSync(lockFile, { force: true });
    fs.rmSync(socketDir, { recursive: true, force: true });
  });
  handle.lite = lite;
  return handle;
}

const MAX_NAMED_PER_CONNECTION = 400;

/**
 * Kysely sends every query unnamed, so PostgreSQL parses and plans it on every call; for the short queries
 * of an API request, planning costs more than running (0.8 ms against 0.08 ms for the API-key lookup). Here
 * each distinct SQL text gets a stable name, so a connection prepares it once and reuses its plan. A
 * connection stops naming new texts past a bound, so generated SQL cannot grow server memory without limit.
 */
function namedStatementsPool(pool: pg.Pool): pg.Pool {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let n = names.get(text);
    if (!n) {
      n = `k${crypto.createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
      if (names.size < 10_000) names.set(text, n);
    }
    return n;
  };
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  return new Proxy(pool, {
    get(target, prop, receiver) {
      if (prop !== 'connect') return Reflect.get(target, prop, receiver);
      return async () => {
        const client = await connect();
        const named = client as pg.PoolClient & { tesseraNamed?: boolean; connection?: { parsedStatements: Record<string, string> } };
        if (!named.tesseraNamed) {
          named.tesseraNamed = true;
          const query = client.query.bind(client) as (...args: unknown[]) => unknown;
          // Only Kysely's calling form is rewritten; the pool hands the same clients to pg-boss, which
          // passes callbacks and config objects.
          (client as { query: unknown }).query = (...args: unknown[]) => {
            const [text, values] = args;
            if (args.length !== 2 || typeof text !== 'string' || !Array.isArray(values) || !values.length) return query(...args);
            const prepared = named.connection?.parsedStatements ?? {};
            const name = nameOf(text);
            if (!(name in prepared) && Object.keys(prepared).length >= MAX_NAMED_PER_CONNECTION) return query(...args);
            return query({ name, text, values });
          };
        }
        return client;
      };
    },
  });
}

function wrap(kind: DatabaseKind, pool: pg.Pool, connection: pg.PoolConfig, hasVector: boolean, after: () => Promise<void>): Database {
  // Not on the embedded database: its socket server multiplexes every client onto one session, where a
  // second process's statement names would collide with the first's.
  const dialectPool = kind === 'postgres' ? namedStatementsPool(pool) : pool;
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: dialectPool }), plugins: [new CamelCasePlugin()] });
  let closed = false;
  return {
    kind,
    db,
    pool,
    connection,
    hasVector,
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
      await after();
    },
  };
}

function socketConnection(socketDir: string): pg.PoolConfig {
  return { host: socketDir, port: 5432, user: 'postgres', database: 'postgres' };
}

/** Unix socket paths are limited to ~107 bytes; fall back to a private temp dir for deep data dirs. */
function makeSocketDir(dataDir: string): string {
  const preferred = dataDir.startsWith('memory://') ? null : path.join(path.resolve(dataDir), 'sock');
  if (preferred && preferred.length + 20 < 100) {
    fs.mkdirSync(preferred, { recursive: true, mode: 0o700 });
    return preferred;
  }
  return fs.mkdtempSync(path.join(os.tmpdir(), `tessera-${crypto.randomBytes(3).toString('hex')}-`));
}

async function findRunningServer(lockFile: string): Promise<{ socketDir: string } | null> {
  let info: { pid: number; socketDir: string };
  try {
    info = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
  } catch {
    return null;
  }
  if (info.pid === process.pid) return null;
  try {
    process.kill(info.pid, 0);
  } catch {
    return null;
  }
  const reachable = await new Promise<boolean>((resolve) => {
    const s = net.connect(path.join(info.socketDir, '.s.PGSQL.5432'));
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  return reachable ? { socketDir: info.socketDir } : null;
}

async function detectVector(pool: pg.Pool, tryCreate: boolean): Promise<boolean> {
  const has = async () =>
    (await pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'vector'`)).rowCount === 1;
  if (await has()) return true;
  if (!tryCreate) return false;
  const available = (await pool.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`)).rowCount === 1;
  if (!available) return false;
  try {
    await pool.query('CREATE EXTENSION IF NOT EXISTS vector');
    return true;
  } catch {
    return false;
  }
}
