import { resolveCountry } from '../normalize/countries.ts';
import { analyzeName } from '../normalize/name.ts';
import { parseDate } from '../normalize/dates.ts';
import type { Entity } from '../types.ts';
import { compactEntity, contentId, csvRows, type ImportInput, type ImportOptions } from './common.ts';

/**
 * BIS Denied Persons List (tab-separated, quoted). The list has no record ids: an entry is
 * identified by its name, street and effective date, which is what a new order changes.
 */
export async function* parseBisDpl(input: ImportInput, opts: ImportOptions = {}): AsyncGenerator<Entity> {
  let header: string[] | undefined;
  for await (const row of csvRows(input, opts, { delimiter: '\t' })) {
    if (!header) {
      header = row.map((h) => h.trim().toLowerCase());
      continue;
    }
    const get = (k: string) => {
      const i = header!.indexOf(k);
      const v = i >= 0 ? row[i]?.trim() : undefined;
      return v ? v : undefined;
    };
    const name = get('name');
    if (!name) continue;
    const street = get('street_address');
    const effective = get('effective_date');
    const id = contentId(name, street, effective);
    const countryText = get('country');
    const country = resolveCountry(countryText) ?? (get('state') && !countryText ? 'US' : undefined);
    const full = [street, get('city'), get('state'), get('postal_code'), countryText].filter(Boolean).join(', ');
    yield compactEntity({
      id: `bis-dpl:${id}`,
      source: 'bis-dpl',
      sourceId: id,
      schema: analyzeName(name, 'organization').legal.length ? 'organization' : 'unknown',
      names: [{ full: name, kind: 'primary' }],
      addresses: full ? [{ full, ...(street ? { street } : {}), ...(get('city') ? { city: get('city') } : {}), ...(country ? { country } : {}) }] : undefined,
      countries: country ? [{ code: country, role: 'address' }] : undefined,
      programs: ['DPL'],
      listedOn: parseDate(effective, { monthFirst: true })?.date,
      lastChange: parseDate(get('last_update'))?.date,
      remarks: [get('action'), get('fr_citation')].filter(Boolean).join('; ') || undefined,
      sourceUrl: 'https://www.bis.gov/dpl',
      topics: ['export.control'],
    });
  }
}
