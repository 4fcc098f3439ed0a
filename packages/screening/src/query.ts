import { ScreeningError } from './errors.ts';
import type { Entity, NameKind, Schema, SourceId } from './types.ts';
import { SOURCE_IDS } from './types.ts';
import type { TokenPair } from './match/name-score.ts';

/** The API query (`POST /v1/aml/search`, `tessera screen`, one line of `--batch`). */
export interface ScreeningQuery {
  name?: string;
  names?: string[];
  schema?: 'person' | 'organization' | 'vessel' | 'aircraft' | 'any';
  /** "YYYY", "YYYY-MM" or "YYYY-MM-DD". */
  birthDate?: string;
  birthYearFrom?: number;
  birthYearTo?: number;
  /** ISO 3166-1 alpha-2 codes or country names. */
  countries?: string[];
  gender?: 'male' | 'female';
  documentNumber?: string;
  /** Restrict to these sources (list ids such as "ofac-sdn", "un"). */
  lists?: string[];
  /** 0-100, default 70: matches at or above it are hits. */
  threshold?: number;
  /** Also return entities linked to a hit (relatives, close associates, owners). */
  includeRelatives?: boolean;
  /** Match aliases as well as primary names (default true). */
  includeAliases?: boolean;
  /** Wider candidate search: slower, for investigations rather than onboarding. */
  deep?: boolean;
  /** Maximum matches returned (default 20). */
  limit?: number;
}

export const DEFAULT_THRESHOLD = 70;
/** Matches below this are not listed at all. */
export const LIST_FLOOR = 50;

export interface MatchFeature {
  /** name | dob | country | gender | identifier | weak-alias | relation */
  feature: string;
  /** Points this feature added to (or took from) the score. */
  effect: number;
  detail: string;
}

export interface EntitySummary {
  id: string;
  schema: Schema;
  caption: string;
  source: SourceId;
  programs?: string[];
  topics?: string[];
  countries?: string[];
  birthDates?: string[];
  sourceUrl?: string;
  listedOn?: string;
}

export interface Match {
  entityId: string;
  score: number;
  hit: boolean;
  matchedName: string;
  matchedNameKind: NameKind;
  queryName: string;
  features: MatchFeature[];
  /** Token-level explanation of the name score. */
  tokens: TokenPair[];
  entity: EntitySummary;
  /** Present on relatives returned by includeRelatives: the hit they are linked to. */
  relatedTo?: { entityId: string; relation: string };
}

export interface ScreeningResult {
  query: { names: string[]; schema: string; threshold: number };
  matches: Match[];
  hits: number;
  /** Candidates fully scored (for diagnostics and benchmarks). */
  scored: number;
}

export function summarize(e: Entity): EntitySummary {
  const primary = e.names.find((n) => n.kind === 'primary') ?? e.names[0];
  const s: EntitySummary = { id: e.id, schema: e.schema, caption: primary?.full ?? e.id, source: e.source };
  if (e.programs?.length) s.programs = e.programs;
  if (e.topics?.length) s.topics = e.topics;
  const countries = [...new Set((e.countries ?? []).map((c) => c.code))];
  if (countries.length) s.countries = countries;
  const dobs = (e.birthDates ?? []).map((d) => d.date ?? `${d.from ?? ''}..${d.to ?? ''}`);
  if (dobs.length) s.birthDates = dobs;
  if (e.sourceUrl) s.sourceUrl = e.sourceUrl;
  if (e.listedOn) s.listedOn = e.listedOn;
  return s;
}

const MAX_NAME_LENGTH = 500;
const MAX_NAMES = 20;

