import { resolveCountries, resolveCountry } from '../normalize/countries.ts';
import { parseDate } from '../normalize/dates.ts';
import type { CountryRef, Entity, EntityName, Identifier, Schema } from '../types.ts';
import { compactEntity, csvRows, uniq, type ImportInput, type ImportOptions } from './common.ts';

function schemaOf(t: string | undefined): Schema {
  const v = (t ?? '').toLowerCase();
  if (v === 'individual') return 'person';
  if (v === 'entity') return 'organization';
  if (v === 'ship') return 'vessel';
  return 'unknown';
}

function nameKind(aliasType: string | undefined, quality: string | undefined): EntityName['kind'] {
  const t = (aliasType ?? '').toLowerCase();
  if ((quality ?? '').toLowerCase() === 'low') return 'low-quality';
  if (t.includes('prime') || t === 'primary name') return 'primary';
  if (t.includes('fka') || t.includes('former')) return 'former';
  return 'alias';
}

/**
 * UK OFSI consolidated list CSV. One row per name; rows sharing a Group ID are one entity, and the
 * file is sorted by name, so groups are assembled across the file and emitted at the end.
 */
export async function* parseUkOfsi(input: ImportInput, opts: ImportOptions = {}): AsyncGenerator<Entity> {
  let header: string[] | undefined;
  const groups = new Map<string, Entity>();
  for await (const row of csvRows(input, opts)) {
    if (!header) {
      if (row.includes('Name 6') && row.includes('Group ID')) header = row.map((h) => h.trim());
      continue;
    }
    // Some exports carry an empty leading header cell the data rows do not have.
    const cols = row.length < header.length ? header.slice(header.length - row.length) : header;
    const get = (k: string) => {
      const i = cols.indexOf(k);
      const v = i >= 0 ? row[i]?.trim() : undefined;
      return v ? v : undefined;
    };
    const groupId = get('Group ID');
    if (!groupId) continue;
    const parts = ['Name 1', 'Name 2', 'Name 3', 'Name 4', 'Name 5'].map(get).filter(Boolean) as string[];
    const family = get('Name 6');
    const full = [...parts, family].filter(Boolean).join(' ');
    let e = groups.get(groupId);
    if (!e) {
      e = { id: `uk-ofsi:${groupId}`, source: 'uk-ofsi', sourceId: groupId, schema: schemaOf(get('Group Type')), names: [], topics: ['sanction'] };
      groups.set(groupId, e);
    }
    if (full) {
      const kind = nameKind(get('Alias Type'), get('Alias Quality'));
      const name: EntityName = { full, kind };
      if (e.schema === 'person') {
        if (parts.length) name.given = parts.join(' ');
        if (family) name.family = family;
      }
      e.names.push(name);
    }
    const dob = parseDate(get('DOB'));
    if (dob) (e.birthDates ??= []).push(dob);
    const pob = [get('Town of Birth'), get('Country of Birth')].filter(Boolean).join(', ');
    if (pob) (e.birthPlaces ??= []).push(pob);
    const countries: CountryRef[] = [];
    const cob = resolveCountry(get('Country of Birth'));
    if (cob) countries.push({ code: cob, role: 'birth' });
    for (const c of resolveCountries(get('Nationality'))) countries.push({ code: c, role: 'nationality' });
    const country = get('Country');
    const addrCountry = resolveCountry(country);
    if (addrCountry) countries.push({ code: addrCountry, role: 'address' });
    if (countries.length) (e.countries ??= []).push(...countries);
    const identifiers: Identifier[] = [];
    const passport = get('Passport Details');
    if (passport) {
      for (const m of passport.matchAll(/(?:passport\s*(?:no\.?|number)?:?\s*)?\b([A-Z]{0,3}\d{5,}[A-Z0-9]*)\b/gi)) identifiers.push({ type: 'passport', value: m[1] });
    }
    const ni = get('NI Number');
    if (ni) for (const m of ni.matchAll(/\b([A-Z]{0,3}\d[\dA-Z-]{4,})\b/gi)) identifiers.push({ type: 'national-id', value: m[1] });
    const other = get('Other Information');
    if (other) {
      const imo = /IMO:?\s*(\d{7})/i.exec(other);
      if (imo) identifiers.push({ type: 'imo', value: imo[1] });
      const mmsi = /MMSI:?\s*(\d{9})/i.exec(other);
      if (mmsi) identifiers.push({ type: 'mmsi', value: mmsi[1] });
      if (!e.remarks) e.remarks = other;
    }
    if (identifiers.length) (e.identifiers ??= []).push(...identifiers);
    const address = ['Address 1', 'Address 2', 'Address 3', 'Address 4', 'Address 5', 'Address 6', 'Post/Zip Code', 'Country'].map(get).filter(Boolean).join(', ');
    if (address) (e.addresses ??= []).push({ full: address, ...(addrCountry ? { country: addrCountry } : {}) });
    const regime = get('Regime');
    if (regime) (e.programs ??= []).push(regime);
    const title = get('Title');
    const position = get('Position');
    for (const p of [position, title]) if (p) (e.positions ??= []).push(p);
    const listed = parseDate(get('Listed On'));
    if (listed?.date && (!e.listedOn || listed.date < e.listedOn)) e.listedOn = listed.date;
    const updated = parseDate(get('Last Updated'));
    if (updated?.date && (!e.lastChange || updated.date > e.lastChange)) e.lastChange = updated.date;
  }
  for (const e of groups.values()) {
    if (!e.names.length) continue;
    e.names = uniq(e.names, (n) => `${n.kind}|${n.full}`);
    if (!e.names.some((n) => n.kind === 'primary')) e.names[0] = { ...e.names[0], kind: 'primary' };
    e.names.sort((a, b) => Number(b.kind === 'primary') - Number(a.kind === 'primary'));
    e.birthDates = e.birthDates && uniq(e.birthDates);
    e.birthPlaces = e.birthPlaces && uniq(e.birthPlaces, (s) => s);
    e.countries = e.countries && uniq(e.countries, (c) => `${c.code}|${c.role}`);
    e.identifiers = e.identifiers && uniq(e.identifiers, (i) => `${i.type}|${i.value}`);
    e.addresses = e.addresses && uniq(e.addresses);
    e.programs = e.programs && uniq(e.programs, (s) => s);
    e.positions = e.positions && uniq(e.positions, (s) => s);
    e.sourceUrl = 'https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets';
    yield compactEntity(e);
  }
}
