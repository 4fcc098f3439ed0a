import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

describe('configuration', () => {
  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', MASTER_KEY: Buffer.alloc(32).toString('base64') }, { quiet: true })).toThrow(/PORT/);
    expect(() => loadConfig({ MASTER_KEY: 'short' }, { quiet: true })).toThrow(/MASTER_KEY/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url', MASTER_KEY: Buffer.alloc(32).toString('base64') }, { quiet: true })).toThrow(/DATABASE_URL/);
  });

  it('requires PUBLIC_URL and MASTER_KEY in production, and derives URLs from PUBLIC_URL', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' }, { quiet: true })).toThrow(/PUBLIC_URL: required in production[\s\S]*MASTER_KEY/);
    const c = loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://kyc.example.com/', MASTER_KEY: Buffer.alloc(32, 1).toString('base64') }, { quiet: true });
    expect(c.publicUrl).toBe('https://kyc.example.com');
    expect(c.mailStore).toBe(false);
  });
});
