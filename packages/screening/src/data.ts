import { readFileSync } from 'node:fs';

/**
 * Loads the equivalence and vocabulary files shipped in ../lexicon. They are read once per process
 * (and per worker thread) from disk, relative to this module, so they work under tsx, vitest and
 * in workers alike.
 */
const DATA_DIR = new URL('../lexicon/', import.meta.url);

function lines(file: string): string[] {
  return readFileSync(new URL(file, DATA_DIR), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'));
}

export interface ShippedData {
  honorificPrefixes: string[][];
  honorificSuffixes: Set<string>;
  particles: Set<string>;
  orgStopwords: Set<string>;
  /** legal form spelling (token array) -> class */
  legalForms: Array<{ tokens: string[]; cls: string }>;
  /** token -> ids of variant classes it belongs to */
  variantClasses: Map<string, number[]>;
  /** token -> ids of nickname classes it belongs to */
  nicknameClasses: Map<string, number[]>;
  countryAliases: Array<{ code: string; names: string[] }>;
  orgAbbreviations: Map<string, string>;
}

let cached: ShippedData | undefined;

function classes(file: string): Map<string, number[]> {
  const map = new Map<string, number[]>();
  lines(file).forEach((line, id) => {
    for (const raw of line.split('|')) {
      // Multi-word spellings ("tse tung") are looked up joined, as the scorer also tries joined tokens.
      const token = raw.trim().replace(/\s+/g, '');
      if (!token) continue;
      const list = map.get(token);
      if (!list) map.set(token, [id]);
      else if (!list.includes(id)) list.push(id);
    }
  });
  return map;
}

export function shippedData(): ShippedData {
  if (cached) return cached;
  const honorificPrefixes: string[][] = [];
  const honorificSuffixes = new Set<string>();
  for (const line of lines('honorifics.txt')) {
    const [pos, ...words] = line.split(/\s+/);
    if (pos === 'prefix') honorificPrefixes.push(words);
    else if (pos === 'suffix') honorificSuffixes.add(words.join(' '));
  }
  // Longest first so "his excellency" wins over "his".
  honorificPrefixes.sort((a, b) => b.length - a.length);
  const legalForms: ShippedData['legalForms'] = [];
  for (const line of lines('legal-forms.tsv')) {
    const [cls, spellings] = line.split('\t');
    for (const s of spellings.split('|')) {
      const tokens = s.trim().split(/\s+/).filter(Boolean);
      if (tokens.length) legalForms.push({ tokens, cls });
    }
  }
  legalForms.sort((a, b) => b.tokens.length - a.tokens.length);
  const countryAliases = lines('country-aliases.tsv').map((line) => {
    const [code, names] = line.split('\t');
    return { code, names: names.split('|').map((n) => n.trim()) };
  });
  cached = {
    honorificPrefixes,
    honorificSuffixes,
    particles: new Set(lines('particles.txt')),
    orgStopwords: new Set(lines('org-stopwords.txt')),
    legalForms,
    variantClasses: classes('name-variants.txt'),
    nicknameClasses: classes('nicknames.txt'),
    countryAliases,
    orgAbbreviations: new Map(
      lines('org-abbreviations.tsv').map((l) => {
        const [abbr, expansion] = l.split('\t');
        return [abbr.trim(), expansion.trim()] as [string, string];
      }),
    ),
  };
  return cached;
}
