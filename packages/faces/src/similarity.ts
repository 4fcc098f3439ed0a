import { FaceError } from './errors.ts';

/** Length of the face embedding; the server stores it as `vector(128)`. */
export const EMBEDDING_DIM = 128;
/** Embeddings are L2-normalised: cosine distance (pgvector `<=>`, `vector_cosine_ops`) ranks like L2. */
export const EMBEDDING_DISTANCE = 'cosine' as const;
/**
 * Identifies how embeddings are produced. Stored next to each embedding: vectors from a different
 * model or alignment are not comparable and must be recomputed, never mixed.
 */
export const EMBEDDING_MODEL = 'faceapi-resnet34-128/mesh-align-150/flip-avg/l2/v1';

/** Default decision threshold on the 0–100 similarity scale (issue 6: ≥ 85 passes). */
export const DEFAULT_MATCH_THRESHOLD = 85;

/**
 * Calibration of the similarity scale (see README "Calibration").
 *
 * The scale is a logistic function of the cosine distance d between normalised embeddings:
 *   similarity(d) = 100 / (1 + exp((d − D50) / W))
 * anchored at two points measured on the labelled deepface set (13 people, 140 same-person and
 * 1,690 different-person pairs):
 *   - d = 0.070 → 85: the decision threshold. On that set it lies just above the 0.1 % quantile of
 *     different-person distances (0.068) and above every same-person distance but one.
 *   - d = 0.166 → 5: the median different-person distance.
 * The same anchors put the 1 % false-match quantile (d ≈ 0.091) at ≈ 67 and the median same-person
 * distance (d ≈ 0.029) at ≈ 97.
 */
export const CALIBRATION = {
  thresholdDistance: 0.07,
  thresholdSimilarity: DEFAULT_MATCH_THRESHOLD,
  lowDistance: 0.166,
  lowSimilarity: 5,
} as const;

const logit = (s: number): number => Math.log(100 / s - 1);
// Solve 100/(1+exp((d−D50)/W)) for the two anchors.
const W = (CALIBRATION.lowDistance - CALIBRATION.thresholdDistance) / (logit(CALIBRATION.lowSimilarity) - logit(CALIBRATION.thresholdSimilarity));
const D50 = CALIBRATION.thresholdDistance - W * logit(CALIBRATION.thresholdSimilarity);

export type Embedding = Float32Array;

function check(a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length || a.length === 0) {
    throw new FaceError('INVALID_INPUT', `Embeddings must have the same non-zero length (got ${a.length} and ${b.length})`);
  }
}

export function l2normalize(v: ArrayLike<number>): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  const n = Math.sqrt(s);
  const out = new Float32Array(v.length);
  if (n === 0 || !Number.isFinite(n)) return out;
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

/** Cosine distance 1 − cos θ (0 identical … 2 opposite); inputs need not be normalised. */
export function cosineDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  check(a, b);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  if (na === 0 || nb === 0) return 1;
  return 1 - dot / Math.sqrt(na * nb);
}

/** Calibrated similarity 0–100 for a cosine distance. Monotone decreasing. */
export function distanceToSimilarity(distance: number): number {
  if (!Number.isFinite(distance)) return 0;
  const s = 100 / (1 + Math.exp((distance - D50) / W));
  return Math.round(s * 100) / 100;
}

/** Inverse of distanceToSimilarity: the cosine distance at which a similarity is reached. */
export function similarityToDistance(similarity: number): number {
  const s = Math.min(99.999, Math.max(0.001, similarity));
  return D50 + W * logit(s);
}

/** Calibrated similarity 0–100 between two face embeddings. */
export function similarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return distanceToSimilarity(cosineDistance(a, b));
}

export function isMatch(similarityValue: number, threshold = DEFAULT_MATCH_THRESHOLD): boolean {
  return similarityValue >= threshold;
}
