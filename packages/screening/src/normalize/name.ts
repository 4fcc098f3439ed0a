import { shippedData } from '../data.ts';
import type { Schema } from '../types.ts';
import { foldWords } from './text.ts';

/** Token kinds: what a token is decides its weight and how it may be matched. */
export const TK_WORD = 0;
export const TK_INITIAL = 1;
export const TK_PARTICLE = 2;
export const TK_STOP = 3;
export const TK_NUMBER = 4;

export type NameRules = 'person' | 'org' | 'any';

const NO_ABJAD: boolean[] = [];
const NO_PREFIXES: string[][] = [];

export interface AnalyzedName {
  tokens: string[];
  kinds: number[];
  abjad: boolean[];
  /** Legal-form classes found in the name (organisations); they are compared apart from the tokens. */
  legal: string[];
  rules: NameRules;
  /** All folded words joined (legal forms included), in reading order: "SiemensAG" = "Siemens AG". */
  compact: string;
}

export function rulesFor(schema: Schema | 'any' | undefined): NameRules {
  if (schema === 'person') return 'person';
  if (schema === 'organization' || schema === 'vessel' || schema === 'aircraft') return 'org';
  return 'any';
}

const UNITS: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  first: 1, second: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, seventh: 7, eighth: 8, ninth: 9, tenth: 10,
  eleventh: 11, twelfth: 12,
};
const TENS: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const RE_ROMAN = /^(?=[ivxl]+$)(xl|l?x{0,3})(ix|iv|v?i{0,3})$/;
const ROMAN_VALUE: Record<string, number> = { i: 1, v: 5, x: 10, l: 50 };

function romanToInt(s: string): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    const v = ROMAN_VALUE[s[i]];
    const next = ROMAN_VALUE[s[i + 1]] ?? 0;
    total += v < next ? -v : v;
  }
  return total;
}

/** Numbers in organisation and vessel names: digits, ordinals, number words and roman numerals. */
function numberValues(words: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const ord = /^(\d+)(st|nd|rd|th)$/.exec(w);
    if (ord) {
      out.push(String(Number(ord[1])));
      continue;
    }
    if (w in TENS) {
      const next = words[i + 1];
      const unit = next === undefined ? undefined : next in UNITS ? UNITS[next] : /^\d$/.test(next) ? Number(next) : undefined;
      if (unit !== undefined && unit > 0 && unit < 10) {
        out.push(String(TENS[w] + unit));
        i++;
      } else out.push(String(TENS[w]));
      continue;
    }
    if (w in UNITS) {
      out.push(String(UNITS[w]));
      continue;
    }
    if (w.length <= 5 && RE_ROMAN.test(w)) {
      out.push(String(romanToInt(w)));
      continue;
    }
    out.push(w);
  }
  return out;
}

/** Split "SURNAME, Given" into "Given SURNAME"; leave "Apple, Inc." alone. */
function reorderComma(raw: string, rules: NameRules): string {
  const parts = raw.split(',');
  if (parts.length !== 2 || rules === 'org') return raw;
  const [head, tail] = parts;
  const tailWords = foldWords(tail).map((w) => w.text);
  const headWords = foldWords(head).map((w) => w.text);
  if (!tailWords.length || !headWords.length || tailWords.length > 5 || headWords.length > 4) return raw;
  const data = shippedData();
  // If what follows the comma is only a legal form or suffix, it is not a given name.
  if (matchLegal(tailWords, 0, data.legalForms) === tailWords.length) return raw;
  if (tailWords.every((w) => data.honorificSuffixes.has(w))) return raw;
  return `${tail} ${head}`;
}

type LegalForm = { tokens: string[]; cls: string };

/**
 * Entries of a list of word sequences grouped by first word, in list order: the first sequence
 * matching at a position is found among the few that start with that word, without scanning them
 * all for every word of every name.
 */
const byFirstWord = new WeakMap<object, Map<string, unknown[]>>();

function groupByFirst<T>(list: T[], first: (x: T) => string): Map<string, T[]> {
  let map = byFirstWord.get(list) as Map<string, T[]> | undefined;
  if (!map) {
    map = new Map();
    for (const x of list) {
      const k = first(x);
      const l = map.get(k);
      if (l) l.push(x);
      else map.set(k, [x]);
    }
    byFirstWord.set(list, map as Map<string, unknown[]>);
  }
  return map;
}

