import { ScreeningError } from '../errors.ts';
import { resolveCountry } from '../normalize/countries.ts';
import { parseDate } from '../normalize/dates.ts';
import type { Address, CountryRef, Entity, EntityName, Identifier, IdentifierType, Relation, RelationType, Schema } from '../types.ts';
import { compactEntity, isPathList, lines, uniq, type ImportInput, type ImportOptions } from './common.ts';

/** One FollowTheMoney statement-free entity as OpenSanctions exports it. */
interface FtmRecord {
  id: string;
  schema: string;
  caption?: string;
  properties: Record<string, string[]>;
  datasets?: string[];
  last_change?: string;
  first_seen?: string;
  target?: boolean;
}

const THING_SCHEMA: Record<string, Schema> = {
  Person: 'person',
  Organization: 'organization',
  Company: 'organization',
  LegalEntity: 'unknown',
  PublicBody: 'organization',
  Vessel: 'vessel',
  Airplane: 'aircraft',
};

const ID_PROPS: Array<[string, IdentifierType]> = [
  ['passportNumber', 'passport'],
  ['idNumber', 'national-id'],
  ['taxNumber', 'tax'],
  ['innCode', 'tax'],
  ['vatCode', 'tax'],
  ['registrationNumber', 'registration'],
  ['ogrnCode', 'registration'],
  ['leiCode', 'lei'],
  ['swiftBic', 'swift'],
  ['imoNumber', 'imo'],
  ['mmsi', 'mmsi'],
  ['callSign', 'call-sign'],
  ['serialNumber', 'aircraft-serial'],
  ['registrationNumber', 'registration'],
  ['email', 'email'],
  ['phone', 'phone'],
  ['website', 'website'],
];

/** Link schemata: which two properties point at entities, and what the link means for screening. */
const LINKS: Record<string, { from: string; to: string; type: RelationType; reverse: RelationType }> = {
  Family: { from: 'person', to: 'relative', type: 'family', reverse: 'family' },
  Associate: { from: 'person', to: 'associate', type: 'associate', reverse: 'associate' },
  Ownership: { from: 'owner', to: 'asset', type: 'owner', reverse: 'owned-by' },
  Directorship: { from: 'director', to: 'organization', type: 'director', reverse: 'director' },
  Membership: { from: 'member', to: 'organization', type: 'member', reverse: 'member' },
  Employment: { from: 'employee', to: 'employer', type: 'associate', reverse: 'associate' },
  Representation: { from: 'agent', to: 'client', type: 'associate', reverse: 'associate' },
  UnknownLink: { from: 'subject', to: 'object', type: 'linked', reverse: 'linked' },
};

interface SideInfo {
  relations: Relation[];
  programs: string[];
  listedOn?: string;
  sourceUrls: string[];
  identifiers: Identifier[];
}

function p(r: FtmRecord, k: string): string[] {
  const v = r.properties?.[k];
  return Array.isArray(v) ? v.filter((x) => typeof x === 'string' && x.trim()) : [];
}

function parseLine(line: string): FtmRecord | undefined {
  let r: FtmRecord;
  try {
    r = JSON.parse(line);
  } catch (err) {
    throw new ScreeningError('PARSE_ERROR', 'FollowTheMoney line is not JSON', { cause: err });
  }
  if (!r || typeof r.id !== 'string' || typeof r.schema !== 'string') return undefined;
  r.properties ??= {};
  return r;
}

class Collector {
  readonly side = new Map<string, SideInfo>();
  readonly addresses = new Map<string, Address>();

  private info(id: string): SideInfo {
    let s = this.side.get(id);
    if (!s) this.side.set(id, (s = { relations: [], programs: [], sourceUrls: [], identifiers: [] }));
    return s;
  }

  /** Returns true when the record was a link/side record rather than a thing to screen. */
  take(r: FtmRecord): boolean {
    const link = LINKS[r.schema];
    if (link) {
      const rel = p(r, 'relationship')[0] ?? p(r, 'role')[0];
      for (const a of p(r, link.from)) {
        for (const b of p(r, link.to)) {
          this.info(a).relations.push({ type: link.type, targetId: `ftm:${b}`, ...(rel ? { role: rel } : {}) });
          this.info(b).relations.push({ type: link.reverse, targetId: `ftm:${a}`, ...(rel ? { role: rel } : {}) });
        }
      }
      return true;
    }
    if (r.schema === 'Sanction') {
      for (const e of p(r, 'entity')) {
        const s = this.info(e);
        s.programs.push(...p(r, 'program'), ...p(r, 'programId'));
        const listed = p(r, 'listingDate')[0] ?? p(r, 'startDate')[0];
        if (listed && (!s.listedOn || listed < s.listedOn)) s.listedOn = listed;
        s.sourceUrls.push(...p(r, 'sourceUrl'));
      }
      return true;
    }
    if (r.schema === 'Passport' || r.schema === 'Identification') {
      for (const h of p(r, 'holder')) {
        for (const n of p(r, 'number')) {
          const c = resolveCountry(p(r, 'country')[0]);
          this.info(h).identifiers.push({ type: r.schema === 'Passport' ? 'passport' : 'national-id', value: n, ...(c ? { country: c } : {}) });
        }
      }
      return true;
    }
    if (r.schema === 'Address') {
      const full = p(r, 'full')[0] ?? [p(r, 'street')[0], p(r, 'city')[0], p(r, 'postalCode')[0]].filter(Boolean).join(', ');
      const country = p(r, 'country')[0]?.toUpperCase();
      this.addresses.set(r.id, JSON.parse(JSON.stringify({ full: full || undefined, street: p(r, 'street')[0], city: p(r, 'city')[0], postalCode: p(r, 'postalCode')[0], country })));
      return true;
    }
    return !(r.schema in THING_SCHEMA);
  }

