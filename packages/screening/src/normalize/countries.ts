import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };
import { shippedData } from '../data.ts';
import { foldPlain } from './text.ts';

let table: Map<string, string> | undefined;

function lookupTable(): Map<string, string> {
  if (table) return table;
  countries.registerLocale(en);
  table = new Map();
  for (const [code, names] of Object.entries(countries.getNames('en', { select: 'all' }))) {
    for (const n of names) table.set(foldPlain(n), code);
    table.set(code.toLowerCase(), code);
    const a3 = countries.alpha2ToAlpha3(code);
    if (a3) table.set(a3.toLowerCase(), code);
  }
  for (const { code, names } of shippedData().countryAliases) for (const n of names) table.set(n, code);
  return table;
}

/**
 * Resolve a country as publishers write it ("Russian Federation", "Iran (Islamic Republic of)",
 * "ru", "RUS", "Iranian") to ISO 3166-1 alpha-2; undefined when unknown.
 */
export function resolveCountry(text: string | undefined | null): string | undefined {
  if (!text) return undefined;
  const t = lookupTable();
  const folded = foldPlain(text);
  if (!folded) return undefined;
  const direct = t.get(folded) ?? t.get(folded.replace(/^the /, ''));
  if (direct) return direct;
  // "Iran (Islamic Republic of)" -> "iran islamic republic of"; "Syria (as of 2019)" -> "syria"
  const head = foldPlain(text.replace(/\(.*?\)/g, ' '));
  return t.get(head) ?? t.get(head.replace(/^the /, ''));
}

/** Countries mentioned in free text such as "1) Saudi Arabia 2) Qatar". */
export function resolveCountries(text: string | undefined | null): string[] {
  if (!text) return [];
  const whole = resolveCountry(text);
  if (whole) return [whole];
  const out: string[] = [];
  for (const part of text.split(/\d\)|[;,/]| and /)) {
    const c = resolveCountry(part);
    if (c && !out.includes(c)) out.push(c);
  }
  return out;
}
