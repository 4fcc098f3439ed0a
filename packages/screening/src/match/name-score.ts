import { analyzeName, TK_INITIAL, TK_NUMBER, TK_PARTICLE, TK_STOP, TK_WORD, type AnalyzedName } from '../normalize/name.ts';
import { equivalence, stringSimilarity, tokenSimilarity } from './similarity.ts';

/**
 * Name-to-name scoring: the best one-to-one pairing of tokens, weighted by token kind and rarity,
 * with unpaired tokens costing according to which side they are missing from.
 */

export interface PreparedName extends AnalyzedName {
  /** Rarity factor per token (1 = ordinary); the index fills it from its document frequencies. */
  rarity: number[];
  /**
   * Kind weight x rarity per token (derived; refreshed with setRarity). A Float64Array: plain arrays
   * of these switch between integer and double element kinds (a weight of exactly 1 is an integer),
   * and the scorer was deoptimised each time it met the other kind.
   */
  weights: Float64Array;
}

export type PairKind = 'exact' | 'variant' | 'fuzzy' | 'initial' | 'merged' | 'conflict' | 'legal';

export interface TokenPair {
  query: string;
  candidate: string;
  similarity: number;
  kind: PairKind;
}

export interface NameScore {
  score: number;
  pairs: TokenPair[];
  /** Query tokens the candidate lacks. */
  missingInCandidate: string[];
  /** Candidate tokens the query lacks. */
  missingInQuery: string[];
}

/** Tunable global weights (the same for every name; tuned on the dev set, see README). */
export const NAME_WEIGHTS = {
  word: 1,
  initial: 0.5,
  /** An initial that contradicts the other side's word is as telling as a wrong word. */
  initialConflict: 1,
  particle: 0.2,
  stop: 0.25,
  number: 1,
  legal: 0.5,
  /** Pair similarities below this are treated as increasingly contradictory (see agreement()). */
  fuzzyKnee: 0.85,
  /** How fast agreement falls below the knee: one wrong letter in a long word is fine, three are not. */
  fuzzySlope: 2.5,
  /** Extra weight a disagreeing pair adds to the denominator: a contradiction outweighs an agreement. */
  conflict: 1,
  /** Share of its weight an unpaired query token costs. */
  missingInCandidate: 0.55,
  /** Share of its weight an unpaired candidate token costs (lists carry patronymics, middle names). */
  missingInQuery: 0.22,
  /** Minimum similarity for a join of adjacent words to replace them ("Ramimakhlouf"). */
  mergeMin: 0.88,
};

function baseWeight(kind: number): number {
  switch (kind) {
    case TK_INITIAL:
      return NAME_WEIGHTS.initial;
    case TK_PARTICLE:
      return NAME_WEIGHTS.particle;
    case TK_STOP:
      return NAME_WEIGHTS.stop;
    case TK_NUMBER:
      return NAME_WEIGHTS.number;
    default:
      return NAME_WEIGHTS.word;
  }
}

export function prepareName(a: AnalyzedName, rarity?: number[]): PreparedName {
  const r = rarity ?? a.tokens.map(() => 1);
  return { ...a, rarity: r, weights: weightsOf(a.kinds, r) };
}

function weightsOf(kinds: number[], rarity: number[]): Float64Array {
  const w = new Float64Array(kinds.length);
  for (let i = 0; i < kinds.length; i++) w[i] = baseWeight(kinds[i]) * rarity[i];
  return w;
}

/** `w` with `remove` entries at `at` replaced by `insert`. */
function spliceWeights(w: Float64Array, at: number, remove: number, insert: number[]): Float64Array {
  const out = new Float64Array(w.length - remove + insert.length);
  out.set(w.subarray(0, at), 0);
  out.set(insert, at);
  out.set(w.subarray(at + remove), at + insert.length);
  return out;
}

export function setRarity(n: PreparedName, rarity: number[]): void {
  n.rarity = rarity;
  n.weights = weightsOf(n.kinds, rarity);
}

