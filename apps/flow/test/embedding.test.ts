import { describe, expect, it } from 'vitest';
import { embedderOrigin, embeddingDecision, originOf } from '../src/embedding.ts';
import { normaliseSession } from '../src/api.ts';

const LIST = ['https://bank.example', 'http://localhost:5173'];

describe('embedding decision', () => {
  it('is always allowed when not in a frame, whatever the list', () => {
    expect(embeddingDecision({ framed: false, referrer: 'https://evil.example/' }, LIST)).toEqual({ allowed: true, origin: null });
  });

  it('an empty list lets any page embed, and still reports the origin for postMessage', () => {
    expect(embeddingDecision({ framed: true, ancestorOrigins: ['https://anyone.example'] }, [])).toEqual({ allowed: true, origin: 'https://anyone.example' });
    expect(embeddingDecision({ framed: true }, [])).toEqual({ allowed: true, origin: null });
  });

  it('uses location.ancestorOrigins[0] first', () => {
    expect(embeddingDecision({ framed: true, ancestorOrigins: ['https://bank.example'], referrer: 'https://evil.example/x' }, LIST).allowed).toBe(true);
    expect(embeddingDecision({ framed: true, ancestorOrigins: ['https://evil.example', 'https://bank.example'], referrer: 'https://bank.example/' }, LIST)).toEqual({
      allowed: false,
      origin: 'https://evil.example',
    });
  });

  it("falls back to the SDK message's origin, then the referrer's origin", () => {
    expect(embedderOrigin({ framed: true, ancestorOrigins: [], messageOrigin: 'http://localhost:5173', referrer: 'https://evil.example/' })).toBe('http://localhost:5173');
    expect(embeddingDecision({ framed: true, ancestorOrigins: [], referrer: 'https://bank.example/account/open?x=1' }, LIST)).toEqual({ allowed: true, origin: 'https://bank.example' });
    expect(embeddingDecision({ framed: true, ancestorOrigins: null, referrer: 'https://bank.example.evil.example/' }, LIST).allowed).toBe(false);
  });

  it('refuses an unknown embedder when the list is not empty (hidden referrer, opaque origin)', () => {
    expect(embeddingDecision({ framed: true, referrer: '' }, LIST)).toEqual({ allowed: false, origin: null });
    expect(embeddingDecision({ framed: true, ancestorOrigins: ['null'], messageOrigin: 'null' }, LIST)).toEqual({ allowed: false, origin: null });
  });

  it('compares origins exactly: scheme and port matter, case and default ports do not', () => {
    expect(embeddingDecision({ framed: true, ancestorOrigins: ['http://bank.example'] }, LIST).allowed).toBe(false);
    expect(embeddingDecision({ framed: true, ancestorOrigins: ['https://bank.example:8443'] }, LIST).allowed).toBe(false);
    expect(embeddingDecision({ framed: true, ancestorOrigins: ['http://localhost:5174'] }, LIST).allowed).toBe(false);
    expect(embeddingDecision({ framed: true, ancestorOrigins: ['https://bank.example'] }, ['HTTPS://Bank.Example:443/']).allowed).toBe(true);
  });

  it('originOf', () => {
    expect(originOf('https://Example.com:443/a?b#c')).toBe('https://example.com');
    expect(originOf('not a url')).toBeNull();
    expect(originOf('null')).toBeNull();
    expect(originOf(undefined)).toBeNull();
  });

  it('the session bootstrap carries the list (empty when the server leaves it out)', () => {
    expect(normaliseSession({ allowedOrigins: ['https://bank.example', 3] }).allowedOrigins).toEqual(['https://bank.example']);
    expect(normaliseSession({}).allowedOrigins).toEqual([]);
  });
});
