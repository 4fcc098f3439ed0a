import { analyzeName, TK_INITIAL, TK_NUMBER, TK_PARTICLE, TK_STOP, TK_WORD, type AnalyzedName } from '../normalize/name.ts';
import { foldWords } from '../normalize/text.ts';
import { equivalence, stringSimilarity, tokenSimilarity } from './similarity.ts';

/**
 * Name-to-name scoring: the best one-to-one pairing of tokens, weighted by token kind and rarity,
 * with unpaired tokens costing according to which side they are missing from.
 */

export interface PreparedName extends AnalyzedName {
  /** Rarity factor per token (1 = ordinary); the index fills it from its document frequencies. */
  rarity: number[];
  /** All folded words joined, legal forms included: catches "SiemensAG" = "Siemens AG". */
  compact: string;
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

export function prepareName(a: AnalyzedName, compactWords: string, rarity?: number[]): PreparedName {
  return { ...a, rarity: rarity ?? a.tokens.map(() => 1), compact: compactWords };
}

/** Words of one side after optional joins; `span` keeps how many original words each covers. */
interface Side {
  tokens: string[];
  kinds: number[];
  abjad: boolean[];
  weight: number[];
  merged: boolean[];
}

function side(n: PreparedName): Side {
  return {
    tokens: n.tokens,
    kinds: n.kinds,
    abjad: n.abjad,
    weight: n.tokens.map((_, i) => baseWeight(n.kinds[i]) * n.rarity[i]),
    merged: n.tokens.map(() => false),
  };
}

type SimFn = (q: string, c: string, qAbjad: boolean, cAbjad: boolean) => number;

function compatible(kq: number, kc: number): boolean {
  if (kq === TK_NUMBER || kc === TK_NUMBER) return kq === kc;
  if (kq === TK_PARTICLE || kc === TK_PARTICLE) return kq === kc;
  return true;
}

function pairSim(s: SimFn, q: Side, i: number, c: Side, j: number): { sim: number; kind: PairKind } {
  const kq = q.kinds[i];
  const kc = c.kinds[j];
  const a = q.tokens[i];
  const b = c.tokens[j];
  if (!compatible(kq, kc)) return { sim: 0, kind: 'conflict' };
  if (a === b) return { sim: 1, kind: 'exact' };
  if (kq === TK_NUMBER) return { sim: 0, kind: 'conflict' };
  if (kq === TK_INITIAL || kc === TK_INITIAL) {
    if (a[0] === b[0]) return { sim: kq === kc ? 1 : 0.9, kind: 'initial' };
    return { sim: 0, kind: 'conflict' };
  }
  if (kq === TK_PARTICLE) return equivalence(a, b) > 0 ? { sim: 1, kind: 'variant' } : { sim: 0, kind: 'conflict' };
  const sim = s(a, b, q.abjad[i], c.abjad[j]);
  const eq = sim >= 0.9 && equivalence(a, b) >= sim;
  return { sim, kind: eq ? 'variant' : 'fuzzy' };
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
        let joined = '';
        let ok = true;
        for (let k = i; k < i + span; k++) {
          if (out.kinds[k] === TK_NUMBER || out.merged[k]) ok = false;
          joined += out.tokens[k];
        }
        if (!ok || Math.abs(joined.length - target.length) > 3) continue;
        const sim = s(joined, target, false, y.abjad[j]);
        if (sim < NAME_WEIGHTS.mergeMin) continue;
        let partBest = 0;
        for (let k = i; k < i + span; k++) partBest = Math.max(partBest, s(out.tokens[k], target, out.abjad[k], y.abjad[j]));
        if (sim > partBest + 0.05 && (!best || sim > best.sim)) best = { i, span, sim };
      }
    }
    if (best) {
      const { i, span } = best;
      const joined = out.tokens.slice(i, i + span).join('');
      const w = Math.max(...out.weight.slice(i, i + span).filter((_, k) => out.kinds[i + k] !== TK_PARTICLE), NAME_WEIGHTS.word);
      out = {
        tokens: [...out.tokens.slice(0, i), joined, ...out.tokens.slice(i + span)],
        kinds: [...out.kinds.slice(0, i), TK_WORD, ...out.kinds.slice(i + span)],
        abjad: [...out.abjad.slice(0, i), false, ...out.abjad.slice(i + span)],
        weight: [...out.weight.slice(0, i), w, ...out.weight.slice(i + span)],
        merged: [...out.merged.slice(0, i), true, ...out.merged.slice(i + span)],
      };
    }
  }
  return out;
}

