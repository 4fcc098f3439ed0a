import { compareDates, parseDate, toInterval, type DateInterval } from '../normalize/dates.ts';
import { resolveCountry } from '../normalize/countries.ts';
import { analyzeName, rulesFor, type NameRules } from '../normalize/name.ts';
import { foldIdentifier } from '../normalize/text.ts';
import { DEFAULT_THRESHOLD, LIST_FLOOR, summarize, type Match, type MatchFeature, type ScreeningQuery } from '../query.ts';
import type { Entity, NameKind } from '../types.ts';
import { prepareName, scoreNames, type NameScore, type PreparedName } from './name-score.ts';
import { tokenSimilarity } from './similarity.ts';

/** Points added to or taken from the name score by the other evidence (global, see README). */
export const EVIDENCE = {
  dobExact: 5,
  dobMonth: 3,
  dobYear: 2,
  dobRange: 1,
  dobNear: -3,
  dobOff: -10,
  dobFar: -22,
  countryMatch: 2,
  countryMismatch: -5,
  genderMismatch: -10,
};

export type RarityFn = (token: string) => number;
const UNIFORM: RarityFn = () => 1;

export interface PreparedEntityName {
  raw: string;
  kind: NameKind;
  prepared: PreparedName;
}

export interface PreparedEntity {
  entity: Entity;
  rules: NameRules;
  names: PreparedEntityName[];
  dobs: DateInterval[];
  countries: Set<string>;
  identifiers: Map<string, string>;
}

export function prepareEntity(entity: Entity, rarity: RarityFn = UNIFORM): PreparedEntity {
  const rules = rulesFor(entity.schema === 'unknown' ? 'any' : entity.schema);
  const seen = new Set<string>();
  const names: PreparedEntityName[] = [];
  // Strong names first so that an equal-scoring weak alias never displaces them.
  const order: Record<NameKind, number> = { primary: 0, alias: 1, former: 2, weak: 3, 'low-quality': 4 };
  for (const n of [...entity.names].sort((a, b) => order[a.kind] - order[b.kind])) {
    const key = n.full.trim();
    if (!key || seen.has(key)) continue;
    seen.add(key);
    // Entity names are analysed once, outside the query cache (which they would only crowd out).
    const a = analyzeName(key, rules === 'any' ? 'any' : rules === 'person' ? 'person' : 'organization', false);
    if (!a.tokens.length && !a.legal.length) continue;
    names.push({ raw: key, kind: n.kind, prepared: prepareName(a, a.tokens.map(rarity)) });
  }
  const dobs: DateInterval[] = [];
  for (const d of entity.birthDates ?? []) {
    const i = toInterval(d);
    if (i) dobs.push(i);
  }
  const countries = new Set<string>();
  for (const c of entity.countries ?? []) if (c.code.length === 2) countries.add(c.code.toUpperCase());
  const identifiers = new Map<string, string>();
  for (const id of entity.identifiers ?? []) {
    const v = foldIdentifier(id.value);
    // Very short values ("1", "A") are not identifying; they would match by accident.
    if (v.length >= 5) identifiers.set(v, id.type);
  }
  return { entity, rules, names, dobs, countries, identifiers };
}

export interface PreparedQuery {
  query: ScreeningQuery;
  names: string[];
  schema: NonNullable<ScreeningQuery['schema']>;
  threshold: number;
  byRules: Map<NameRules, PreparedName[]>;
  dob?: DateInterval;
  countries: Set<string>;
  documentNumber?: string;
  rarity: RarityFn;
  /**
   * Options copied out of `query`, whose shape varies with the fields a caller sent: read from
   * here, the hot paths see one object shape and stay optimised.
   */
  limit: number;
  lists: string[] | undefined;
  includeAliases: boolean;
  includeRelatives: boolean;
  deep: boolean;
  gender: 'male' | 'female' | undefined;
}

