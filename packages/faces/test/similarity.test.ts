import { describe, expect, it } from 'vitest';
import {
  CALIBRATION,
  cosineDistance,
  DEFAULT_MATCH_THRESHOLD,
  distanceToSimilarity,
  FaceError,
  l2normalize,
  similarity,
  similarityToDistance,
} from '../src/index.ts';

describe('calibrated similarity', () => {
  it('maps the calibration anchors to their similarities', () => {
    expect(distanceToSimilarity(CALIBRATION.thresholdDistance)).toBeCloseTo(DEFAULT_MATCH_THRESHOLD, 1);
    expect(distanceToSimilarity(CALIBRATION.lowDistance)).toBeCloseTo(CALIBRATION.lowSimilarity, 1);
  });

  it('is monotone decreasing and bounded to 0..100', () => {
    let previous = Infinity;
    for (let d = 0; d <= 2; d += 0.005) {
      const s = distanceToSimilarity(d);
      expect(s).toBeLessThanOrEqual(previous);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(100);
      previous = s;
    }
    expect(distanceToSimilarity(0)).toBeGreaterThan(99);
    expect(distanceToSimilarity(Number.NaN)).toBe(0);
  });

  it('inverts back to the distance', () => {
    for (const s of [10, 50, 70, 85, 95]) expect(distanceToSimilarity(similarityToDistance(s))).toBeCloseTo(s, 1);
  });

  it('compares vectors by angle, not length', () => {
    const a = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i));
    const b = a.map((x) => x * 3);
    expect(cosineDistance(a, b)).toBeCloseTo(0, 6);
    expect(similarity(a, b)).toBeGreaterThan(99);
    const c = a.map((x) => -x);
    expect(cosineDistance(a, c)).toBeCloseTo(2, 6);
    expect(similarity(a, c)).toBe(0);
  });

  it('normalises to unit length and leaves zero vectors at zero', () => {
    const n = l2normalize([3, 4]);
    expect(Math.hypot(n[0]!, n[1]!)).toBeCloseTo(1, 6);
    expect(Array.from(l2normalize([0, 0]))).toEqual([0, 0]);
  });

  it('rejects embeddings of different lengths with a typed error', () => {
    expect(() => similarity(new Float32Array(128), new Float32Array(64))).toThrow(FaceError);
    try {
      similarity([], []);
    } catch (err) {
      expect((err as FaceError).code).toBe('INVALID_INPUT');
    }
  });
});
