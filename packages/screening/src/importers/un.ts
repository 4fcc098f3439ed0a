import { resolveCountry } from '../normalize/countries.ts';
import { parseDate } from '../normalize/dates.ts';
import type { Address, CountryRef, DateSpec, Entity, EntityName, Identifier } from '../types.ts';
import { childrenNamed, compactEntity, textOf, textsAt, uniq, xmlRecords, type ImportInput, type ImportOptions, type XmlElement } from './common.ts';

function unDates(el: XmlElement): DateSpec[] {
  const out: DateSpec[] = [];
  for (const d of childrenNamed(el, 'INDIVIDUAL_DATE_OF_BIRTH')) {
    const type = (textOf(d, 'TYPE_OF_DATE') ?? '').toUpperCase();
    const circa = type === 'APPROXIMATELY';
    const from = textOf(d, 'FROM_YEAR');
    const to = textOf(d, 'TO_YEAR');
    if (type === 'BETWEEN' && (from || to)) {
      out.push({ from, to });
      continue;
    }
    const p = parseDate(textOf(d, 'DATE') ?? textOf(d, 'YEAR'));
    if (p) out.push(circa ? { ...p, circa: true } : p);
  }
  return out;
}

function docType(t: string): Identifier['type'] {
  if (/passport/i.test(t)) return 'passport';
  if (/national|identi/i.test(t)) return 'national-id';
  if (/tax/i.test(t)) return 'tax';
  if (/registration/i.test(t)) return 'registration';
  if (/imo/i.test(t)) return 'imo';
  return 'other';
}

/** UN Security Council consolidated list XML (INDIVIDUAL / ENTITY records). */
export async function* parseUn(input: ImportInput, opts: ImportOptions = {}): AsyncGenerator<Entity> {
  for await (const el of xmlRecords(input, ['INDIVIDUAL', 'ENTITY'], opts)) {
    const dataId = textOf(el, 'DATAID');
    if (!dataId) continue;
    const person = el.name === 'INDIVIDUAL';
    const parts = ['FIRST_NAME', 'SECOND_NAME', 'THIRD_NAME', 'FOURTH_NAME'].map((k) => textOf(el, k));
    const full = parts.filter(Boolean).join(' ');
    if (!full) continue;
    const names: EntityName[] = [{ full, kind: 'primary', ...(person && parts[0] ? { given: parts[0] } : {}) }];
    for (const orig of childrenNamed(el, 'NAME_ORIGINAL_SCRIPT')) if (orig.text.trim()) names.push({ full: orig.text.trim(), kind: 'alias' });
    for (const a of childrenNamed(el, person ? 'INDIVIDUAL_ALIAS' : 'ENTITY_ALIAS')) {
      const n = textOf(a, 'ALIAS_NAME');
      if (!n) continue;
      const q = (textOf(a, 'QUALITY') ?? '').toLowerCase();
      names.push({ full: n, kind: q === 'low' ? 'low-quality' : q.startsWith('f') ? 'former' : 'alias' });
    }
    const countries: CountryRef[] = [];
    for (const n of textsAt(el, ['NATIONALITY', 'VALUE'])) countries.push({ code: resolveCountry(n) ?? n, role: 'nationality' });
    const birthPlaces: string[] = [];
    for (const p of childrenNamed(el, 'INDIVIDUAL_PLACE_OF_BIRTH')) {
      const place = ['CITY', 'STATE_PROVINCE', 'COUNTRY'].map((k) => textOf(p, k)).filter(Boolean).join(', ');
      if (place) birthPlaces.push(place);
      const c = resolveCountry(textOf(p, 'COUNTRY'));
      if (c) countries.push({ code: c, role: 'birth' });
    }
    const addresses: Address[] = [];
    for (const a of childrenNamed(el, person ? 'INDIVIDUAL_ADDRESS' : 'ENTITY_ADDRESS')) {
      const country = textOf(a, 'COUNTRY');
      const code = resolveCountry(country);
      const addr: Address = JSON.parse(
        JSON.stringify({ street: textOf(a, 'STREET'), city: textOf(a, 'CITY'), region: textOf(a, 'STATE_PROVINCE'), postalCode: textOf(a, 'ZIP_CODE'), country: code ?? country }),
      );
      addr.full = ['STREET', 'CITY', 'STATE_PROVINCE', 'ZIP_CODE', 'COUNTRY'].map((k) => textOf(a, k)).filter(Boolean).join(', ');
      if (addr.full) addresses.push(addr);
      if (code) countries.push({ code, role: 'address' });
    }
    const identifiers: Identifier[] = [];
    for (const d of childrenNamed(el, 'INDIVIDUAL_DOCUMENT')) {
      const value = textOf(d, 'NUMBER');
      if (!value) continue;
      const label = [textOf(d, 'TYPE_OF_DOCUMENT'), textOf(d, 'TYPE_OF_DOCUMENT2')].filter(Boolean).join(' / ');
      const id: Identifier = { type: docType(label), value, label: label || undefined };
      const c = resolveCountry(textOf(d, 'ISSUING_COUNTRY') ?? textOf(d, 'COUNTRY_OF_ISSUE'));
      if (c) id.country = c;
      identifiers.push(JSON.parse(JSON.stringify(id)));
    }
    const gender = (textOf(el, 'GENDER') ?? '').toLowerCase();
    const listType = textOf(el, 'UN_LIST_TYPE');
    const ref = textOf(el, 'REFERENCE_NUMBER');
    if (ref) identifiers.push({ type: 'other', value: ref, label: 'UN reference number' });
    yield compactEntity({
      id: `un:${dataId}`,
      source: 'un',
      sourceId: dataId,
      schema: person ? 'person' : 'organization',
      names: uniq(names, (n) => `${n.kind}|${n.full}`),
      gender: gender === 'male' || gender === 'female' ? gender : undefined,
      birthDates: person ? uniq(unDates(el)) : undefined,
      birthPlaces: uniq(birthPlaces, (s) => s),
      countries: uniq(countries, (c) => `${c.code}|${c.role}`),
      identifiers: uniq(identifiers, (i) => `${i.type}|${i.value}`),
      addresses,
      programs: listType ? [listType] : undefined,
      positions: [...textsAt(el, ['DESIGNATION', 'VALUE']), ...textsAt(el, ['TITLE', 'VALUE'])],
      listedOn: textOf(el, 'LISTED_ON'),
      lastChange: textsAt(el, ['LAST_DAY_UPDATED', 'VALUE']).sort().pop(),
      remarks: textOf(el, 'COMMENTS1'),
      sourceUrl: 'https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list',
      topics: ['sanction'],
    });
  }
}