export function prepareQuery(query: ScreeningQuery, rarity: RarityFn = UNIFORM): PreparedQuery {
  const names = [...(query.name ? [query.name] : []), ...(query.names ?? [])].filter((n) => n.trim());
  let dob: DateInterval | undefined;
  if (query.birthDate) {
    const spec = parseDate(query.birthDate);
    if (spec) dob = toInterval(spec);
  } else if (query.birthYearFrom !== undefined || query.birthYearTo !== undefined) {
    dob = toInterval({
      from: query.birthYearFrom !== undefined ? String(query.birthYearFrom) : undefined,
      to: query.birthYearTo !== undefined ? String(query.birthYearTo) : undefined,
    });
  }
  const countries = new Set<string>();
  for (const c of query.countries ?? []) {
    const code = resolveCountry(c);
    if (code) countries.add(code);
  }
  const doc = query.documentNumber ? foldIdentifier(query.documentNumber) : undefined;
  return {
    query,
    names,
    schema: query.schema ?? 'any',
    threshold: query.threshold ?? DEFAULT_THRESHOLD,
    byRules: new Map(),
    dob,
    countries,
    documentNumber: doc && doc.length >= 5 ? doc : undefined,
    rarity,
    limit: query.limit ?? 20,
    lists: query.lists?.length ? query.lists : undefined,
    includeAliases: query.includeAliases !== false,
    includeRelatives: !!query.includeRelatives,
    deep: !!query.deep,
    gender: query.gender,
  };
}

export function queryNamesFor(pq: PreparedQuery, rules: NameRules): PreparedName[] {
  let list = pq.byRules.get(rules);
  if (!list) {
    // A query typed as a person is read with person rules even against a record of unknown type.
    const effective: NameRules = pq.schema === 'person' ? 'person' : pq.schema === 'any' ? rules : 'org';
    const schema = effective === 'person' ? 'person' : effective === 'org' ? 'organization' : 'any';
    list = pq.names.map((raw) => {
      const a = analyzeName(raw, schema);
      return prepareName(a, a.tokens.map(pq.rarity));
    });
    pq.byRules.set(rules, list);
  }
  return list;
}

export function schemaCompatible(q: PreparedQuery['schema'], e: Entity['schema']): boolean {
  if (q === 'any' || e === 'unknown') return true;
  if (q === 'person') return e === 'person';
  if (q === 'organization') return e !== 'person';
  return e === q || e === 'organization';
}

const WEAK: ReadonlySet<NameKind> = new Set(['weak', 'low-quality']);

type SimFn = (a: string, b: string, aa: boolean, ba: boolean) => number;
const defaultSim: SimFn = (a, b, aa, ba) => tokenSimilarity(a, b, aa, ba);

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

const DOB_RANK = { exact: 0, month: 1, year: 2, range: 3, near: 4, off: 5, far: 6 } as const;

function dobFeature(pq: PreparedQuery, pe: PreparedEntity): MatchFeature | undefined {
  if (!pq.dob || !pe.dobs.length) return undefined;
  const rank = DOB_RANK;
  let best: ReturnType<typeof compareDates> | undefined;
  for (const d of pe.dobs) {
    const c = compareDates(pq.dob, d);
    if (!best || rank[c.relation] < rank[best.relation]) best = c;
  }
  if (!best) return undefined;
  // Read at call time: EVIDENCE is exported and may be tuned.
  const r = best.relation;
  const effect =
    r === 'exact' ? EVIDENCE.dobExact
    : r === 'month' ? EVIDENCE.dobMonth
    : r === 'year' ? EVIDENCE.dobYear
    : r === 'range' ? EVIDENCE.dobRange
    : r === 'near' ? EVIDENCE.dobNear
    : r === 'off' ? EVIDENCE.dobOff
    : EVIDENCE.dobFar;
  const detail =
    best.relation === 'exact' ? 'same date of birth'
    : best.relation === 'month' ? 'same year and month of birth (or day and month swapped)'
    : best.relation === 'year' ? 'same year of birth'
    : best.relation === 'range' ? 'birth date within published range'
    : `birth years ${best.years} apart`;
  return { feature: 'dob', effect, detail };
}