const NO_MERGES: boolean[] = [];
/** Returned (frozen) by scoreNames without `explain`, which records no pairs or missing words. */
const NO_PAIRS: readonly TokenPair[] = Object.freeze([]);
const NO_WORDS: readonly string[] = Object.freeze([]);

/** Words of one side after optional joins; `span` keeps how many original words each covers. */
interface Side {
  tokens: string[];
  kinds: number[];
  abjad: boolean[];
  weight: Float64Array;
  merged: boolean[];
}

function side(n: PreparedName): Side {
  return { tokens: n.tokens, kinds: n.kinds, abjad: n.abjad, weight: n.weights, merged: NO_MERGES };
}

type SimFn = (q: string, c: string, qAbjad: boolean, cAbjad: boolean) => number;

function compatible(kq: number, kc: number): boolean {
  if (kq === TK_NUMBER || kc === TK_NUMBER) return kq === kc;
  if (kq === TK_PARTICLE || kc === TK_PARTICLE) return kq === kc;
  return true;
}

const K_NONE = 0;
const K_EXACT = 1;
const K_VARIANT = 2;
const K_FUZZY = 3;
const K_INITIAL = 4;
const K_CONFLICT = 5;
const KIND_NAMES: PairKind[] = ['conflict', 'exact', 'variant', 'fuzzy', 'initial', 'conflict'];

/** Kind of the last pairSim() call (a module slot instead of an allocated result). */
let lastKind = K_NONE;

function pairSim(s: SimFn, q: Side, i: number, c: Side, j: number): number {
  const kq = q.kinds[i];
  const kc = c.kinds[j];
  const a = q.tokens[i];
  const b = c.tokens[j];
  lastKind = K_CONFLICT;
  if (!compatible(kq, kc)) return 0;
  if (kq === TK_INITIAL || kc === TK_INITIAL) {
    // A run of initials ("jc" standing for Jean Claude) only pairs with the same run.
    if ((kq === TK_INITIAL && a.length > 1) || (kc === TK_INITIAL && b.length > 1)) {
      if (a !== b) return 0;
      lastKind = K_INITIAL;
      return 0.9;
    }
    if (a[0] !== b[0]) return 0;
    lastKind = K_INITIAL;
    return kq === kc ? 1 : 0.9;
  }
  if (a === b) {
    lastKind = K_EXACT;
    return 1;
  }
  if (kq === TK_NUMBER) return 0;
  if (kq === TK_PARTICLE) {
    if (equivalence(a, b) > 0) {
      lastKind = K_VARIANT;
      return 1;
    }
    return 0;
  }
  const sim = s(a, b, !!q.abjad[i], !!c.abjad[j]);
  lastKind = sim >= 0.9 && equivalence(a, b) >= sim ? K_VARIANT : K_FUZZY;
  return sim;
}

/**
 * Join runs of 2-3 adjacent words on one side when the join matches a single word on the other
 * side better than the parts do ("Ramimakhlouf", "Plat Ono Vich", "van der bilt"), and let a short
 * run of letters stand for the initials of adjacent words ("JC" = "Jean-Claude").
 */
