import { resolveCountry } from '../normalize/countries.ts';
import { parseDate } from '../normalize/dates.ts';
import type { Address, CountryRef, DateSpec, Entity, EntityName, Identifier, Schema } from '../types.ts';
import { child, childrenNamed, compactEntity, uniq, xmlRecords, type ImportInput, type ImportOptions, type XmlElement } from './common.ts';

function attr(el: XmlElement | undefined, name: string): string | undefined {
  const v = el?.attrs[name]?.trim();
  return v ? v : undefined;
}

function schemaOf(code: string | undefined): Schema {
  if (code === 'person') return 'person';
  if (code === 'enterprise') return 'organization';
  return 'unknown';
}

function euDate(b: XmlElement): DateSpec | undefined {
  const circa = attr(b, 'circa') === 'true';
  const full = attr(b, 'birthdate');
  let spec = parseDate(full);
  if (!spec) {
    const y = attr(b, 'year');
    const m = attr(b, 'monthOfYear');
    const d = attr(b, 'dayOfMonth');
    if (y) spec = parseDate([y, m?.padStart(2, '0'), m && d ? d.padStart(2, '0') : undefined].filter(Boolean).join('-'));
  }
  if (!spec) {
    const from = attr(b, 'yearRangeFrom');
    const to = attr(b, 'yearRangeTo');
    if (from || to) return { from, to };
  }
  return spec && circa ? { ...spec, circa } : spec;
}

/** EU Financial Sanctions Files consolidated XML (export / sanctionEntity). */
export async function* parseEu(input: ImportInput, opts: ImportOptions = {}): AsyncGenerator<Entity> {
  for await (const el of xmlRecords(input, ['sanctionEntity'], opts)) {
    const logicalId = attr(el, 'logicalId');
    if (!logicalId) continue;
    const schema = schemaOf(attr(child(el, 'subjectType'), 'code'));
    const names: EntityName[] = [];
    let gender: 'male' | 'female' | undefined;
    const positions: string[] = [];
    for (const n of childrenNamed(el, 'nameAlias')) {
      const whole = attr(n, 'wholeName') ?? [attr(n, 'firstName'), attr(n, 'middleName'), attr(n, 'lastName')].filter(Boolean).join(' ');
      if (!whole) continue;
      const strong = attr(n, 'strong') !== 'false';
      names.push({
        full: whole,
        kind: !names.length && strong ? 'primary' : strong ? 'alias' : 'weak',
        ...(attr(n, 'firstName') ? { given: attr(n, 'firstName') } : {}),
        ...(attr(n, 'middleName') ? { middle: attr(n, 'middleName') } : {}),
        ...(attr(n, 'lastName') ? { family: attr(n, 'lastName') } : {}),
        ...(attr(n, 'nameLanguage') ? { lang: attr(n, 'nameLanguage')!.toLowerCase() } : {}),
      });
      const g = attr(n, 'gender');
      if (g === 'M') gender = 'male';
      else if (g === 'F') gender = 'female';
      const fn = attr(n, 'function');
      if (fn) positions.push(fn);
    }
    if (!names.length) continue;
    if (!names.some((n) => n.kind === 'primary')) names[0] = { ...names[0], kind: 'primary' };
    const countries: CountryRef[] = [];
    for (const c of childrenNamed(el, 'citizenship')) {
      const code = attr(c, 'countryIso2Code') ?? resolveCountry(attr(c, 'countryDescription'));
      if (code && code !== '00') countries.push({ code: code.toUpperCase(), role: 'citizenship' });
    }
    const birthDates: DateSpec[] = [];
    const birthPlaces: string[] = [];
    for (const b of childrenNamed(el, 'birthdate')) {
      const d = euDate(b);
      if (d) birthDates.push(d);
      const place = [attr(b, 'city'), attr(b, 'place'), attr(b, 'region'), attr(b, 'countryDescription')].filter(Boolean).join(', ');
      if (place) birthPlaces.push(place);
      const code = attr(b, 'countryIso2Code');
      if (code && code !== '00') countries.push({ code: code.toUpperCase(), role: 'birth' });
    }
    const identifiers: Identifier[] = [];
    for (const i of childrenNamed(el, 'identification')) {
      const value = attr(i, 'number') ?? attr(i, 'latinNumber');
      if (!value) continue;
      const code = (attr(i, 'identificationTypeCode') ?? '').toLowerCase();
      const type: Identifier['type'] = code.includes('passport') ? 'passport' : code === 'id' || code.includes('national') ? 'national-id' : code.includes('tax') ? 'tax' : code.includes('regnumber') ? 'registration' : 'other';
      const id: Identifier = { type, value, label: attr(i, 'identificationTypeDescription') };
      const c = attr(i, 'countryIso2Code');
      if (c && c !== '00') id.country = c.toUpperCase();
      identifiers.push(JSON.parse(JSON.stringify(id)));
    }
    const addresses: Address[] = [];
    for (const a of childrenNamed(el, 'address')) {
      const code = attr(a, 'countryIso2Code');
      const addr: Address = JSON.parse(
        JSON.stringify({ street: attr(a, 'street'), city: attr(a, 'city'), region: attr(a, 'region'), postalCode: attr(a, 'zipCode'), country: code && code !== '00' ? code.toUpperCase() : undefined }),
      );
      addr.full = [attr(a, 'street'), attr(a, 'poBox'), attr(a, 'city'), attr(a, 'zipCode'), attr(a, 'region'), attr(a, 'place'), attr(a, 'countryDescription')].filter(Boolean).join(', ');
      if (addr.full) addresses.push(addr);
      if (addr.country) countries.push({ code: addr.country, role: 'address' });
    }
    const regulations = childrenNamed(el, 'regulation');
    const programs = uniq(regulations.map((r) => attr(r, 'programme')).filter(Boolean) as string[], (s) => s);
    const url = regulations.map((r) => child(r, 'publicationUrl')?.text.trim()).find(Boolean);
    const remark = childrenNamed(el, 'remark').map((r) => r.text.trim()).filter(Boolean).join(' ');
    yield compactEntity({
      id: `eu:${logicalId}`,
      source: 'eu',
      sourceId: logicalId,
      schema,
      names: uniq(names, (n) => `${n.kind}|${n.full}`),
      gender,
      birthDates: uniq(birthDates),
      birthPlaces: uniq(birthPlaces, (s) => s),
      countries: uniq(countries, (c) => `${c.code}|${c.role}`),
      identifiers: uniq(identifiers, (i) => `${i.type}|${i.value}`),
      addresses,
      programs,
      positions: uniq(positions, (s) => s),
      listedOn: attr(el, 'designationDate'),
      remarks: remark || undefined,
      sourceUrl: url,
      topics: ['sanction'],
    });
  }
}
