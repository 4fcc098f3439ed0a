import type { Crypto } from './crypto.ts';

/** Lower-case ASCII tokens of a name: "Müller-Lüdenscheidt, José" → ["muller", "ludenscheidt", "jose"]. */
export function nameTokens(value: string | null | undefined): string[] {
  if (!value) return [];
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length >= 2);
}

export function documentNumberKey(value: string): string {
  return value.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/**
 * Blind-index terms stored on an applicant: names and document numbers can be searched by equality
 * without keeping them in clear.
 */
export function indexTerms(crypto: Crypto, input: { names?: (string | null | undefined)[]; documentNumbers?: (string | null | undefined)[] }): string[] {
  const out = new Set<string>();
  for (const n of input.names ?? []) for (const t of nameTokens(n)) out.add(crypto.blindIndex(`name:${t}`));
  for (const d of input.documentNumbers ?? []) if (d && documentNumberKey(d).length >= 4) out.add(crypto.blindIndex(`doc:${documentNumberKey(d)}`));
  return [...out];
}

/** The blind-index terms a search string can match (every name token must match; or a document number). */
export function queryTerms(crypto: Crypto, q: string): { allNames: string[]; documentNumber: string | null } {
  const dn = documentNumberKey(q);
  return {
    allNames: nameTokens(q).map((t) => crypto.blindIndex(`name:${t}`)),
    documentNumber: dn.length >= 4 ? crypto.blindIndex(`doc:${dn}`) : null,
  };
}