function applyMerges(s: SimFn, x: Side, y: Side): Side {
  if (x.tokens.length < 2 || x.tokens.length > 8 || y.tokens.length > 8) return x;
  let out = x;
  for (let j = 0; j < y.tokens.length; j++) {
    const target = y.tokens[j];
    if (y.kinds[j] !== TK_WORD || target.length < 4) continue;
    let best: { i: number; span: number; sim: number } | undefined;
    for (let span = 2; span <= 3; span++) {
      for (let i = 0; i + span <= out.tokens.length; i++) {
        let len = 0;
        let ok = true;
        for (let k = i; k < i + span; k++) {
          if (out.kinds[k] === TK_NUMBER || out.merged[k]) ok = false;
          len += out.tokens[k].length;
        }
        if (!ok || Math.abs(len - target.length) > 3 || out.tokens[i][0] !== target[0]) continue;
        let joined = '';
        for (let k = i; k < i + span; k++) joined += out.tokens[k];
        const sim = s(joined, target, false, !!y.abjad[j]);
        if (sim < NAME_WEIGHTS.mergeMin) continue;
        let partBest = 0;
        for (let k = i; k < i + span; k++) partBest = Math.max(partBest, s(out.tokens[k], target, !!out.abjad[k], !!y.abjad[j]));
        if (sim > partBest + 0.05 && (!best || sim > best.sim)) best = { i, span, sim };
      }
    }
    if (best) {
      const { i, span } = best;
      const joined = out.tokens.slice(i, i + span).join('');
      let w = NAME_WEIGHTS.word;
      for (let k = i; k < i + span; k++) if (out.kinds[k] !== TK_PARTICLE && out.weight[k] > w) w = out.weight[k];
      const merged = out.merged.length ? out.merged : out.tokens.map(() => false);
      out = {
        tokens: [...out.tokens.slice(0, i), joined, ...out.tokens.slice(i + span)],
        kinds: [...out.kinds.slice(0, i), TK_WORD, ...out.kinds.slice(i + span)],
        abjad: [...out.abjad.slice(0, i), false, ...out.abjad.slice(i + span)],
        weight: spliceWeights(out.weight, i, span, [w]),
        merged: [...merged.slice(0, i), true, ...merged.slice(i + span)],
      };
    }
  }
  return out;
}

/**
 * Split a word that is two words of the other side run together ("VladimirPutin" against
 * "Putin, Vladimir Vladimirovich", where the parts are not adjacent): one part must equal a word
 * there and the other be near-identical to another.
 */
function applySplits(s: SimFn, x: Side, y: Side): Side {
  let out = x;
  for (let i = 0; i < out.tokens.length; i++) {
    const t = out.tokens[i];
    if (out.tokens.length >= y.tokens.length) break;
    if (out.kinds[i] !== TK_WORD || t.length < 6 || y.tokens.includes(t)) continue;
    let best: { left: string; right: string; sim: number } | undefined;
    for (let p = 2; p <= t.length - 2; p++) {
      const left = t.slice(0, p);
      const right = t.slice(p);
      const li = y.tokens.indexOf(left);
      const ri = y.tokens.indexOf(right);
      if (li < 0 && ri < 0) continue;
      let other = 0;
      const fixed = li >= 0 ? li : ri;
      const rest = li >= 0 ? right : left;
      for (let j = 0; j < y.tokens.length; j++) if (j !== fixed && y.kinds[j] === TK_WORD) other = Math.max(other, s(rest, y.tokens[j], false, !!y.abjad[j]));
      if (other >= NAME_WEIGHTS.mergeMin && (!best || other > best.sim)) best = { left, right, sim: other };
    }
    if (!best) continue;
    const merged = out.merged.length ? out.merged : out.tokens.map(() => false);
    out = {
      tokens: [...out.tokens.slice(0, i), best.left, best.right, ...out.tokens.slice(i + 1)],
      kinds: [...out.kinds.slice(0, i), TK_WORD, TK_WORD, ...out.kinds.slice(i + 1)],
      abjad: [...out.abjad.slice(0, i), false, false, ...out.abjad.slice(i + 1)],
      weight: spliceWeights(out.weight, i, 1, [out.weight[i], out.weight[i]]),
      merged: [...merged.slice(0, i), true, true, ...merged.slice(i + 1)],
    };
    i++;
  }
  return out;
}

