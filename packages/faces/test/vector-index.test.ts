import { describe, expect, it } from 'vitest';
import { cosineDistance, createVectorIndex, distanceToSimilarity, FaceError, l2normalize } from '../src/index.ts';
import { kernelBytes } from '../src/simd-kernel.ts';

function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296;
  };
}

/** Vectors with a shared mean component, like real face embeddings. */
function vectors(count: number, dim: number, seed = 1): Float32Array[] {
  const r = rng(seed);
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) out.push(l2normalize(Float32Array.from({ length: dim }, (_, j) => 0.08 * Math.sin(j) + (r() - 0.5) * 0.1)));
  return out;
}

function bruteForce(data: Map<string, Float32Array>, q: Float32Array, k: number): string[] {
  return [...data.entries()]
    .map(([id, v]) => ({ id, d: cosineDistance(q, v) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, k)
    .map((h) => h.id);
}

describe('SIMD kernel', () => {
  it('is a valid WebAssembly module', () => {
    const wasm = (globalThis as unknown as { WebAssembly: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
    expect(wasm.validate(kernelBytes())).toBe(true);
  });
});

describe('in-process vector index', () => {
  it('returns the same neighbours as an exact scan, with exact-grade distances', () => {
    const dim = 128;
    const index = createVectorIndex({ dim });
    const data = new Map<string, Float32Array>();
    vectors(3000, dim).forEach((v, i) => {
      data.set(`v${i}`, v);
      index.add(`v${i}`, v);
    });
    expect(index.size).toBe(3000);
    for (const q of vectors(20, dim, 99)) {
      const hits = index.search(q, { k: 5 });
      expect(hits.map((h) => h.id)).toEqual(bruteForce(data, q, 5));
      for (const h of hits) {
        expect(Math.abs(h.distance - cosineDistance(q, data.get(h.id)!))).toBeLessThan(1e-4);
        expect(h.similarity).toBe(distanceToSimilarity(h.distance));
      }
    }
  });

  it('supports dimensions that are not a multiple of the SIMD width', () => {
    const index = createVectorIndex({ dim: 37 });
    const vs = vectors(50, 37, 5);
    vs.forEach((v, i) => index.add(String(i), v));
    expect(index.search(vs[17]!, { k: 1 })[0]!.id).toBe('17');
  });

  it('replaces, removes and keeps ids consistent after moving rows', () => {
    const index = createVectorIndex({ dim: 64, initialCapacity: 2 });
    const vs = vectors(10, 64, 3);
    vs.forEach((v, i) => index.add(`a${i}`, v));
    expect(index.remove('a0')).toBe(true);
    expect(index.remove('a0')).toBe(false);
    expect(index.has('a0')).toBe(false);
    expect(index.size).toBe(9);
    // a9 moved into a0's row: it must still be found under its own id.
    expect(index.search(vs[9]!, { k: 1 })[0]!.id).toBe('a9');
    index.add('a5', vs[2]!);
    expect(index.size).toBe(9);
    const top = index.search(vs[2]!, { k: 2 }).map((h) => h.id).sort();
    expect(top).toEqual(['a2', 'a5']);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.search(vs[1]!)).toEqual([]);
  });

  it('filters by calibrated similarity', () => {
    const index = createVectorIndex({ dim: 128 });
    const vs = vectors(200, 128, 8);
    vs.forEach((v, i) => index.add(`v${i}`, v));
    const hits = index.search(vs[3]!, { k: 50, minSimilarity: 85 });
    expect(hits[0]!.id).toBe('v3');
    for (const h of hits) expect(h.similarity).toBeGreaterThanOrEqual(85);
  });

  it('grows past its initial capacity', () => {
    const index = createVectorIndex({ dim: 32, initialCapacity: 1 });
    const vs = vectors(5000, 32, 11);
    vs.forEach((v, i) => index.add(`g${i}`, v));
    expect(index.search(vs[4321]!, { k: 1 })[0]!.id).toBe('g4321');
  });

  it('rejects malformed vectors with a typed error', () => {
    const index = createVectorIndex({ dim: 4 });
    expect(() => index.add('x', [1, 2, 3])).toThrow(FaceError);
    expect(() => index.add('x', [1, Number.NaN, 3, 4])).toThrow(FaceError);
    expect(() => createVectorIndex({ dim: 0 })).toThrow(FaceError);
    index.add('zero', [0, 0, 0, 0]);
    expect(index.search([0, 0, 0, 0])).toEqual([]);
  });
});
