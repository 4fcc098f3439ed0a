/** Verification metrics over labelled pairs, shared by the benchmark and the calibration notes. */

export interface PairScore {
  a: string;
  b: string;
  same: boolean;
  distance: number;
}

export interface VerificationMetrics {
  pairs: { same: number; different: number };
  auc: number;
  /** At the similarity threshold under test. */
  atThreshold: { threshold: number; distance: number; accuracy: number; tpr: number; fpr: number; falseMatches: number; falseNonMatches: number };
  tprAtFpr: Array<{ fpr: number; tpr: number; distance: number }>;
  /** Best accuracy over all thresholds: an optimistic bound, reported only for context. */
  bestAccuracy: { accuracy: number; distance: number };
}

export function verificationMetrics(scores: PairScore[], thresholdDistance: number, threshold: number): VerificationMetrics {
  const pos = scores.filter((s) => s.same).map((s) => s.distance).sort((x, y) => x - y);
  const neg = scores.filter((s) => !s.same).map((s) => s.distance).sort((x, y) => x - y);
  const P = pos.length;
  const N = neg.length;

  // AUC = P(distance of a random same pair < distance of a random different pair), ties count ½.
  let auc = 0;
  for (const d of pos) {
    const below = lowerBound(neg, d);
    const upTo = upperBound(neg, d);
    auc += N - upTo + (upTo - below) / 2;
  }
  auc /= P * N;

  const tp = upperBound(pos, thresholdDistance);
  const fp = upperBound(neg, thresholdDistance);
  const atThreshold = {
    threshold,
    distance: thresholdDistance,
    accuracy: (tp + (N - fp)) / (P + N),
    tpr: tp / P,
    fpr: fp / N,
    falseMatches: fp,
    falseNonMatches: P - tp,
  };

  const tprAtFpr = [0.01, 0.001].map((fpr) => {
    // Largest distance that accepts at most fpr·N different pairs.
    const allowed = Math.floor(fpr * N);
    const distance = allowed < N ? neg[allowed]! - 1e-9 : Infinity;
    return { fpr, tpr: upperBound(pos, distance) / P, distance };
  });

  const all = [...pos.map((d) => ({ d, y: 1 })), ...neg.map((d) => ({ d, y: 0 }))].sort((x, y) => x.d - y.d);
  let best = { accuracy: N / (P + N), distance: 0 };
  let t = 0;
  let f = 0;
  for (let i = 0; i < all.length; i++) {
    if (all[i]!.y) t++;
    else f++;
    if (i + 1 < all.length && all[i + 1]!.d === all[i]!.d) continue;
    const acc = (t + N - f) / (P + N);
    if (acc > best.accuracy) best = { accuracy: acc, distance: all[i]!.d };
  }
  return { pairs: { same: P, different: N }, auc, atThreshold, tprAtFpr, bestAccuracy: best };
}

function lowerBound(sorted: number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (sorted[m]! < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

function upperBound(sorted: number[], v: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (sorted[m]! <= v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Out-of-sample check of a threshold rule: for each person, the threshold is chosen on the pairs
 * that do not involve them (the distance just below the `fpr` quantile of different-person pairs)
 * and applied to the pairs that do. The calibration was anchored on this same set; this estimates
 * how much that choice flatters the in-sample figures.
 */
export function leaveOnePersonOut(scores: Array<PairScore & { personA: string; personB: string }>, fpr = 0.001): { accuracy: number; falseMatches: number; falseNonMatches: number; pairs: number; thresholds: { min: number; max: number } } {
  const people = [...new Set(scores.flatMap((s) => [s.personA, s.personB]))];
  let errorsFm = 0;
  let errorsFnm = 0;
  let tested = 0;
  const chosen: number[] = [];
  for (const p of people) {
    const train = scores.filter((s) => s.personA !== p && s.personB !== p);
    const test = scores.filter((s) => s.personA === p || s.personB === p);
    const neg = train.filter((s) => !s.same).map((s) => s.distance).sort((x, y) => x - y);
    const threshold = neg[Math.floor(fpr * neg.length)]! - 1e-9;
    chosen.push(threshold);
    for (const s of test) {
      tested++;
      const accept = s.distance <= threshold;
      if (accept && !s.same) errorsFm++;
      if (!accept && s.same) errorsFnm++;
    }
  }
  return { accuracy: 1 - (errorsFm + errorsFnm) / tested, falseMatches: errorsFm, falseNonMatches: errorsFnm, pairs: tested, thresholds: { min: Math.min(...chosen), max: Math.max(...chosen) } };
}