/** "JC" against "Jean Claude": the letters are the initials of adjacent words of the other side. */
function applyInitialRuns(x: Side, y: Side): Side {
  let out = y;
  // A name made only of initials ("N.N.") identifies nobody.
  if (x.tokens.length < 2) return out;
  let words = 0;
  for (let j = 0; j < y.kinds.length; j++) if (y.kinds[j] === TK_WORD) words++;
  for (let i = 0; i < x.tokens.length; i++) {
    const t = x.tokens[i];
    if (x.kinds[i] !== TK_WORD || t.length < 2 || t.length > 3 || /[aeiou]/.test(t)) continue;
    // The other side must keep a word of its own: "S.M." cannot stand for a whole name.
    if (t.length >= words) continue;
    for (let j = 0; j + t.length <= out.tokens.length; j++) {
      let ok = true;
      for (let k = 0; k < t.length; k++) if (out.kinds[j + k] !== TK_WORD || out.tokens[j + k][0] !== t[k]) ok = false;
      if (!ok) continue;
      const span = t.length;
      const merged = out.merged.length ? out.merged : out.tokens.map(() => false);
      out = {
        tokens: [...out.tokens.slice(0, j), t, ...out.tokens.slice(j + span)],
        kinds: [...out.kinds.slice(0, j), TK_INITIAL, ...out.kinds.slice(j + span)],
        abjad: [...out.abjad.slice(0, j), false, ...out.abjad.slice(j + span)],
        weight: spliceWeights(out.weight, j, span, [NAME_WEIGHTS.initial * span]),
        merged: [...merged.slice(0, j), true, ...merged.slice(j + span)],
      };
      break;
    }
  }
  return out;
}

/** Turn a token similarity into agreement in [0, 1]: near-identical stays, middling drops fast. */
export function agreement(sim: number): number {
  const knee = NAME_WEIGHTS.fuzzyKnee;
  if (sim >= knee) return sim;
  const a = sim - (knee - sim) * NAME_WEIGHTS.fuzzySlope;
  return a > 0 ? a : 0;
}

const defaultSim: SimFn = (a, b, aa, ba) => tokenSimilarity(a, b, aa, ba);

const MAX_TOKENS = 32;
const simBuf = new Float64Array(MAX_TOKENS * MAX_TOKENS);
const kindBuf = new Uint8Array(MAX_TOKENS * MAX_TOKENS);
const usedQ = new Uint8Array(MAX_TOKENS);
const usedC = new Uint8Array(MAX_TOKENS);

function clip(n: PreparedName): PreparedName {
  if (n.tokens.length <= MAX_TOKENS) return n;
  return { ...n, tokens: n.tokens.slice(0, MAX_TOKENS), kinds: n.kinds.slice(0, MAX_TOKENS), abjad: n.abjad.slice(0, MAX_TOKENS), rarity: n.rarity.slice(0, MAX_TOKENS), weights: n.weights.slice(0, MAX_TOKENS) };
}

/** Whether some word lacks a near-identical partner: only then can joining words change anything. */
function needsMerges(q: Side, c: Side, nq: number, nc: number): boolean {
  for (let i = 0; i < nq; i++) {
    if (q.kinds[i] !== TK_WORD) continue;
    let best = 0;
    for (let j = 0; j < nc; j++) if (simBuf[i * MAX_TOKENS + j] > best) best = simBuf[i * MAX_TOKENS + j];
    if (best < 0.9) return true;
  }
  for (let j = 0; j < nc; j++) {
    if (c.kinds[j] !== TK_WORD) continue;
    let best = 0;
    for (let i = 0; i < nq; i++) if (simBuf[i * MAX_TOKENS + j] > best) best = simBuf[i * MAX_TOKENS + j];
    if (best < 0.9) return true;
  }
  return false;
}

function fillMatrix(s: SimFn, q: Side, c: Side): void {
  const nq = q.tokens.length;
  const nc = c.tokens.length;
  for (let i = 0; i < nq; i++) {
    for (let j = 0; j < nc; j++) {
      const k = i * MAX_TOKENS + j;
      simBuf[k] = pairSim(s, q, i, c, j);
      kindBuf[k] = lastKind;
    }
  }
}

/**
 * Score two prepared names in [0, 1]. With `explain`, also return the token pairs and what each
 * side lacks (the scorer runs without it for every candidate and with it for the best one).
 */
