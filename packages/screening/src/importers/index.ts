import { extname } from 'node:path';
import { ScreeningError } from '../errors.ts';
import { SOURCE_IDS, type Entity, type SourceId } from '../types.ts';
import { isPathList, type ImportInput, type ImportOptions } from './common.ts';
import { parseBisDpl } from './bis-dpl.ts';
import { parseEu } from './eu.ts';
import { parseFtm } from './ftm.ts';
import { parseOfacCsv, parseOfacXml, type OfacCsvFiles } from './ofac.ts';
import { parseSenzing } from './senzing.ts';
import { parseUkOfsi } from './uk-ofsi.ts';
import { parseUn } from './un.ts';
import { parseUsCsl } from './us-csl.ts';

export { parseBisDpl, parseEu, parseFtm, parseOfacCsv, parseOfacXml, parseSenzing, parseUkOfsi, parseUn, parseUsCsl };
export { classifyOfacFile, parseOfacRemarks, type OfacCsvFiles } from './ofac.ts';
export { entityHash, type ImportInput, type ImportOptions } from './common.ts';

function isXml(input: ImportInput | OfacCsvFiles): boolean {
  if (!isPathList(input as ImportInput)) return false;
  const paths = typeof input === 'string' ? [input] : (input as string[]);
  return paths.length === 1 && extname(paths[0]).toLowerCase() === '.xml';
}

export function parseOfacSdn(input: ImportInput | OfacCsvFiles, opts?: ImportOptions): AsyncGenerator<Entity> {
  return isXml(input) ? parseOfacXml(input as ImportInput, 'ofac-sdn', opts) : parseOfacCsv(input, 'ofac-sdn', opts);
}

export function parseOfacCons(input: ImportInput | OfacCsvFiles, opts?: ImportOptions): AsyncGenerator<Entity> {
  return isXml(input) ? parseOfacXml(input as ImportInput, 'ofac-cons', opts) : parseOfacCsv(input, 'ofac-cons', opts);
}

export type Importer = (input: ImportInput, opts?: ImportOptions) => AsyncGenerator<Entity>;

/** One importer per `--source` id. Each streams; OFAC accepts several files (sdn, alt, add, comments). */
export const importers: Record<SourceId, Importer> = {
  'ofac-sdn': parseOfacSdn,
  'ofac-cons': parseOfacCons,
  un: parseUn,
  eu: parseEu,
  'uk-ofsi': parseUkOfsi,
  'us-csl': parseUsCsl,
  'bis-dpl': parseBisDpl,
  ftm: parseFtm,
  senzing: parseSenzing,
};

export function isSourceId(s: string): s is SourceId {
  return (SOURCE_IDS as readonly string[]).includes(s);
}

/** Parse `input` as list `source`; throws UNKNOWN_SOURCE for an unknown id. */
export function parseSource(source: string, input: ImportInput, opts?: ImportOptions): AsyncGenerator<Entity> {
  if (!isSourceId(source)) throw new ScreeningError('UNKNOWN_SOURCE', `unknown source "${source}"; expected one of ${SOURCE_IDS.join(', ')}`);
  return importers[source](input, opts);
}
