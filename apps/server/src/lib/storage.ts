import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Config } from '../config.ts';
import type { Crypto } from './crypto.ts';

/**
 * Object storage for documents, selfies and frames. Every object is envelope-encrypted: a fresh
 * AES-256-GCM data key per object, itself sealed with the master key, and the object key as associated
 * data so a blob cannot be swapped under another name. Layout of a stored object:
 *   "TSE1" | sealed data key (60 bytes) | iv (12) | tag (16) | ciphertext
 */
export interface ObjectStorage {
  put(key: string, body: Buffer): Promise<void>;
  get(key: string): Promise<Buffer>;
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<number>;
}

interface RawStore {
  put(key: string, body: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
}

const MAGIC = Buffer.from('TSE1');
const KEY_RE = /^[a-zA-Z0-9][a-zA-Z0-9_\-./]{0,400}$/;

export class ObjectNotFoundError extends Error {
  code = 'object_not_found';
}

export function createStorage(config: Config, cryptoSvc: Crypto): ObjectStorage {
  const raw = config.storage.driver === 's3' ? s3Store(config) : fsStore(config.storage.dir);
  const check = (key: string) => {
    if (!KEY_RE.test(key) || key.includes('..')) throw new Error(`invalid object key`);
  };
  return {
    async put(key, body) {
      check(key);
      const dek = crypto.randomBytes(32);
      const sealedDek = cryptoSvc.sealBytes('storage-kek', dek, key);
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', dek, iv);
      c.setAAD(Buffer.from(key));
      const ct = Buffer.concat([c.update(body), c.final()]);
      await raw.put(key, Buffer.concat([MAGIC, sealedDek, iv, c.getAuthTag(), ct]));
    },
    async get(key) {
      check(key);
      const blob = await raw.get(key);
      if (!blob) throw new ObjectNotFoundError(`object not found`);
      if (!blob.subarray(0, 4).equals(MAGIC)) throw new Error('object is not in the encrypted format');
      const dek = cryptoSvc.openBytes('storage-kek', blob.subarray(4, 64), key);
      const d = crypto.createDecipheriv('aes-256-gcm', dek, blob.subarray(64, 76));
      d.setAAD(Buffer.from(key));
      d.setAuthTag(blob.subarray(76, 92));
      return Buffer.concat([d.update(blob.subarray(92)), d.final()]);
    },
    async delete(key) {
      check(key);
      await raw.delete(key);
    },
    async deletePrefix(prefix) {
      check(prefix);
      const keys = await raw.list(prefix);
      for (const k of keys) await raw.delete(k);
      return keys.length;
    },
  };
}

function fsStore(root: string): RawStore {
  const file = (key: string) => path.join(root, ...key.split('/'));
  return {
    async put(key, body) {
      const f = file(key);
      await fs.mkdir(path.dirname(f), { recursive: true });
      // Write-then-rename: a crash never leaves a half-written object under its final name.
      const tmp = `${f}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      await fs.writeFile(tmp, body, { mode: 0o600 });
      await fs.rename(tmp, f);
    },
    async get(key) {
      try {
        return await fs.readFile(file(key));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    async delete(key) {
      await fs.rm(file(key), { force: true });
    },
    async list(prefix) {
      const base = file(prefix.replace(/\/+$/, ''));
      const out: string[] = [];
      const walk = async (dir: string) => {
        let entries;
        try {
          entries = await fs.readdir(dir, { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) await walk(p);
          else out.push(path.relative(root, p).split(path.sep).join('/'));
        }
      };
      try {
        const st = await fs.stat(base);
        if (st.isFile()) return [path.relative(root, base).split(path.sep).join('/')];
      } catch {
        return [];
      }
      await walk(base);
      return out;
    },
  };
}

function s3Store(config: Config): RawStore {
  const s3cfg = config.storage.s3!;
  let clientP: Promise<{ client: import('@aws-sdk/client-s3').S3Client; mod: typeof import('@aws-sdk/client-s3') }> | null = null;
  const get = () =>
    (clientP ??= import('@aws-sdk/client-s3').then((mod) => ({
      mod,
      client: new mod.S3Client({
        region: s3cfg.region,
        endpoint: s3cfg.endpoint,
        forcePathStyle: s3cfg.forcePathStyle,
        credentials:
          s3cfg.accessKeyId && s3cfg.secretAccessKey ? { accessKeyId: s3cfg.accessKeyId, secretAccessKey: s3cfg.secretAccessKey } : undefined,
      }),
    })));
  return {
    async put(key, body) {
      const { client, mod } = await get();
      await client.send(new mod.PutObjectCommand({ Bucket: s3cfg.bucket, Key: key, Body: body }));
    },
    async get(key) {
      const { client, mod } = await get();
      try {
        const r = await client.send(new mod.GetObjectCommand({ Bucket: s3cfg.bucket, Key: key }));
        return Buffer.from(await r.Body!.transformToByteArray());
      } catch (e) {
        if ((e as { name?: string }).name === 'NoSuchKey') return null;
        throw e;
      }
    },
    async delete(key) {
      const { client, mod } = await get();
      await client.send(new mod.DeleteObjectCommand({ Bucket: s3cfg.bucket, Key: key }));
    },
    async list(prefix) {
      const { client, mod } = await get();
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const r = await client.send(new mod.ListObjectsV2Command({ Bucket: s3cfg.bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of r.Contents ?? []) if (o.Key) keys.push(o.Key);
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      return keys;
    },
  };
}