/** "JC" against "Jean Claude": the letters are the initials of adjacent words. */
function applyInitialRuns(x: Side, y: Side): Side {
  let out = y;
  // A name made only of initials ("N.N.") identifies nobody.
  if (x.tokens.length < 2) return out;
  for (let i = 0; i < x.tokens.length; i++) {
    const t = x.tokens[i];
    if (x.kinds[i] !== TK_WORD || t.length < 2 || t.length > 3 || /[aeiou]/.test(t)) continue;
    for (let j = 0; j + t.length <= out.tokens.length; j++) {
      let ok = true;
      for (let k = 0; k < t.length; k++) if (out.kinds[j + k] !== TK_WORD || out.tokens[j + k][0] !== t[k]) ok = false;
      if (!ok) continue;
      const span = t.length;
      out = {
        tokens: [...out.tokens.slice(0, j), t, ...out.tokens.slice(j + span)],
        kinds: [...out.kinds.slice(0, j), TK_WORD, ...out.kinds.slice(j + span)],
        abjad: [...out.abjad.slice(0, j), false, ...out.abjad.slice(j + span)],
        weight: [...out.weight.slice(0, j), NAME_WEIGHTS.initial * span, ...out.weight.slice(j + span)],
        merged: [...out.merged.slice(0, j), true, ...out.merged.slice(j + span)],
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

export function scoreNames(query: PreparedName, cand: PreparedName, simFn: SimFn = defaultSim): NameScore {
  let q = side(query);
  let c = side(cand);
  q = applyMerges(simFn, q, c);
  c = applyMerges(simFn, c, q);
  c = applyInitialRuns(q, c);
  q = applyInitialRuns(c, q);

  const nq = q.tokens.length;
  const nc = c.tokens.length;
  const cells: Array<{ i: number; j: number; sim: number; kind: PairKind }> = [];
  for (let i = 0; i < nq; i++) {
    for (let j = 0; j < nc; j++) {
      const p = pairSim(simFn, q, i, c, j);
      if (p.sim > 0) cells.push({ i, j, sim: p.sim, kind: q.merged[i] || c.merged[j] ? 'merged' : p.kind });
    }
  }
  // Greedy best-first pairing; ties prefer pairs in the same position (keeps "Kim Jong Un" aligned).
  cells.sort((a, b) => b.sim - a.sim || Math.abs(a.i - a.j) - Math.abs(b.i - b.j));
  const usedQ = new Uint8Array(nq);
  const usedC = new Uint8Array(nc);
  const pairs: TokenPair[] = [];
  let num = 0;
  let den = 0;
  const isInitial = (s: Side, k: number) => s.kinds[k] === TK_INITIAL;
  const take = (i: number, j: number, sim: number, kind: PairKind, w: number) => {
    usedQ[i] = 1;
    usedC[j] = 1;
    const agree = agreement(sim);
    num += w * agree;
    den += w * (1 + NAME_WEIGHTS.conflict * (1 - agree));
    pairs.push({ query: q.tokens[i], candidate: c.tokens[j], similarity: sim, kind });
  };
  // 1. Words with words. A weak pairing (< 0.5) is a contradiction, handled in step 2.
  for (const cell of cells) {
    if (usedQ[cell.i] || usedC[cell.j] || cell.sim < 0.5) continue;
    if (isInitial(q, cell.i) || isInitial(c, cell.j)) continue;
    take(cell.i, cell.j, cell.sim, cell.kind, Math.max(q.weight[cell.i], c.weight[cell.j]));
  }
  // 2. Words left on both sides contradict each other (Sergey vs Yevgeny Prigozhin). This comes
  //    before initials so that "P." cannot explain away a surname that differs (Putin vs Kononov).
  const leftover = (s: Side, used: Uint8Array) => {
    const out: number[] = [];
    for (let k = 0; k < s.tokens.length; k++) if (!used[k] && (s.kinds[k] === TK_WORD || s.kinds[k] === TK_NUMBER)) out.push(k);
    return out.sort((a, b) => s.weight[b] - s.weight[a]);
  };
  const leftQ = leftover(q, usedQ);
  const leftC = leftover(c, usedC);
  const conflicts = Math.min(leftQ.length, leftC.length);
  for (let k = 0; k < conflicts; k++) {
    const i = leftQ[k];
    const j = leftC[k];
    take(i, j, pairSim(simFn, q, i, c, j).sim, 'conflict', Math.max(q.weight[i], c.weight[j]));
  }
  // 3. Initials against what is left: "V." for Vladimir agrees, "O." against Joachim contradicts.
  for (const cell of cells) {
    if (usedQ[cell.i] || usedC[cell.j]) continue;
    if (!isInitial(q, cell.i) && !isInitial(c, cell.j)) continue;
    take(cell.i, cell.j, cell.sim, cell.kind, NAME_WEIGHTS.initial);
  }
  for (let i = 0; i < nq; i++) {
    if (usedQ[i] || !isInitial(q, i)) continue;
    for (let j = 0; j < nc; j++) {
      if (usedC[j] || c.kinds[j] !== TK_WORD) continue;
      take(i, j, 0, 'conflict', NAME_WEIGHTS.initialConflict);
      break;
    }
  }
  for (let j = 0; j < nc; j++) {
    if (usedC[j] || !isInitial(c, j)) continue;
    for (let i = 0; i < nq; i++) {
      if (usedQ[i] || q.kinds[i] !== TK_WORD) continue;
      take(i, j, 0, 'conflict', NAME_WEIGHTS.initialConflict);
      break;
    }
  }
  const missingInCandidate: string[] = [];
  const missingInQuery: string[] = [];
  for (let i = 0; i < nq; i++) {
    if (usedQ[i]) continue;
    den += q.weight[i] * NAME_WEIGHTS.missingInCandidate;
    missingInCandidate.push(q.tokens[i]);
  }
  for (let j = 0; j < nc; j++) {
    if (usedC[j]) continue;
    den += c.weight[j] * NAME_WEIGHTS.missingInQuery;
    missingInQuery.push(c.tokens[j]);
  }
  // Legal forms: the same class agrees, different classes disagree, one side silent says nothing.
  if (query.legal.length && cand.legal.length) {
    const shared = query.legal.some((l) => cand.legal.includes(l));
    num += shared ? NAME_WEIGHTS.legal : 0;
    den += NAME_WEIGHTS.legal * (shared ? 1 : 1 + NAME_WEIGHTS.conflict);
    pairs.push({ query: query.legal.join('+'), candidate: cand.legal.join('+'), similarity: shared ? 1 : 0, kind: 'legal' });
  }
  let score = den > 0 ? num / den : 0;
  // Names written as one word on one side ("SiemensAG", "VladimirPutin") or identical once spaces go.
  const oneWord = Math.min(query.tokens.length, cand.tokens.length) === 1 && Math.max(query.tokens.length, cand.tokens.length) > 1;
  if (query.compact && cand.compact && (query.compact === cand.compact || oneWord)) {
    const compactSim = query.compact === cand.compact ? 1 : agreement(stringSimilarity(query.compact, cand.compact));
    if (compactSim > score) {
      score = compactSim;
      pairs.length = 0;
      pairs.push({ query: query.compact, candidate: cand.compact, similarity: compactSim, kind: 'merged' });
      missingInCandidate.length = 0;
      missingInQuery.length = 0;
    }
  }
  return { score, pairs, missingInCandidate, missingInQuery };
}

/** Analyse and prepare a raw name with uniform rarity (no index statistics). */
export function prepareRaw(raw: string, schema: Parameters<typeof analyzeName>[1], rarity?: (token: string) => number): PreparedName {
  const a = analyzeName(raw, schema);
  return prepareName(a, compactOf(raw), rarity ? a.tokens.map(rarity) : undefined);
}

export function compactOf(raw: string): string {
  return foldWords(raw)
    .map((w) => w.text)
    .join('');
}