  build(r: FtmRecord): Entity | undefined {
    const schema = THING_SCHEMA[r.schema];
    if (!schema) return undefined;
    const names: EntityName[] = [];
    const primary = r.caption ?? p(r, 'name')[0];
    if (primary) names.push({ full: primary, kind: 'primary' });
    for (const n of p(r, 'name')) names.push({ full: n, kind: n === primary ? 'primary' : 'alias' });
    for (const n of p(r, 'alias')) names.push({ full: n, kind: 'alias' });
    for (const n of p(r, 'previousName')) names.push({ full: n, kind: 'former' });
    for (const n of p(r, 'weakAlias')) names.push({ full: n, kind: 'weak' });
    if (!names.length) {
      const composed = [p(r, 'firstName')[0], p(r, 'middleName')[0], p(r, 'lastName')[0]].filter(Boolean).join(' ');
      if (composed) names.push({ full: composed, kind: 'primary' });
    }
    if (!names.length) return undefined;
    const side = this.side.get(r.id);
    const countries: CountryRef[] = [];
    for (const [prop, role] of [
      ['nationality', 'nationality'],
      ['citizenship', 'citizenship'],
      ['country', 'other'],
      ['jurisdiction', 'jurisdiction'],
      ['birthCountry', 'birth'],
      ['flag', 'flag'],
      ['mainCountry', 'other'],
    ] as const) {
      for (const c of p(r, prop)) countries.push({ code: c.length === 2 ? c.toUpperCase() : (resolveCountry(c) ?? c), role });
    }
    const identifiers: Identifier[] = [...(side?.identifiers ?? [])];
    for (const [prop, type] of ID_PROPS) for (const v of p(r, prop)) identifiers.push({ type, value: v, label: prop });
    const addresses: Address[] = [];
    for (const a of p(r, 'addressEntity')) {
      const addr = this.addresses.get(a);
      if (addr) addresses.push(addr);
    }
    for (const a of p(r, 'address')) addresses.push({ full: a });
    const gender = p(r, 'gender')[0]?.toLowerCase();
    const topics = p(r, 'topics');
    const entity: Entity = {
      id: `ftm:${r.id}`,
      source: 'ftm',
      sourceId: r.id,
      schema,
      names: uniq(names, (n) => `${n.kind}|${n.full}`).filter((n, i, all) => n.kind !== 'alias' || !all.some((m) => m.kind === 'primary' && m.full === n.full)),
      gender: gender === 'male' || gender === 'female' ? gender : undefined,
      birthDates: uniq(p(r, 'birthDate').map((d) => parseDate(d)).filter(Boolean) as NonNullable<ReturnType<typeof parseDate>>[]),
      deathDates: uniq(p(r, 'deathDate').map((d) => parseDate(d)).filter(Boolean) as NonNullable<ReturnType<typeof parseDate>>[]),
      birthPlaces: p(r, 'birthPlace'),
      countries: uniq(countries, (c) => `${c.code}|${c.role}`),
      identifiers: uniq(identifiers, (i) => `${i.type}|${i.value}`),
      addresses: uniq(addresses),
      programs: uniq([...p(r, 'program'), ...p(r, 'programId'), ...(side?.programs ?? [])], (s) => s),
      topics: topics.length ? topics : r.target ? ['sanction'] : undefined,
      positions: p(r, 'position'),
      listedOn: side?.listedOn ?? p(r, 'createdAt')[0],
      lastChange: r.last_change,
      sourceUrl: p(r, 'sourceUrl')[0] ?? side?.sourceUrls[0] ?? `https://www.opensanctions.org/entities/${r.id}/`,
      relations: uniq(side?.relations ?? [], (x) => `${x.type}|${x.targetId}`),
      remarks: p(r, 'notes').join(' ') || undefined,
    };
    return compactEntity(entity);
  }
}

/**
 * FollowTheMoney JSON lines (OpenSanctions exports). Links (Family, Associate, Ownership, ...),
 * Sanction, Passport and Address records are folded into the entities they concern. From files,
 * two passes keep memory to the links; from a stream, entities are held until the end.
 */
export async function* parseFtm(input: ImportInput, opts: ImportOptions = {}): AsyncGenerator<Entity> {
  const col = new Collector();
  if (isPathList(input)) {
    for await (const line of lines(input)) {
      const r = parseLine(line);
      if (r) col.take(r);
    }
    for await (const line of lines(input, opts)) {
      const r = parseLine(line);
      if (!r || r.schema in LINKS || !(r.schema in THING_SCHEMA)) continue;
      const e = col.build(r);
      if (e) yield e;
    }
    return;
  }
  const things: FtmRecord[] = [];
  for await (const line of lines(input, opts)) {
    const r = parseLine(line);
    if (r && !col.take(r)) things.push(r);
  }
  for (const r of things) {
    const e = col.build(r);
    if (e) yield e;
  }
}
