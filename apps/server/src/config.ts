import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const ZEnv = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.string().url().optional(),
  MASTER_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded (openssl rand -base64 32)')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: bool.default(false),
  STORAGE_DRIVER: z.enum(['fs', 's3']).default('fs'),
  STORAGE_DIR: z.string().optional(),
  S3_BUCKET: z.string().optional(),
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('Tessera <no-reply@tessera.invalid>'),
  MAIL_STORE: bool.optional(),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(1200),
  ALLOW_PRIVATE_WEBHOOK_URLS: bool.default(false),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  WEBHOOK_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).default(30),
  // Test-only: shrinks webhook retry delays and Retry-After waits (refused in production).
  WEBHOOK_TIME_SCALE: z.coerce.number().positive().max(1).default(1),
  ERASURE_GRACE_DAYS: z.coerce.number().int().min(0).default(20),
  SESSION_TTL_HOURS: z.coerce.number().int().positive().default(12),
  DB_POOL_MAX: z.coerce.number().int().positive().default(10),
  // 1:N face search: pgvector's HNSW index when the database has pgvector, or an exact in-process scan.
  FACE_SEARCH: z.enum(['hnsw', 'exact']).default('hnsw'),
  WORKER_CONCURRENCY: z.coerce.number().int().positive().default(4),
  SMS_PROVIDER: z.enum(['console', 'http']).default('console'),
  SMS_HTTP_URL: z.string().url().optional(),
  SMS_HTTP_TOKEN: z.string().optional(),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  databaseUrl?: string;
  dataDir: string;
  host: string;
  port: number;
  publicUrl: string;
  masterKey: Buffer;
  logLevel: string;
  trustProxy: boolean;
  storage: {
    driver: 'fs' | 's3';
    dir: string;
    s3?: { bucket: string; endpoint?: string; region: string; accessKeyId?: string; secretAccessKey?: string; forcePathStyle: boolean };
  };
  smtpUrl?: string;
  mailFrom: string;
  mailStore: boolean;
  apiRateLimitPerMinute: number;
  allowPrivateWebhookUrls: boolean;
  webhooks: { concurrency: number; timeScale: number; logRetentionDays: number };
  erasureGraceDays: number;
  sessionTtlHours: number;
  dbPoolMax: number;
  faceSearch: 'hnsw' | 'exact';
  workerConcurrency: number;
  sms: { provider: 'console' | 'http'; url?: string; token?: string };
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment; every problem names the variable that caused it. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { quiet?: boolean } = {}): Config {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(ZEnv.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  const parsed = ZEnv.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  if (e.NODE_ENV === 'production') {
    const missing = (['PUBLIC_URL', 'MASTER_KEY'] as const).filter((k) => !e[k]);
    if (missing.length) throw new ConfigError(`Invalid configuration:\n${missing.map((k) => `  ${k}: required in production`).join('\n')}`);
  }
  if (e.SMS_PROVIDER === 'http' && !e.SMS_HTTP_URL) throw new ConfigError('Invalid configuration:\n  SMS_HTTP_URL: required when SMS_PROVIDER=http');
  if (e.NODE_ENV === 'production' && e.WEBHOOK_TIME_SCALE !== 1) throw new ConfigError('Invalid configuration:\n  WEBHOOK_TIME_SCALE: test-only; must be 1 in production');
  if (e.STORAGE_DRIVER === 's3' && !e.S3_BUCKET) throw new ConfigError('Invalid configuration:\n  S3_BUCKET: required when STORAGE_DRIVER=s3');

  const masterKey = e.MASTER_KEY ? Buffer.from(e.MASTER_KEY, 'base64') : devMasterKey(dataDir, opts.quiet);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    masterKey,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    storage: {
      driver: e.STORAGE_DRIVER,
      dir: path.resolve(e.STORAGE_DIR ?? path.join(dataDir, 'objects')),
      s3: e.S3_BUCKET
        ? {
            bucket: e.S3_BUCKET,
            endpoint: e.S3_ENDPOINT,
            region: e.S3_REGION,
            accessKeyId: e.S3_ACCESS_KEY_ID,
            secretAccessKey: e.S3_SECRET_ACCESS_KEY,
            forcePathStyle: e.S3_FORCE_PATH_STYLE,
          }
        : undefined,
    },
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    mailStore: e.MAIL_STORE ?? e.NODE_ENV !== 'production',
    apiRateLimitPerMinute: e.API_RATE_LIMIT_PER_MINUTE,
    allowPrivateWebhookUrls: e.ALLOW_PRIVATE_WEBHOOK_URLS,
    webhooks: { concurrency: e.WEBHOOK_CONCURRENCY, timeScale: e.WEBHOOK_TIME_SCALE, logRetentionDays: e.WEBHOOK_LOG_RETENTION_DAYS },
    erasureGraceDays: e.ERASURE_GRACE_DAYS,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    dbPoolMax: e.DB_POOL_MAX,
    faceSearch: e.FACE_SEARCH,
    workerConcurrency: e.WORKER_CONCURRENCY,
    sms: { provider: e.SMS_PROVIDER, url: e.SMS_HTTP_URL, token: e.SMS_HTTP_TOKEN },
  };
}

/**
 * Outside production a missing MASTER_KEY is generated once into the data dir, so a fresh clone runs;
 * losing that file loses every encrypted field, hence the loud warning.
 */
function devMasterKey(dataDir: string, quiet?: boolean): Buffer {
  const file = path.join(dataDir, 'master.key');
  fs.mkdirSync(dataDir, { recursive: true });
  if (!fs.existsSync(file)) {
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    if (!quiet) {
      process.stderr.write(
        `\n!!! WARNING: MASTER_KEY is not set. Generated a development key into ${file}.\n` +
          `!!! Every encrypted field and file depends on it. Set MASTER_KEY (openssl rand -base64 32) in production.\n\n`,
      );
    }
  }
  const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new ConfigError(`Invalid configuration:\n  MASTER_KEY: ${file} does not hold 32 base64 bytes`);
  return key;
}
