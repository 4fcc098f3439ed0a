import { basename } from 'node:path';
import { ScreeningError } from '../errors.ts';
import { resolveCountry } from '../normalize/countries.ts';
import { parseDate } from '../normalize/dates.ts';
import type { Address, CountryRef, DateSpec, Entity, EntityName, Identifier, IdentifierType, Relation, Schema } from '../types.ts';
import { child, childrenNamed, clean, compactEntity, csvRows, isPathList, textOf, uniq, xmlRecords, type ImportInput, type ImportOptions, type XmlElement } from './common.ts';

/** What OFAC packs into the free-text remarks: "DOB 12 Oct 1972; POB Corozal, Belize; Passport 0291622 (Belize); ..." */
export interface OfacRemarks {
  birthDates: DateSpec[];
  birthPlaces: string[];
  countries: CountryRef[];
  gender?: 'male' | 'female';
  identifiers: Identifier[];
  weakAliases: EntityName[];
  relations: Relation[];
}

const ID_PATTERNS: Array<[RegExp, IdentifierType]> = [
  [/^passport\b/i, 'passport'],
  [/^(national id|cedula|identification number|personal id|citizen'?s card|d\.n\.i|dni|ssn|nie|nit #)/i, 'national-id'],
  [/^(tax id|rfc|c\.u\.i\.t|cuit|inn|tin|vat)/i, 'tax'],
  [/^(registration|company number|business registration|commercial registry|uk company number|trade license|chamber of commerce)/i, 'registration'],
  [/^(vessel registration identification imo|imo)/i, 'imo'],
  [/^mmsi/i, 'mmsi'],
  [/^digital currency address/i, 'crypto'],
  [/^swift\/bic/i, 'swift'],
  [/^legal entity number/i, 'lei'],
  [/^email address/i, 'email'],
  [/^website/i, 'website'],
  [/^(telephone|phone|fax)/i, 'phone'],
  [/^aircraft manufacturer'?s serial number/i, 'aircraft-serial'],
  [/^aircraft tail number/i, 'aircraft-tail'],
  [/^call sign/i, 'call-sign'],
];

function identifierFrom(part: string): Identifier | undefined {
  const type = ID_PATTERNS.find(([re]) => re.test(part))?.[1];
  // "Passport 0291622 (Belize)", "Digital Currency Address - XBT 1ABC...", "Tax ID No. 7744001497 (Russia)"
  const m = /^(.*?)\s+((?:0x)?[A-Za-z0-9][A-Za-z0-9\-/.]*[A-Za-z0-9]|[A-Za-z0-9])\s*(?:\(([^)]*)\))?\.?$/.exec(part);
  if (!m) return undefined;
  const [, label, value, country] = m;
  if (!type && !/(no\.|number|\bid\b|#|code)/i.test(label)) return undefined;
  if (!/\d/.test(value) && type !== 'email' && type !== 'website') return undefined;
  const id: Identifier = { type: type ?? 'other', value, label: label.trim() };
  const c = resolveCountry(country);
  if (c) id.country = c;
  return id;
}

export function parseOfacRemarks(remarks: string | undefined): OfacRemarks {
  const out: OfacRemarks = { birthDates: [], birthPlaces: [], countries: [], identifiers: [], weakAliases: [], relations: [] };
  if (!remarks) return out;
  for (let part of remarks.split(/;\s*/)) {
    part = part.trim().replace(/^alt\.\s+/i, '');
    if (!part) continue;
    let m: RegExpExecArray | null;
    if ((m = /^DOB\s+(.+?)\.?$/i.exec(part))) {
      const d = parseDate(m[1]);
      if (d) out.birthDates.push(d);
    } else if ((m = /^POB\s+(.+?)\.?$/i.exec(part))) {
      out.birthPlaces.push(m[1]);
      const c = resolveCountry(m[1].split(',').pop());
      if (c) out.countries.push({ code: c, role: 'birth' });
    } else if ((m = /^nationality\s+(.+?)\.?$/i.exec(part))) {
      const c = resolveCountry(m[1]);
      out.countries.push({ code: c ?? m[1], role: 'nationality' });
    } else if ((m = /^citizen\s+(.+?)\.?$/i.exec(part))) {
      const c = resolveCountry(m[1]);
      out.countries.push({ code: c ?? m[1], role: 'citizenship' });
    } else if ((m = /^gender\s+(male|female)/i.exec(part))) {
      out.gender = m[1].toLowerCase() as 'male' | 'female';
    } else if ((m = /^([afn])\.k\.a\.,?\s+'(.+?)'\.?$/i.exec(part))) {
      out.weakAliases.push({ full: m[2], kind: 'weak' });
    } else if ((m = /^linked to:\s*(.+?)\.?$/i.exec(part))) {
      out.relations.push({ type: 'linked', targetName: m[1] });
    } else {
      const id = identifierFrom(part);
      if (id) out.identifiers.push(id);
    }
  }
  return out;
}

function schemaOf(type: string | undefined): Schema {
  const t = (type ?? '').toLowerCase();
  if (t === 'individual') return 'person';
  if (t === 'vessel') return 'vessel';
  if (t === 'aircraft') return 'aircraft';
  return 'organization';
}

function programs(p: string | undefined): string[] {
  return (p ?? '')
    .split(/\]\s*\[/)
    .map((x) => x.replace(/[[\]]/g, '').trim())
    .filter((x) => x && x !== '-0-');
}

function splitPersonName(full: string): Pick<EntityName, 'given' | 'family'> {
  const i = full.indexOf(',');
  if (i < 0) return {};
  return { family: full.slice(0, i).trim(), given: full.slice(i + 1).trim() };
}

type OfacSource = 'ofac-sdn' | 'ofac-cons';

export interface OfacCsvFiles {
  primary: ImportInput;
  alt?: ImportInput;
  add?: ImportInput;
  comments?: ImportInput;
}

/** Which legacy file a path is: sdn.csv / cons_prim.csv, alt.csv, add.csv, sdn_comments.csv. */
export function classifyOfacFile(path: string): keyof OfacCsvFiles {
  const b = basename(path).toLowerCase();
  if (b.includes('comment')) return 'comments';
  if (/(^|[_-])alt/.test(b)) return 'alt';
  if (/(^|[_-])add/.test(b)) return 'add';
  return 'primary';
}

function toFiles(input: ImportInput | OfacCsvFiles): OfacCsvFiles {
  if (isPathList(input as ImportInput)) {
    const paths = typeof input === 'string' ? [input] : (input as string[]);
    const files: Partial<Record<keyof OfacCsvFiles, string>> = {};
    for (const p of paths) {
      const k = classifyOfacFile(p);
      if (files[k]) throw new ScreeningError('INVALID_INPUT', `two OFAC ${k} files given: ${files[k]} and ${p}`);
      files[k] = p;
    }
    if (!files.primary) throw new ScreeningError('INVALID_INPUT', 'OFAC CSV import needs the primary file (sdn.csv or cons_prim.csv)');
    return files as OfacCsvFiles;
  }
  if (input && typeof input === 'object' && 'primary' in input) return input as OfacCsvFiles;
  return { primary: input as ImportInput };
}

/**
 * OFAC legacy CSV (SDN or consolidated non-SDN): the primary file streams; aliases, addresses and
 * remark continuations come from the side files, read first into maps keyed by entity number.
 */
export async function* parseOfacCsv(input: ImportInput | OfacCsvFiles, source: OfacSource, opts: ImportOptions = {}): AsyncGenerator<Entity> {
  const files = toFiles(input);
  const aliases = new Map<string, EntityName[]>();
  const addresses = new Map<string, Address[]>();
  const comments = new Map<string, string>();
  if (files.alt) {
    for await (const r of csvRows(files.alt, opts)) {
      const [ent, , type, name] = r;
      const full = clean(name);
      if (!clean(ent) || !full) continue;
      const t = (clean(type) ?? 'aka').toLowerCase();
      const kind = t === 'fka' ? 'former' : 'alias';
      const list = aliases.get(ent.trim()) ?? [];
      list.push({ full, kind });
      aliases.set(ent.trim(), list);
    }
  }
  if (files.add) {
    for await (const r of csvRows(files.add, opts)) {
      const [ent, , street, cityLine, country] = r;
      if (!clean(ent)) continue;
      const a: Address = {};
      if (clean(street)) a.street = clean(street);
      if (clean(cityLine)) a.city = clean(cityLine);
      if (clean(country)) a.country = resolveCountry(clean(country)) ?? clean(country);
      if (!Object.keys(a).length) continue;
      a.full = [clean(street), clean(cityLine), clean(country)].filter(Boolean).join(', ');
      const list = addresses.get(ent.trim()) ?? [];
      list.push(a);
      addresses.set(ent.trim(), list);
    }
  }
  if (files.comments) {
    for await (const r of csvRows(files.comments, opts)) {
      const [ent, text] = r;
      if (clean(ent) && clean(text)) comments.set(ent.trim(), (comments.get(ent.trim()) ?? '') + clean(text));
    }
  }
  for await (const r of csvRows(files.primary, opts)) {
    if (r.length < 4) continue;
    const [ent, name, type, program, title, callSign, vessType, tonnage, grt, vessFlag, vessOwner, remarksRaw] = r;
    const id = clean(ent);
    const full = clean(name);
    if (!id || !full || !/^\d+$/.test(id)) continue;
    const schema = schemaOf(clean(type));
    // Long remarks are cut in the primary file and continue in the comments file.
    const remarks = [clean(remarksRaw), comments.get(id)].filter(Boolean).join('');
    const rem = parseOfacRemarks(remarks);
    const names: EntityName[] = [{ full, kind: 'primary', ...(schema === 'person' ? splitPersonName(full) : {}) }];
    for (const a of aliases.get(id) ?? []) names.push(schema === 'person' ? { ...a, ...splitPersonName(a.full) } : a);
    names.push(...rem.weakAliases);
    const identifiers = [...rem.identifiers];
    if (clean(callSign)) identifiers.push({ type: 'call-sign', value: clean(callSign)! });
    const countries = [...rem.countries];
    const flag = clean(vessFlag);
    if (flag) countries.push({ code: resolveCountry(flag) ?? flag, role: 'flag' });
    for (const a of addresses.get(id) ?? []) if (a.country && a.country.length === 2) countries.push({ code: a.country, role: 'address' });
    const entity: Entity = {
      id: `${source}:${id}`,
      source,
      sourceId: id,
      schema,
      names: uniq(names, (n) => `${n.kind}|${n.full}`),
      gender: rem.gender,
      birthDates: uniq(rem.birthDates),
      birthPlaces: uniq(rem.birthPlaces, (s) => s),
      countries: uniq(countries, (c) => `${c.code}|${c.role}`),
      identifiers: uniq(identifiers, (i) => `${i.type}|${i.value}`),
      addresses: addresses.get(id),
      programs: programs(program),
      positions: clean(title) ? [clean(title)!] : undefined,
      relations: rem.relations,
      remarks: remarks || undefined,
      sourceUrl: `https://sanctionssearch.ofac.treas.gov/Details.aspx?id=${id}`,
      topics: ['sanction'],
    };
    if (schema === 'vessel' || schema === 'aircraft') {
      const v = { type: clean(vessType), flag, tonnage: clean(tonnage), grt: clean(grt), owner: clean(vessOwner), callSign: clean(callSign) };
      if (Object.values(v).some(Boolean)) entity.vessel = JSON.parse(JSON.stringify(v));
    }
    yield compactEntity(entity);
  }
}

function xmlName(el: XmlElement): string | undefined {
  const last = textOf(el, 'lastName');
  const first = textOf(el, 'firstName');
  if (last && first) return `${last}, ${first}`;
  return last ?? first;
}

/** OFAC SDN XML (sdn.xml / consolidated.xml, the "sdnList" schema). */
export async function* parseOfacXml(input: ImportInput, source: OfacSource, opts: ImportOptions = {}): AsyncGenerator<Entity> {
  for await (const el of xmlRecords(input, ['sdnEntry'], opts)) {
    const uid = textOf(el, 'uid');
    const full = xmlName(el);
    if (!uid || !full) continue;
    const schema = schemaOf(textOf(el, 'sdnType'));
    const names: EntityName[] = [{ full, kind: 'primary', ...(schema === 'person' ? splitPersonName(full) : {}) }];
    for (const aka of childrenNamed(child(el, 'akaList'), 'aka')) {
      const n = xmlName(aka);
      if (!n) continue;
      const type = (textOf(aka, 'type') ?? '').toLowerCase();
      const weak = (textOf(aka, 'category') ?? '').toLowerCase() === 'weak';
      names.push({ full: n, kind: weak ? 'weak' : type.startsWith('f') ? 'former' : 'alias', ...(schema === 'person' ? splitPersonName(n) : {}) });
    }
    const identifiers: Identifier[] = [];
    const countries: CountryRef[] = [];
    let gender: 'male' | 'female' | undefined;
    for (const id of childrenNamed(child(el, 'idList'), 'id')) {
      const label = textOf(id, 'idType') ?? '';
      const value = textOf(id, 'idNumber');
      if (!value) continue;
      if (/^gender$/i.test(label)) {
        gender = /female/i.test(value) ? 'female' : /male/i.test(value) ? 'male' : undefined;
        continue;
      }
      if (/nationality of registration/i.test(label)) {
        const c = resolveCountry(value);
        if (c) countries.push({ code: c, role: 'registration' });
        continue;
      }
      const parsed = identifierFrom(`${label} ${value}`);
      const type = parsed?.type ?? ID_PATTERNS.find(([re]) => re.test(label))?.[1] ?? 'other';
      const imo = /IMO\s*(\d{7})/.exec(value);
      const ident: Identifier = { type, value: type === 'imo' && imo ? imo[1] : value, label };
      const c = resolveCountry(textOf(id, 'idCountry'));
      if (c) ident.country = c;
      identifiers.push(ident);
    }
    const birthDates: DateSpec[] = [];
    for (const d of childrenNamed(child(el, 'dateOfBirthList'), 'dateOfBirthItem')) {
      const p = parseDate(textOf(d, 'dateOfBirth'));
      if (p) birthDates.push(p);
    }
    const birthPlaces: string[] = [];
    for (const p of childrenNamed(child(el, 'placeOfBirthList'), 'placeOfBirthItem')) {
      const place = textOf(p, 'placeOfBirth');
      if (!place) continue;
      birthPlaces.push(place);
      const c = resolveCountry(place.split(',').pop());
      if (c) countries.push({ code: c, role: 'birth' });
    }
    for (const [list, item, role] of [
      ['nationalityList', 'nationality', 'nationality'],
      ['citizenshipList', 'citizenship', 'citizenship'],
    ] as const) {
      for (const n of childrenNamed(child(el, list), item)) {
        const text = textOf(n, 'country');
        const c = resolveCountry(text);
        if (text) countries.push({ code: c ?? text, role });
      }
    }
    const addresses: Address[] = [];
    for (const a of childrenNamed(child(el, 'addressList'), 'address')) {
      const street = ['address1', 'address2', 'address3'].map((k) => textOf(a, k)).filter(Boolean).join(', ') || undefined;
      const country = textOf(a, 'country');
      const code = resolveCountry(country);
      const addr: Address = JSON.parse(
        JSON.stringify({ street, city: textOf(a, 'city'), region: textOf(a, 'stateOrProvince'), postalCode: textOf(a, 'postalCode'), country: code ?? country }),
      );
      addr.full = [street, textOf(a, 'city'), textOf(a, 'stateOrProvince'), textOf(a, 'postalCode'), country].filter(Boolean).join(', ');
      if (addr.full) addresses.push(addr);
      if (code) countries.push({ code, role: 'address' });
    }
    const vi = child(el, 'vesselInfo');
    const rem = parseOfacRemarks(textOf(el, 'remarks'));
    const entity: Entity = {
      id: `${source}:${uid}`,
      source,
      sourceId: uid,
      schema,
      names: uniq([...names, ...rem.weakAliases], (n) => `${n.kind}|${n.full}`),
      gender: gender ?? rem.gender,
      birthDates: uniq([...birthDates, ...rem.birthDates]),
      birthPlaces: uniq([...birthPlaces, ...rem.birthPlaces], (s) => s),
      countries: uniq([...countries, ...rem.countries], (c) => `${c.code}|${c.role}`),
      identifiers: uniq([...identifiers, ...rem.identifiers], (i) => `${i.type}|${i.value}`),
      addresses,
      programs: childrenNamed(child(el, 'programList'), 'program').map((p) => p.text.trim()).filter(Boolean),
      positions: textOf(el, 'title') ? [textOf(el, 'title')!] : undefined,
      relations: rem.relations,
      remarks: textOf(el, 'remarks'),
      sourceUrl: `https://sanctionssearch.ofac.treas.gov/Details.aspx?id=${uid}`,
      topics: ['sanction'],
    };
    if (vi) {
      const v = {
        type: textOf(vi, 'vesselType'),
        flag: textOf(vi, 'vesselFlag'),
        tonnage: textOf(vi, 'tonnage'),
        grt: textOf(vi, 'grossRegisteredTonnage'),
        owner: textOf(vi, 'vesselOwner'),
        callSign: textOf(vi, 'callSign'),
      };
      entity.vessel = JSON.parse(JSON.stringify(v));
      if (v.callSign) entity.identifiers = [...(entity.identifiers ?? []), { type: 'call-sign', value: v.callSign }];
      const flagCode = resolveCountry(v.flag);
      if (flagCode) entity.countries = [...(entity.countries ?? []), { code: flagCode, role: 'flag' }];
    }
    yield compactEntity(entity);
  }
}
