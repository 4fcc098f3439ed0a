/**
 * The entity model shared by every importer, the index and the server. Everything here is plain,
 * JSON-serialisable data: the server stores entities as JSONB and rebuilds indexes from them.
 */

export const SOURCE_IDS = ['ofac-sdn', 'ofac-cons', 'un', 'eu', 'uk-ofsi', 'us-csl', 'bis-dpl', 'ftm', 'senzing'] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

export type Schema = 'person' | 'organization' | 'vessel' | 'aircraft' | 'unknown';

/**
 * primary: the listed name; alias: a good-quality a.k.a.; former: f.k.a.;
 * weak: a weak alias / nickname the publisher flags as such; low-quality: "low quality" alias (UN).
 * Weak and low-quality names are matched and reported, but never raise a hit on their own.
 */
export type NameKind = 'primary' | 'alias' | 'former' | 'weak' | 'low-quality';

export interface EntityName {
  full: string;
  kind: NameKind;
  /** Structured parts when the publisher gives them. */
  given?: string;
  middle?: string;
  family?: string;
  patronymic?: string;
  /** ISO 639 language or script hint when known (e.g. from original-script fields). */
  lang?: string;
}

/**
 * A date as published: "YYYY", "YYYY-MM" or "YYYY-MM-DD", or a range of those. `circa` marks
 * publisher-approximate dates, which are matched with a wider tolerance.
 */
export interface DateSpec {
  date?: string;
  from?: string;
  to?: string;
  circa?: boolean;
}

export type CountryRole =
  | 'nationality'
  | 'citizenship'
  | 'residence'
  | 'birth'
  | 'jurisdiction'
  | 'registration'
  | 'flag'
  | 'address'
  | 'other';

export interface CountryRef {
  /** ISO 3166-1 alpha-2 when it could be resolved, otherwise the publisher's text. */
  code: string;
  role: CountryRole;
}

export type IdentifierType =
  | 'passport'
  | 'national-id'
  | 'tax'
  | 'registration'
  | 'imo'
  | 'mmsi'
  | 'call-sign'
  | 'aircraft-serial'
  | 'aircraft-tail'
  | 'crypto'
  | 'swift'
  | 'lei'
  | 'email'
  | 'phone'
  | 'website'
  | 'other';

export interface Identifier {
  type: IdentifierType;
  value: string;
  country?: string;
  /** Publisher's own label, e.g. "Cedula No." or "Digital Currency Address - XBT". */
  label?: string;
}

export interface Address {
  full?: string;
  street?: string;
  city?: string;
  region?: string;
  postalCode?: string;
  country?: string;
}

export type RelationType = 'family' | 'associate' | 'owner' | 'owned-by' | 'director' | 'member' | 'linked' | 'other';

export interface Relation {
  type: RelationType;
  /** Entity id in the same source when the publisher links one. */
  targetId?: string;
  targetName?: string;
  role?: string;
}

export interface Entity {
  /** Stable, source-prefixed id, e.g. "ofac-sdn:12345". */
  id: string;
  source: SourceId;
  sourceId: string;
  schema: Schema;
  names: EntityName[];
  gender?: 'male' | 'female';
  birthDates?: DateSpec[];
  deathDates?: DateSpec[];
  birthPlaces?: string[];
  countries?: CountryRef[];
  identifiers?: Identifier[];
  addresses?: Address[];
  programs?: string[];
  /** Topics as OpenSanctions uses them: "sanction", "role.pep", "role.rca", "crime", ... */
  topics?: string[];
  listedOn?: string;
  lastChange?: string;
  sourceUrl?: string;
  relations?: Relation[];
  remarks?: string;
  vessel?: { type?: string; flag?: string; tonnage?: string; grt?: string; owner?: string; callSign?: string };
  /** Free-form positions/titles (PEP roles, designations). */
  positions?: string[];
}
