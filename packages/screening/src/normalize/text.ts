import anyAscii from 'any-ascii';

/**
 * Text folding for names: any script to lower-case ASCII words.
 *
 * - Cyrillic follows ICAO Doc 9303 part 3 (the table machine-readable passports use), because
 *   applicants' passports carry that spelling: Аркадий -> arkadii, Юрий -> iurii.
 * - Han and Hangul are romanised one syllable per character (any-ascii) and grouped the way names
 *   are written in Latin script: family syllable, then the given-name syllables joined (习近平 -> xi jinping).
 * - Abjads (Arabic, Hebrew, Syriac, Thaana) lose most vowels in any romanisation, so their words are
 *   flagged and later compared by consonant skeleton.
 * - Everything else: NFKD, combining marks removed, then any-ascii for what is left (ß, æ, ø, ł, Greek,
 *   Armenian, Georgian, Ethiopic, Indic and South-East Asian scripts).
 */

const ICAO_CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', ґ: 'g', д: 'd', ђ: 'd', ѓ: 'g', е: 'e', ё: 'e', є: 'ie', ж: 'zh',
  з: 'z', ѕ: 'dz', и: 'i', і: 'i', ї: 'i', й: 'i', ј: 'j', к: 'k', ќ: 'k', л: 'l', љ: 'lj', м: 'm',
  н: 'n', њ: 'nj', о: 'o', п: 'p', р: 'r', с: 's', т: 't', ћ: 'c', у: 'u', ў: 'u', ф: 'f', х: 'kh',
  ц: 'ts', ч: 'ch', џ: 'dz', ш: 'sh', щ: 'shch', ъ: 'ie', ы: 'y', ь: '', э: 'e', ю: 'iu', я: 'ia',
  ә: 'a', ғ: 'g', қ: 'k', ң: 'n', ө: 'o', ұ: 'u', ү: 'u', һ: 'h',
};

/** Ukrainian differs from Russian in ICAO 9303 for two letters; its own letters give it away. */
const ICAO_UKRAINIAN: Record<string, string> = { г: 'h', и: 'y' };
const RE_UKRAINIAN = /[іїєґІЇЄҐ]/;

export interface FoldedWord {
  text: string;
  /** Romanised from an abjad: compare by consonant skeleton. */
  abjad: boolean;
}

const RE_CYRILLIC = /\p{Script=Cyrillic}/u;
const RE_HAN = /[\p{Script=Han}\p{Script=Hangul}]/u;
const RE_ABJAD = /[\p{Script=Arabic}\p{Script=Hebrew}\p{Script=Syriac}\p{Script=Thaana}]/u;
const RE_NON_ASCII = /[^\x00-\x7f]/;
const RE_MARKS = /\p{M}+/gu;

type Segment = { kind: 'plain' | 'han' | 'abjad'; text: string };

function segment(input: string): Segment[] {
  const out: Segment[] = [];
  const ukrainian = RE_UKRAINIAN.test(input);
  let cur: Segment | undefined;
  for (const ch of input) {
    let kind: Segment['kind'] = 'plain';
    let text = ch;
    if (RE_HAN.test(ch)) kind = 'han';
    else if (RE_ABJAD.test(ch)) kind = 'abjad';
    else if (RE_CYRILLIC.test(ch)) {
      const lower = ch.toLowerCase();
      const mapped = (ukrainian ? ICAO_UKRAINIAN[lower] : undefined) ?? ICAO_CYRILLIC[lower];
      text = mapped ?? lower;
    } else if (/\p{M}/u.test(ch) && cur && cur.kind !== 'plain') {
      // Marks (harakat, niqqud) belong to the abjad segment they follow.
      kind = cur.kind;
    }
    if (cur && cur.kind === kind) cur.text += text;
    else {
      cur = { kind, text };
      out.push(cur);
    }
  }
  return out;
}

function romaniseHan(run: string, foreign: boolean): string {
  const syllables = [...run].map((c) => anyAscii(c).toLowerCase()).filter(Boolean);
  // Foreign names written in Han are split by an interpunct ("贝拉克·奥巴马"): each part is one word.
  if (foreign) return ` ${syllables.join('')} `;
  // A 2-4 character run is almost always a personal name: family name + given name.
  if (syllables.length >= 2 && syllables.length <= 4) return ` ${syllables[0]} ${syllables.slice(1).join('')} `;
  return ` ${syllables.join(' ')} `;
}

const RE_QUOTES_SINGLE = /['`´ʹʻʼʽʾʿˈ‘’‚‛′]/g;
const RE_QUOTES_DOUBLE = /["“”„‟«»‹›″]/g;
// "a.b.c." / "l.x.c" -> "abc" / "lxc": dotted abbreviations are one word, a lone "a." stays an initial.
const RE_DOTTED = /\b[a-z](?:\.[a-z])+\b\.?/g;
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '9': 'g', '8': 'b', '6': 'g' };

/** Undo digit-for-letter swaps ("Ig0r", "Sech1n") in words that are mostly letters. */
function unLeet(word: string): string {
  if (!/\d/.test(word) || !/[a-z]/.test(word)) return word;
  const letters = word.replace(/[^a-z]/g, '').length;
  if (letters < 2 || letters / word.length < 0.6 || /^\d+(st|nd|rd|th|s)$/.test(word)) return word;
  return word.replace(/\d/g, (d) => LEET[d] ?? d);
}

/** Fold a name to lower-case ASCII words. Punctuation separates words; apostrophes are dropped. */
export function foldWords(input: string): FoldedWord[] {
  // Plain ASCII (most names) is already NFKC and NFKD and has no other script: one plain segment,
  // without the per-character script tests.
  const ascii = !RE_NON_ASCII.test(input);
  const nfkc = ascii ? input : input.normalize('NFKC');
  const foreignHan = !ascii && /[\u00b7\u2027\u30fb\uff65]/.test(nfkc);
  const words: FoldedWord[] = [];
  for (const seg of ascii ? [{ kind: 'plain' as const, text: input }] : segment(nfkc)) {
    let text: string;
    if (seg.kind === 'han') text = romaniseHan(seg.text, foreignHan);
    else if (seg.kind === 'abjad') text = anyAscii(seg.text);
    else if (ascii) text = seg.text;
    else {
      text = seg.text.normalize('NFKD').replace(RE_MARKS, '');
      if (RE_NON_ASCII.test(text)) text = anyAscii(text);
    }
    text = text
      .toLowerCase()
      .replace(RE_QUOTES_SINGLE, '')
      .replace(RE_QUOTES_DOUBLE, ' ')
      .replace(RE_DOTTED, (m) => m.replace(/\./g, ''))
      .replace(/&/g, ' and ')
      .replace(/[^a-z0-9]+/g, ' ');
    for (const w of text.split(' ')) {
      if (w) words.push({ text: unLeet(w), abjad: seg.kind === 'abjad' });
    }
  }
  return words;
}

/** Lower-case ASCII, single-spaced: for countries, identifiers' labels and other non-name text. */
export function foldPlain(input: string): string {
  return foldWords(input)
    .map((w) => w.text)
    .join(' ');
}

/** Identifier values compare without case, spaces or punctuation ("OB 0243318" = "ob-0243318"). */
export function foldIdentifier(value: string): string {
  return value
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]/gu, '');
}
