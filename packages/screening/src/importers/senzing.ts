import { ScreeningError } from '../errors.ts';
import { resolveCountry } from '../normalize/countries.ts';
import { parseDate } from '../normalize/dates.ts';
import type { Address, CountryRef, DateSpec, Entity, EntityName, Identifier, Relation } from '../types.ts';
import { compactEntity, lines, uniq, type ImportInput, type ImportOptions } from './common.ts';

type Row = Record<string, string | undefined>;

function rows(v: unknown): Row[] {
  return Array.isArray(v) ? (v.filter((x) => x && typeof x === 'object') as Row[]) : [];
}

/** Senzing entity-resolution JSON lines (as OpenSanctions exports PEPs and sanctions for Senzing). */
export async function* parseSenzing(input: ImportInput, opts: ImportOptions = {}): AsyncGenerator<Entity> {
  for await (const line of lines(input, opts)) {
    let r: Record<string, unknown>;
    try {
      r = JSON.parse(line);
    } catch (err) {
      throw new ScreeningError('PARSE_ERROR', 'Senzing line is not JSON', { cause: err });
    }
    const recordId = typeof r.RECORD_ID === 'string' ? r.RECORD_ID : undefined;
    if (!recordId) continue;
    const dataSource = typeof r.DATA_SOURCE === 'string' ? r.DATA_SOURCE : 'SENZING';
    const type = String(r.RECORD_TYPE ?? '').toUpperCase();
    const names: EntityName[] = [];
    for (const n of rows(r.NAMES)) {
      const full = n.NAME_FULL ?? n.NAME_ORG ?? [n.NAME_FIRST, n.NAME_MIDDLE, n.NAME_LAST].filter(Boolean).join(' ');
      if (!full?.trim()) continue;
      const t = (n.NAME_TYPE ?? '').toUpperCase();
      names.push({ full: full.trim(), kind: t === 'PRIMARY' ? 'primary' : t.includes('FORMER') ? 'former' : 'alias' });
    }
    if (!names.length) continue;
    if (!names.some((n) => n.kind === 'primary')) names[0] = { ...names[0], kind: 'primary' };
    const birthDates: DateSpec[] = [];
    const deathDates: DateSpec[] = [];
    for (const d of rows(r.DATES)) {
      const b = parseDate(d.DATE_OF_BIRTH);
      if (b) birthDates.push(b);
      const x = parseDate(d.DATE_OF_DEATH);
      if (x) deathDates.push(x);
    }
    const countries: CountryRef[] = [];
    for (const c of rows(r.COUNTRIES)) {
      for (const [k, role] of [
        ['NATIONALITY', 'nationality'],
        ['CITIZENSHIP', 'citizenship'],
        ['REGISTRATION_COUNTRY', 'registration'],
        ['COUNTRY_OF_ASSOCIATION', 'other'],
      ] as const) {
        const v = c[k];
        if (v) countries.push({ code: v.length === 2 ? v.toUpperCase() : (resolveCountry(v) ?? v), role });
      }
    }
    const identifiers: Identifier[] = [];
    for (const i of rows(r.IDENTIFIERS)) {
      if (i.PASSPORT_NUMBER) identifiers.push({ type: 'passport', value: i.PASSPORT_NUMBER, ...(i.PASSPORT_COUNTRY ? { country: resolveCountry(i.PASSPORT_COUNTRY) } : {}) });
      if (i.NATIONAL_ID_NUMBER) identifiers.push({ type: 'national-id', value: i.NATIONAL_ID_NUMBER });
      if (i.TAX_ID_NUMBER) identifiers.push({ type: 'tax', value: i.TAX_ID_NUMBER });
      if (i.LEI_NUMBER) identifiers.push({ type: 'lei', value: i.LEI_NUMBER });
      if (i.OTHER_ID_NUMBER && i.OTHER_ID_TYPE !== 'OPEN_SANCTIONS') identifiers.push({ type: 'other', value: i.OTHER_ID_NUMBER, label: i.OTHER_ID_TYPE });
      if (i.TRUSTED_ID_NUMBER) identifiers.push({ type: 'other', value: i.TRUSTED_ID_NUMBER, label: i.TRUSTED_ID_TYPE });
    }
    const addresses: Address[] = [];
    for (const a of rows(r.ADDRESSES)) {
      const full = a.ADDR_FULL ?? [a.ADDR_LINE1, a.ADDR_CITY, a.ADDR_POSTAL_CODE, a.ADDR_COUNTRY].filter(Boolean).join(', ');
      if (full) addresses.push({ full, ...(a.ADDR_COUNTRY ? { country: resolveCountry(a.ADDR_COUNTRY) ?? a.ADDR_COUNTRY } : {}) });
    }
    const relations: Relation[] = [];
    for (const rel of rows(r.RELATIONSHIPS)) {
      if (rel.REL_POINTER_KEY) {
        const role = rel.REL_POINTER_ROLE ?? '';
        const type = /family|spouse|child|parent|sibling|relative/i.test(role) ? 'family' : /associate/i.test(role) ? 'associate' : /own/i.test(role) ? 'owned-by' : /director/i.test(role) ? 'director' : 'linked';
        relations.push({ type, targetId: `senzing:${dataSource}:${rel.REL_POINTER_KEY}`, ...(role ? { role } : {}) });
      }
    }
    const gender = String(r.GENDER ?? '').toLowerCase();
    yield compactEntity({
      id: `senzing:${dataSource}:${recordId}`,
      source: 'senzing',
      sourceId: `${dataSource}:${recordId}`,
      schema: type === 'PERSON' ? 'person' : type === 'ORGANIZATION' ? 'organization' : 'unknown',
      names: uniq(names, (n) => `${n.kind}|${n.full}`),
      gender: gender === 'm' || gender === 'male' ? 'male' : gender === 'f' || gender === 'female' ? 'female' : undefined,
      birthDates: uniq(birthDates),
      deathDates: uniq(deathDates),
      countries: uniq(countries, (c) => `${c.code}|${c.role}`),
      identifiers: uniq(identifiers.map((i) => JSON.parse(JSON.stringify(i)) as Identifier), (i) => `${i.type}|${i.value}`),
      addresses,
      topics: uniq(rows(r.RISKS).map((x) => x.TOPIC).filter(Boolean) as string[], (s) => s),
      relations,
      lastChange: typeof r.LAST_CHANGE === 'string' ? r.LAST_CHANGE : undefined,
      sourceUrl: typeof r.URL === 'string' ? r.URL : undefined,
    });
  }
}
