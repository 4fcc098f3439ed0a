import { shippedData } from '../data.ts';
import { jaroWinkler, osaDistance } from './jaro.ts';

/** Similarity given to spellings of one name in the shipped variant classes (Mohammed/Muhammad). */
export const SIM_VARIANT = 0.95;
/** Similarity given to a nickname and its formal name (Bill/William). */
export const SIM_NICKNAME = 0.9;

function shareClass(map: Map<string, number[]>, a: string, b: string): boolean {
  const ca = map.get(a);
  if (!ca) return false;
  const cb = map.get(b);
  if (!cb) return false;
  for (const x of ca) if (cb.includes(x)) return true;
  return false;
}

/** Equivalence by shipped data: SIM_VARIANT, SIM_NICKNAME or 0. */
export function equivalence(a: string, b: string): number {
  const data = shippedData();
  if (shareClass(data.variantClasses, a, b)) return SIM_VARIANT;
  if (shareClass(data.nicknameClasses, a, b)) return SIM_NICKNAME;
  return 0;
}

/**
 * Consonant skeleton for comparing a word romanised from an abjad with a Latin spelling:
 * vowels and the semivowels that abjads write as matres lectionis are dropped, doubled letters
 * collapse, and letters that transliterations swap are merged.
 */
export function skeleton(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    let c = s[i];
    if ('aeiouyw'.includes(c)) continue;
    if (c === 'q' || c === 'c') c = 'k';
    else if (c === 'v') c = 'b';
    else if (c === 'p') c = 'b';
    if (out.length && out[out.length - 1] === c) continue;
    out += c;
  }
  return out;
}

/**
 * Edit-aware string similarity for two words. Jaro-Winkler alone is generous to words that share a
 * prefix ("Lindenberg" / "Lindemann" = 0.88); the edit term caps it by the share of the word that
 * had to change, so one typo in a long word keeps a high score and three in a short word do not.
 */
export function stringSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const jw = jaroWinkler(a, b);
  if (jw < 0.6) return jw * 0.8;
  const len = Math.max(a.length, b.length);
  // Beyond 6 edits the exact count does not matter; the length difference still bounds it.
  const d = Math.max(osaDistance(a, b, 6), Math.abs(a.length - b.length));
  const edit = 1 - d / (len + 2);
  let sim = Math.min(jw, edit);
  // Transliteration changes first letters (Usama/Osama, Gaddafi/Qadhafi, Wolodymyr/Volodymyr); a
  // changed first letter only costs when the rest does not carry the match.
  const swapped = a.length > 1 && b.length > 1 && a[0] === b[1] && a[1] === b[0];
  if (a.charCodeAt(0) !== b.charCodeAt(0) && !swapped) sim -= 0.03;
  return sim < 0 ? 0 : sim;
}

/** Similarity of two name tokens in [0, 1], with shipped equivalences and abjad skeletons. */
export function tokenSimilarity(a: string, b: string, aAbjad = false, bAbjad = false): number {
  if (a === b) return 1;
  const eq = equivalence(a, b);
  let sim = stringSimilarity(a, b);
  if (eq > sim) sim = eq;
  if (aAbjad !== bAbjad) {
    const sa = aAbjad ? skeleton(a) : skeleton(b);
    const sb = aAbjad ? skeleton(b) : skeleton(a);
    if (sa.length && sb.length) {
      const s = sa === sb ? 0.92 : stringSimilarity(sa, sb) * 0.9;
      if (s > sim) sim = s;
    }
  }
  return sim;
}