export function scoreNames(queryIn: PreparedName, candIn: PreparedName, simFn: SimFn = defaultSim, explain = true): NameScore {
  const query = clip(queryIn);
  const cand = clip(candIn);
  let q = side(query);
  let c = side(cand);
  fillMatrix(simFn, q, c);
  if (needsMerges(q, c, q.tokens.length, c.tokens.length)) {
    const q2 = applyMerges(simFn, q.tokens.length < c.tokens.length ? applySplits(simFn, q, c) : q, c);
    const c2 = applyMerges(simFn, c.tokens.length < q2.tokens.length ? applySplits(simFn, c, q2) : c, q2);
    let q3 = q2;
    let c3 = c2;
    // Letters standing for initials ("JC" = Jean-Claude) only make sense between people's names: in
    // organisation names two letters are an abbreviation of anything ("SK", "MR").
    if (query.rules === 'person' && cand.rules === 'person') {
      c3 = applyInitialRuns(q2, c2);
      q3 = applyInitialRuns(c3, q2);
    }
    if (q3 !== q || c3 !== c) {
      q = q3;
      c = c3;
      fillMatrix(simFn, q, c);
    }
  }
  const nq = q.tokens.length;
  const nc = c.tokens.length;
  usedQ.fill(0, 0, nq);
  usedC.fill(0, 0, nc);
  // Without `explain` nothing is recorded: share empty arrays instead of allocating three per call.
  const pairs: TokenPair[] = explain ? [] : (NO_PAIRS as TokenPair[]);
  let num = 0;
  let den = 0;
  const conflictW = NAME_WEIGHTS.conflict;

  // 1. Words with words, best first; ties prefer the same position (keeps "Kim Jong Un" aligned).
  //    A weak pairing (< 0.5) is a contradiction, handled in step 2.
  for (;;) {
    let bi = -1;
    let bj = -1;
    let bs = 0.5;
    let bd = 0;
    for (let i = 0; i < nq; i++) {
      if (usedQ[i] || q.kinds[i] === TK_INITIAL) continue;
      for (let j = 0; j < nc; j++) {
        if (usedC[j] || c.kinds[j] === TK_INITIAL) continue;
        const v = simBuf[i * MAX_TOKENS + j];
        if (v < bs) continue;
        const d = i > j ? i - j : j - i;
        if (v > bs || bi < 0 || d < bd) {
          bi = i;
          bj = j;
          bs = v;
          bd = d;
        }
      }
    }
    if (bi < 0) break;
    usedQ[bi] = 1;
    usedC[bj] = 1;
    // A paired word weighs what the listed word weighs: a misspelt query word is unseen in the lists,
    // and would otherwise count as rare exactly because of the typo.
    const w = c.weight[bj];
    const agree = agreement(bs);
    num += w * agree;
    den += w * (1 + conflictW * (1 - agree));
    if (explain) {
      const merged = (q.merged.length && q.merged[bi]) || (c.merged.length && c.merged[bj]);
      pairs.push({ query: q.tokens[bi], candidate: c.tokens[bj], similarity: bs, kind: merged ? 'merged' : KIND_NAMES[kindBuf[bi * MAX_TOKENS + bj]] });
    }
  }
  // 2. Words left on both sides contradict each other (Sergey vs Yevgeny Prigozhin), heaviest
  //    first. This comes before initials so that "P." cannot explain away a surname that differs.
  for (;;) {
    let bi = -1;
    let bj = -1;
    for (let i = 0; i < nq; i++) {
      if (usedQ[i] || (q.kinds[i] !== TK_WORD && q.kinds[i] !== TK_NUMBER)) continue;
      if (bi < 0 || q.weight[i] > q.weight[bi]) bi = i;
    }
    for (let j = 0; j < nc; j++) {
      if (usedC[j] || (c.kinds[j] !== TK_WORD && c.kinds[j] !== TK_NUMBER)) continue;
      if (bj < 0 || c.weight[j] > c.weight[bj]) bj = j;
    }
    if (bi < 0 || bj < 0) break;
    usedQ[bi] = 1;
    usedC[bj] = 1;
    const w = q.weight[bi] > c.weight[bj] ? q.weight[bi] : c.weight[bj];
    const sim = simBuf[bi * MAX_TOKENS + bj];
    const agree = agreement(sim);
    num += w * agree;
    den += w * (1 + conflictW * (1 - agree));
    if (explain) pairs.push({ query: q.tokens[bi], candidate: c.tokens[bj], similarity: sim, kind: 'conflict' });
  }
  // 3. Initials against what is left: "V." for Vladimir agrees, "O." against Joachim contradicts.
  for (let i = 0; i < nq; i++) {
    if (usedQ[i]) continue;
    const qi = q.kinds[i] === TK_INITIAL;
    for (let j = 0; j < nc; j++) {
      if (usedC[j]) continue;
      const ci = c.kinds[j] === TK_INITIAL;
      if (!qi && !ci) continue;
      const otherKind = qi ? c.kinds[j] : q.kinds[i];
      if (otherKind !== TK_WORD && otherKind !== TK_INITIAL) continue;
      const sim = simBuf[i * MAX_TOKENS + j];
      if (sim <= 0) continue;
      usedQ[i] = 1;
      usedC[j] = 1;
      num += NAME_WEIGHTS.initial * sim;
      den += NAME_WEIGHTS.initial;
      if (explain) pairs.push({ query: q.tokens[i], candidate: c.tokens[j], similarity: sim, kind: 'initial' });
      break;
    }
  }
  for (let i = 0; i < nq; i++) {
    if (usedQ[i]) continue;
    for (let j = 0; j < nc; j++) {
      if (usedC[j]) continue;
      const qi = q.kinds[i] === TK_INITIAL;
      const ci = c.kinds[j] === TK_INITIAL;
      if (!((qi && c.kinds[j] === TK_WORD) || (ci && q.kinds[i] === TK_WORD) || (qi && ci))) continue;
      usedQ[i] = 1;
      usedC[j] = 1;
      den += NAME_WEIGHTS.initialConflict * (1 + conflictW);
      if (explain) pairs.push({ query: q.tokens[i], candidate: c.tokens[j], similarity: 0, kind: 'conflict' });
      break;
    }
  }
  const missingInCandidate: string[] = explain ? [] : (NO_WORDS as string[]);
  const missingInQuery: string[] = explain ? [] : (NO_WORDS as string[]);
  for (let i = 0; i < nq; i++) {
    if (usedQ[i]) continue;
    den += q.weight[i] * NAME_WEIGHTS.missingInCandidate;
    if (explain) missingInCandidate.push(q.tokens[i]);
  }
  for (let j = 0; j < nc; j++) {
    if (usedC[j]) continue;
    den += c.weight[j] * NAME_WEIGHTS.missingInQuery;
    if (explain) missingInQuery.push(c.tokens[j]);
  }
  // Legal forms: the same class agrees, different classes disagree, one side silent says nothing.
  if (query.legal.length && cand.legal.length) {
    let shared = false;
    for (const l of query.legal) if (cand.legal.includes(l)) shared = true;
    num += shared ? NAME_WEIGHTS.legal : 0;
    den += NAME_WEIGHTS.legal * (shared ? 1 : 1 + conflictW);
    if (explain) pairs.push({ query: query.legal.join('+'), candidate: cand.legal.join('+'), similarity: shared ? 1 : 0, kind: 'legal' });
  }
  let score = den > 0 ? num / den : 0;
  // Names written as one word on one side ("SiemensAG", "VladimirPutin") or identical once spaces go.
  const nqa = query.tokens.length;
  const nca = cand.tokens.length;
  const oneWord = (nqa === 1 || nca === 1) && nqa + nca > 2;
  if (query.compact && cand.compact && (query.compact === cand.compact || oneWord)) {
    const compactSim = query.compact === cand.compact ? 1 : agreement(stringSimilarity(query.compact, cand.compact));
    if (compactSim > score) {
      score = compactSim;
      if (explain) {
        pairs.length = 0;
        pairs.push({ query: query.compact, candidate: cand.compact, similarity: compactSim, kind: 'merged' });
        missingInCandidate.length = 0;
        missingInQuery.length = 0;
      }
    }
  }
  return { score, pairs, missingInCandidate, missingInQuery };
}

/** Analyse and prepare a raw name with uniform rarity (no index statistics). */
export function prepareRaw(raw: string, schema: Parameters<typeof analyzeName>[1], rarity?: (token: string) => number): PreparedName {
  const a = analyzeName(raw, schema);
  return prepareName(a, rarity ? a.tokens.map(rarity) : undefined);
}
