import countries from 'i18n-iso-countries';

// ICAO 9303 codes that are not ISO 3166-1 alpha-3.
const ICAO: Record<string, string | null> = { D: 'DE', GBD: 'GB', GBN: 'GB', GBO: 'GB', GBP: 'GB', GBS: 'GB', RKS: 'XK', UNO: null, UNA: null, UNK: null, XXA: null, XXB: null, XXC: null, XXX: null, EUE: null, UTO: null };

/** ISO alpha-2 of a document's issuing state or nationality (ICAO code), or null when it has none. */
export function icaoToAlpha2(code: string | null | undefined): string | null {
  if (!code) return null;
  const c = code.toUpperCase().replace(/</g, '');
  if (c in ICAO) return ICAO[c];
  return countries.alpha3ToAlpha2(c) ?? null;
}
