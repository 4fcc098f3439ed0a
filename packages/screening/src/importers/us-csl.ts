import { resolveCountry } from '../normalize/countries.ts';
import { analyzeName } from '../normalize/name.ts';
import { parseDate } from '../normalize/dates.ts';
import type { CountryRef, DateSpec, Entity, EntityName, Identifier, Schema } from '../types.ts';
import { compactEntity, contentId, csvRows, uniq, type ImportInput, type ImportOptions } from './common.ts';

function schemaOf(type: string | undefined, name: string): Schema {
  const t = (type ?? '').toLowerCase();
  if (t === 'individual') return 'person';
  if (t === 'entity') return 'organization';
  if (t === 'vessel') return 'vessel';
  if (t === 'aircraft') return 'aircraft';
  // Lists without a type: a legal form makes it an organisation, otherwise leave it open.
  return analyzeName(name, 'organization').legal.length ? 'organization' : 'unknown';
}

/** Short code of a CSL source list: "Denied Persons List (DPL) - Bureau ..." -> "dpl". */
function listCode(source: string): string {
  const m = /\(([A-Z-]+)\)/.exec(source);
  return (m ? m[1] : source.slice(0, 12)).toLowerCase();
}

function splitList(v: string | undefined): string[] {
  return (v ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** US Consolidated Screening List CSV (trade.gov export, one row per listed party). */
export async function* parseUsCsl(input: ImportInput, opts: ImportOptions = {}): AsyncGenerator<Entity> {
  let header: string[] | undefined;
  for await (const row of csvRows(input, opts)) {
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
    const source = get('source') ?? '';
    if (!name) continue;
    const code = listCode(source);
    const number = get('entity_number');
    const sourceId = number ? `${code}-${number}` : `${code}-${contentId(source, name, get('addresses'), get('start_date'))}`;
    const schema = schemaOf(get('type'), name);
    const names: EntityName[] = [{ full: name, kind: 'primary' }];
    for (const a of splitList(get('alt_names'))) names.push({ full: a, kind: 'alias' });
    const countries: CountryRef[] = [];
    for (const c of splitList(get('nationalities'))) countries.push({ code: resolveCountry(c) ?? c, role: 'nationality' });
    for (const c of splitList(get('citizenships'))) countries.push({ code: resolveCountry(c) ?? c, role: 'citizenship' });
    const flag = get('vessel_flag');
    if (flag) countries.push({ code: resolveCountry(flag) ?? flag, role: 'flag' });
    const addresses = splitList(get('addresses')).map((full) => {
      const country = resolveCountry(full.split(',').pop());
      if (country) countries.push({ code: country, role: 'address' });
      return country ? { full, country } : { full };
    });
    const birthDates = splitList(get('dates_of_birth'))
      .map((d) => parseDate(d))
      .filter(Boolean) as DateSpec[];
    const identifiers: Identifier[] = [];
    // "US, 80-0890696, Tax ID No.; RU, 123, Passport"
    for (const part of splitList(get('ids'))) {
      const bits = part.split(',').map((s) => s.trim());
      if (bits.length < 3 || !bits[1]) continue;
      const label = bits.slice(2).join(', ');
      const type: Identifier['type'] = /passport/i.test(label) ? 'passport' : /tax/i.test(label) ? 'tax' : /national id|cedula|identification/i.test(label) ? 'national-id' : /registration/i.test(label) ? 'registration' : /imo/i.test(label) ? 'imo' : 'other';
      const id: Identifier = { type, value: bits[1], label };
      const c = resolveCountry(bits[0]);
      if (c) id.country = c;
      identifiers.push(id);
    }
    const callSign = get('call_sign');
    if (callSign) identifiers.push({ type: 'call-sign', value: callSign });
    const entity: Entity = {
      id: `us-csl:${sourceId}`,
      source: 'us-csl',
      sourceId,
      schema,
      names: uniq(names, (n) => `${n.kind}|${n.full}`),
      birthDates,
      birthPlaces: splitList(get('places_of_birth')),
      countries: uniq(countries, (c) => `${c.code}|${c.role}`),
      identifiers,
      addresses,
      programs: [code.toUpperCase(), ...splitList(get('programs'))],
      positions: get('title') ? [get('title')!] : undefined,
      listedOn: parseDate(get('start_date'))?.date,
      remarks: get('remarks'),
      sourceUrl: get('source_information_url') ?? get('source_list_url'),
      topics: ['sanction'],
    };
    if (schema === 'vessel') {
      entity.vessel = JSON.parse(
        JSON.stringify({ type: get('vessel_type'), flag, tonnage: get('gross_tonnage'), grt: get('gross_registered_tonnage'), owner: get('vessel_owner'), callSign }),
      );
    }
    yield compactEntity(entity);
  }
}