function startsWith(words: string[], at: number, seq: string[]): boolean {
  if (seq.length > words.length - at) return false;
  for (let k = 0; k < seq.length; k++) if (words[at + k] !== seq[k]) return false;
  return true;
}

/** The first legal form (longest first) spelled at `at`, if any. */
function legalAt(words: string[], at: number, forms: LegalForm[]): LegalForm | undefined {
  const candidates = groupByFirst(forms, (f) => f.tokens[0]).get(words[at]);
  if (candidates) for (const f of candidates) if (startsWith(words, at, f.tokens)) return f;
  return undefined;
}

function matchLegal(words: string[], at: number, forms: LegalForm[]): number {
  return legalAt(words, at, forms)?.tokens.length ?? 0;
}

const analysisCache = new Map<string, AnalyzedName>();
const CACHE_LIMIT = 10_000;

/**
 * Turn a name into matchable tokens under the rules of its schema. Results are cached per
 * (rules, name): list names repeat across aliases and queries repeat in batches.
 */
export function analyzeName(raw: string, schema: Schema | 'any' | undefined, cache = true): AnalyzedName {
  const rules = rulesFor(schema);
  if (!cache) return analyze(raw, rules);
  const key = `${rules}\u0000${raw}`;
  const hit = analysisCache.get(key);
  if (hit) return hit;
  const result = analyze(raw, rules);
  if (analysisCache.size >= CACHE_LIMIT) analysisCache.clear();
  analysisCache.set(key, result);
  return result;
}

function analyze(raw: string, rules: NameRules): AnalyzedName {
  const data = shippedData();
  const folded = foldWords(reorderComma(raw, rules));
  let words = folded.map((w) => w.text);
  const compact = words.join('');
  let abjad = folded.map((w) => w.abjad);

  const legal: string[] = [];
  if (rules !== 'person') {
    const keepWords: string[] = [];
    const keepAbjad: boolean[] = [];
    for (let i = 0; i < words.length; ) {
      // For queries of unknown type, only trust legal forms at the edges of the name: inside a
      // person's name "sa" or "as" are name parts.
      const edge = i === 0 || i >= words.length - 3;
      const form = rules === 'org' || edge ? legalAt(words, i, data.legalForms) : undefined;
      const n = form ? form.tokens.length : 0;
      if (n > 0 && n < words.length) {
        // The first form of this length spelled here, as matched (forms are longest first).
        const cls = form!.cls;
        if (!legal.includes(cls)) legal.push(cls);
        i += n;
        continue;
      }
      keepWords.push(words[i]);
      keepAbjad.push(abjad[i]);
      i++;
    }
    words = keepWords;
    abjad = keepAbjad;
  }

  if (rules !== 'org') {
    // Leading titles and trailing suffixes go, unless nothing else would be left.
    let start = 0;
    let progress = true;
    const prefixes = groupByFirst(data.honorificPrefixes, (p) => p[0]);
    while (progress && start < words.length) {
      progress = false;
      for (const p of prefixes.get(words[start]) ?? NO_PREFIXES) {
        if (p.length < words.length - start && startsWith(words, start, p)) {
          start += p.length;
          progress = true;
          break;
        }
      }
    }
    let end = words.length;
    while (end - 1 > start && data.honorificSuffixes.has(words[end - 1])) end--;
    words = words.slice(start, end);
    abjad = abjad.slice(start, end);
  }

  if (rules === 'org') {
    const abbr = data.orgAbbreviations;
    words = words.map((w) => abbr.get(w) ?? w);
    const before = words.length;
    words = numberValues(words);
    if (words.length !== before) abjad = words.map(() => false);
  }

  const kinds = words.map((w, i) => {
    if (/^\d+$/.test(w)) return TK_NUMBER;
    if (rules === 'org') return data.orgStopwords.has(w) ? TK_STOP : TK_WORD;
    if (w.length === 1 && !abjad[i]) return TK_INITIAL;
    if (data.particles.has(w)) return TK_PARTICLE;
    if (rules === 'any' && data.orgStopwords.has(w) && w.length > 1) return TK_STOP;
    return TK_WORD;
  });
  // Most names have no abjad word: share one empty array (reads of it give undefined = false).
  return { tokens: words, kinds, abjad: abjad.some(Boolean) ? abjad : NO_ABJAD, legal, rules, compact };
}