/** Validate a query from outside (API body, CLI, batch line); throws INVALID_QUERY. */
export function validateQuery(input: unknown): ScreeningQuery {
  if (!input || typeof input !== 'object') throw new ScreeningError('INVALID_QUERY', 'query must be an object');
  const q = input as Record<string, unknown>;
  const names: string[] = [];
  if (typeof q.name === 'string') names.push(q.name);
  if (Array.isArray(q.names)) for (const n of q.names) if (typeof n === 'string') names.push(n);
  const clean = names.map((n) => n.trim()).filter(Boolean);
  if (!clean.length) throw new ScreeningError('INVALID_QUERY', 'query needs a non-empty name or names[]');
  if (clean.length > MAX_NAMES) throw new ScreeningError('INVALID_QUERY', `at most ${MAX_NAMES} names per query`);
  if (clean.some((n) => n.length > MAX_NAME_LENGTH)) throw new ScreeningError('INVALID_QUERY', `names are limited to ${MAX_NAME_LENGTH} characters`);
  const schema = q.schema ?? 'any';
  if (!['person', 'organization', 'vessel', 'aircraft', 'any'].includes(schema as string)) {
    throw new ScreeningError('INVALID_QUERY', 'schema must be person, organization, vessel, aircraft or any');
  }
  const threshold = q.threshold ?? DEFAULT_THRESHOLD;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 100)) throw new ScreeningError('INVALID_QUERY', 'threshold must be 0-100');
  if (q.birthDate !== undefined && (typeof q.birthDate !== 'string' || !/^\d{4}(-\d{2}(-\d{2})?)?$/.test(q.birthDate))) {
    throw new ScreeningError('INVALID_QUERY', 'birthDate must be YYYY, YYYY-MM or YYYY-MM-DD');
  }
  for (const k of ['birthYearFrom', 'birthYearTo'] as const) {
    if (q[k] !== undefined && (typeof q[k] !== 'number' || !Number.isInteger(q[k]))) throw new ScreeningError('INVALID_QUERY', `${k} must be a year`);
  }
  if (q.countries !== undefined && (!Array.isArray(q.countries) || q.countries.some((c) => typeof c !== 'string'))) {
    throw new ScreeningError('INVALID_QUERY', 'countries must be an array of strings');
  }
  if (q.lists !== undefined) {
    if (!Array.isArray(q.lists) || q.lists.some((l) => typeof l !== 'string')) throw new ScreeningError('INVALID_QUERY', 'lists must be an array of list ids');
    const unknown = (q.lists as string[]).filter((l) => !(SOURCE_IDS as readonly string[]).includes(l) && !l.includes(':'));
    if (unknown.length) throw new ScreeningError('INVALID_QUERY', `unknown lists: ${unknown.join(', ')}`);
  }
  if (q.gender !== undefined && q.gender !== 'male' && q.gender !== 'female') throw new ScreeningError('INVALID_QUERY', 'gender must be male or female');
  if (q.documentNumber !== undefined && typeof q.documentNumber !== 'string') throw new ScreeningError('INVALID_QUERY', 'documentNumber must be a string');
  const limit = q.limit ?? 20;
  if (typeof limit !== 'number' || !(limit >= 1 && limit <= 500)) throw new ScreeningError('INVALID_QUERY', 'limit must be 1-500');
  return {
    names: clean,
    schema: schema as ScreeningQuery['schema'],
    threshold,
    limit,
    ...(q.birthDate !== undefined ? { birthDate: q.birthDate as string } : {}),
    ...(q.birthYearFrom !== undefined ? { birthYearFrom: q.birthYearFrom as number } : {}),
    ...(q.birthYearTo !== undefined ? { birthYearTo: q.birthYearTo as number } : {}),
    ...(q.countries !== undefined ? { countries: q.countries as string[] } : {}),
    ...(q.gender !== undefined ? { gender: q.gender as 'male' | 'female' } : {}),
    ...(q.documentNumber !== undefined ? { documentNumber: q.documentNumber as string } : {}),
    ...(q.lists !== undefined ? { lists: q.lists as string[] } : {}),
    ...(q.includeRelatives !== undefined ? { includeRelatives: !!q.includeRelatives } : {}),
    ...(q.includeAliases !== undefined ? { includeAliases: !!q.includeAliases } : {}),
    ...(q.deep !== undefined ? { deep: !!q.deep } : {}),
  };
}
