import crypto from 'node:crypto';

/**
 * Encryption at rest. Everything is derived from the MASTER_KEY with HKDF so one secret protects all
 * purposes and a purpose's key cannot be used for another. Format of an encrypted value:
 * "v1." + base64url(iv[12] | tag[16] | ciphertext). The optional associated data binds a ciphertext to
 * the row it belongs to, so it cannot be copied onto another applicant.
 */
export type Crypto = ReturnType<typeof createCrypto>;

export function createCrypto(masterKey: Buffer) {
  if (masterKey.length !== 32) throw new Error('master key must be 32 bytes');
  const cache = new Map<string, Buffer>();
  const derive = (purpose: string): Buffer => {
    let k = cache.get(purpose);
    if (!k) {
      k = Buffer.from(crypto.hkdfSync('sha256', masterKey, Buffer.alloc(0), `tessera:${purpose}`, 32));
      cache.set(purpose, k);
    }
    return k;
  };

  function sealBytes(purpose: string, plain: Buffer, aad?: string): Buffer {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', derive(purpose), iv);
    if (aad) cipher.setAAD(Buffer.from(aad));
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), ct]);
  }

  function openBytes(purpose: string, sealed: Buffer, aad?: string): Buffer {
    const iv = sealed.subarray(0, 12);
    const tag = sealed.subarray(12, 28);
    const decipher = crypto.createDecipheriv('aes-256-gcm', derive(purpose), iv);
    if (aad) decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  }

  return {
    /** Encrypts a string for a column. */
    encrypt(plain: string, aad?: string, purpose = 'pii'): string {
      return 'v1.' + sealBytes(purpose, Buffer.from(plain, 'utf8'), aad).toString('base64url');
    },
    decrypt(value: string, aad?: string, purpose = 'pii'): string {
      if (!value.startsWith('v1.')) throw new Error('unknown ciphertext version');
      return openBytes(purpose, Buffer.from(value.slice(3), 'base64url'), aad).toString('utf8');
    },
    encryptJson(value: unknown, aad?: string, purpose = 'pii'): string {
      return this.encrypt(JSON.stringify(value), aad, purpose);
    },
    decryptJson<T>(value: string, aad?: string, purpose = 'pii'): T {
      return JSON.parse(this.decrypt(value, aad, purpose)) as T;
    },
    sealBytes,
    openBytes,
    /**
     * A keyed hash for looking up encrypted values by equality (document numbers, name tokens) without
     * storing them in clear: the same input gives the same digest only under this installation's key.
     */
    blindIndex(value: string, purpose = 'search'): string {
      return crypto.createHmac('sha256', derive(`blind:${purpose}`)).update(value).digest('base64url').slice(0, 32);
    },
    derive,
  };
}

/** SHA-256 for API keys and one-time tokens: high-entropy secrets need a fast, unsalted lookup hash. */
export function sha256(value: string | Buffer): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}

export function timingSafeEqualStr(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && crypto.timingSafeEqual(ab, bb);
}