function countryFeature(pq: PreparedQuery, pe: PreparedEntity): MatchFeature | undefined {
  if (!pq.countries.size || !pe.countries.size) return undefined;
  for (const c of pq.countries) if (pe.countries.has(c)) return { feature: 'country', effect: EVIDENCE.countryMatch, detail: `country ${c} in common` };
  return { feature: 'country', effect: EVIDENCE.countryMismatch, detail: 'no country in common' };
}

/**
 * Score one entity against a query: the best name (any query name against any entity name), then
 * date of birth, country, gender and identifier evidence. Returns undefined below LIST_FLOOR.
 */
export function scoreEntity(pq: PreparedQuery, pe: PreparedEntity, sim: SimFn = defaultSim, floor = LIST_FLOOR, onlyNames?: Set<number>): Match | undefined {
  const e = pe.entity;
  if (!schemaCompatible(pq.schema, e.schema)) return undefined;
  const idMatch = pq.documentNumber ? pe.identifiers.get(pq.documentNumber) : undefined;
  const qNames = queryNamesFor(pq, pe.rules);
  const includeAliases = pq.includeAliases;
  let best: { ns: NameScore; name: PreparedEntityName; qi: number } | undefined;
  let bestStrong: typeof best;
  for (let ni = 0; ni < pe.names.length; ni++) {
    const n = pe.names[ni];
    if (onlyNames && !onlyNames.has(ni)) continue;
    if (!includeAliases && n.kind !== 'primary') continue;
    for (let qi = 0; qi < qNames.length; qi++) {
      const ns = scoreNames(qNames[qi], n.prepared, sim, false);
      if (!best || ns.score > best.ns.score) best = { ns, name: n, qi };
      if (!WEAK.has(n.kind) && (!bestStrong || ns.score > bestStrong.ns.score)) bestStrong = { ns, name: n, qi };
    }
  }
  if (!best) return undefined;
  // Prefer a strong name unless a weak alias is clearly better: its score is reported, but it alone never alerts.
  const chosen = bestStrong && bestStrong.ns.score >= best.ns.score - 0.02 ? bestStrong : best;
  if (chosen.ns.score * 100 + 30 < floor && !idMatch) return undefined;
  chosen.ns = scoreNames(qNames[chosen.qi], chosen.name.prepared, sim, true);
  const features: MatchFeature[] = [];
  const nameScore = chosen.ns.score * 100;
  features.push({ feature: 'name', effect: round1(nameScore), detail: `${chosen.name.kind} name similarity` });
  let score = nameScore;
  const extra: MatchFeature[] = [];
  // Other evidence only moves a name that already resembles the query.
  if (nameScore >= 40) {
    const dob = dobFeature(pq, pe);
    if (dob) extra.push(dob);
    const country = countryFeature(pq, pe);
    if (country) extra.push(country);
    const g = pq.gender;
    if (g && e.gender && g !== e.gender) extra.push({ feature: 'gender', effect: EVIDENCE.genderMismatch, detail: 'gender differs' });
  }
  for (const f of extra) {
    score += f.effect;
    features.push(f);
  }
  score = Math.max(0, Math.min(100, score));
  if (idMatch) {
    features.push({ feature: 'identifier', effect: round1(100 - score), detail: `${idMatch} number matches` });
    score = 100;
  }
  if (score < floor) return undefined;
  const weakOnly = WEAK.has(chosen.name.kind) && !idMatch;
  if (weakOnly) features.push({ feature: 'weak-alias', effect: 0, detail: 'matched only a weak alias: never a hit on its own' });
  score = round1(score);
  return {
    entityId: e.id,
    score,
    hit: score >= pq.threshold && !weakOnly,
    matchedName: chosen.name.raw,
    matchedNameKind: chosen.name.kind,
    queryName: pq.names[chosen.qi],
    features,
    tokens: chosen.ns.pairs,
    entity: summarize(e),
  };
}
