/**
 * Name handling across the visual zone, the MRZ and applicant-provided data: ICAO 9303 part 3
 * transliteration (several spellings may be right), normalisation and fuzzy comparison.
 */

/** Latin characters whose ICAO transliteration has two accepted forms: the first is the recommended one. */
const MULTI: Record<string, string[]> = {
  Ä: ['AE', 'A'],
  Ö: ['OE', 'O'],
  Ü: ['UE', 'U'],
  Å: ['AA', 'A'],
  Æ: ['AE'],
  Ø: ['OE'],
  Œ: ['OE'],
  ß: ['SS'],
  ẞ: ['SS'],
  Þ: ['TH'],
  Ð: ['D'],
  Đ: ['D'],
  Ĳ: ['IJ'],
  Ł: ['L'],
  Ħ: ['H'],
  ı: ['I'],
};

/** ICAO 9303 part 3 table for Cyrillic (Russian, Ukrainian, Belarusian, Bulgarian, Serbian, Macedonian). */
const CYRILLIC: Record<string, string> = {
  А: 'A', Б: 'B', В: 'V', Г: 'G', Ґ: 'G', Д: 'D', Ђ: 'D', Ѓ: 'G', Е: 'E', Ё: 'E', Є: 'IE', Ж: 'ZH', З: 'Z', Ѕ: 'DZ',
  И: 'I', І: 'I', Ї: 'I', Й: 'I', Ј: 'J', К: 'K', Л: 'L', Љ: 'LJ', М: 'M', Н: 'N', Њ: 'NJ', О: 'O', П: 'P', Р: 'R',
  С: 'S', Т: 'T', Ћ: 'C', Ќ: 'K', У: 'U', Ў: 'U', Ф: 'F', Х: 'KH', Ц: 'TS', Ч: 'CH', Џ: 'DZ', Ш: 'SH', Щ: 'SHCH',
  Ъ: 'IE', Ы: 'Y', Ь: '', Э: 'E', Ю: 'IU', Я: 'IA',
};

function baseLetter(ch: string): string {
  return ch.normalize('NFD').replace(/\p{M}/gu, '');
}

/** Upper-cases and maps separators: hyphens and spaces become spaces, apostrophes disappear (as in the MRZ). */
function prepare(name: string): string {
  return name
    .normalize('NFC')
    .toUpperCase()
    .replace(/[’'`´‘]/g, '')
    .replace(/[\s\-‐–,.<]+/g, ' ')
    .trim();
}

/**
 * Every MRZ spelling ICAO allows for a name (Ü → UE or U, Ø → OE, Ж → ZH, …), recommended first.
 * Capped so pathological input cannot explode.
 */
export function transliterations(name: string, cap = 16): string[] {
  let out = [''];
  for (const ch of prepare(name)) {
    let options: string[];
    if (MULTI[ch]) options = MULTI[ch];
    else if (CYRILLIC[ch] !== undefined) options = [CYRILLIC[ch]];
    else if (/[A-Z0-9 ]/.test(ch)) options = [ch];
    else {
      const b = baseLetter(ch);
      options = [/^[A-Z]$/.test(b) ? b : ''];
    }
    const next: string[] = [];
    for (const prefix of out) for (const o of options) if (next.length < cap) next.push(prefix + o);
    out = next;
  }
  return [...new Set(out.map((s) => s.replace(/ +/g, ' ').trim()))];
}

/** The recommended MRZ spelling of a name. */
export function toMrzName(name: string): string {
  return transliterations(name, 1)[0] ?? '';
}

/** Levenshtein distance, two rows. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  let cur = new Array<number>(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length];
}

export function similarity(a: string, b: string): number {
  const n = Math.max(a.length, b.length);
  return n === 0 ? 1 : 1 - editDistance(a, b) / n;
}

export interface NameComparison {
  /** 0..1; 1 = identical after transliteration. */
  score: number;
  match: boolean;
  /** How the best pairing was reached: exact, transliteration, truncation, token order or fuzzy. */
  method: 'exact' | 'transliteration' | 'truncated' | 'reordered' | 'fuzzy' | 'none';
}

/**
 * Compares a name as written (visual zone, applicant input) with another (MRZ or extracted), accepting
 * ICAO transliteration, MRZ truncation and word order changes; small OCR or typing slips score just
 * below 1 and still match at the default threshold.
 */
export function compareNames(written: string, reference: string, opts: { threshold?: number; referenceTruncated?: boolean } = {}): NameComparison {
  const threshold = opts.threshold ?? 0.85;
  const refs = transliterations(reference);
  const cands = transliterations(written);
  if (!refs.length || !cands.length || !refs[0] || !cands[0]) return { score: 0, match: false, method: 'none' };
  const plain = prepare(written) === prepare(reference);
  if (plain) return { score: 1, match: true, method: 'exact' };
  let best: NameComparison = { score: 0, match: false, method: 'none' };
  const consider = (score: number, method: NameComparison['method']): void => {
    if (score > best.score) best = { score, match: score >= threshold, method };
  };
  for (const c of cands) {
    for (const r of refs) {
      if (c === r) consider(1, 'transliteration');
      const cs = c.replace(/ /g, '');
      const rs = r.replace(/ /g, '');
      if (opts.referenceTruncated && rs.length >= 4 && cs.startsWith(rs)) consider(0.99, 'truncated');
      const sortTokens = (s: string): string => s.split(' ').sort().join(' ');
      if (sortTokens(c) === sortTokens(r)) consider(0.97, 'reordered');
      consider(similarity(cs, rs) * 0.98, 'fuzzy');
    }
  }
  return best;
}
