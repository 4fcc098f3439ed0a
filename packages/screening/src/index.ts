/**
 * @tessera/screening: sanctions and PEP screening engine (importers, normaliser, index, scorer).
 * No database, no HTTP: the server stores entities and wraps search in its API.
 */
export * from './types.ts';
export { ScreeningError, type ScreeningErrorCode } from './errors.ts';
export {
  DEFAULT_THRESHOLD,
  LIST_FLOOR,
  summarize,
  validateQuery,
  type EntitySummary,
  type Match,
  type MatchFeature,
  type ScreeningQuery,
  type ScreeningResult,
} from './query.ts';
export { buildIndex, scorePair, ScreeningIndex, type IndexOptions } from './search-index.ts';
export { ScreeningPool, type BatchItem, type PoolOptions } from './batch/pool.ts';
export {
  entityHash,
  importers,
  isSourceId,
  parseBisDpl,
  parseEu,
  parseFtm,
  parseOfacCons,
  parseOfacCsv,
  parseOfacRemarks,
  parseOfacSdn,
  parseOfacXml,
  parseSenzing,
  parseSource,
  parseUkOfsi,
  parseUn,
  parseUsCsl,
  classifyOfacFile,
  type Importer,
  type ImportInput,
  type ImportOptions,
  type OfacCsvFiles,
} from './importers/index.ts';
export { collect, detectSource, readLists, scanListsDir, type ListFiles } from './lists.ts';
export { analyzeName, type AnalyzedName } from './normalize/name.ts';
export { foldWords, foldIdentifier } from './normalize/text.ts';
export { parseDate } from './normalize/dates.ts';
export { resolveCountry } from './normalize/countries.ts';
export { NAME_WEIGHTS, type TokenPair } from './match/name-score.ts';
export { EVIDENCE } from './match/entity-score.ts';
export { formatMatchLine, formatResultText } from './format.ts';
export {
  buildListsCommand,
  buildProgram,
  buildScreenCommand,
  listFilesFromOptions,
  loadEntities,
  readBatch,
  screenQueryFromOptions,
  type Io,
  type ScreenDeps,
  type ScreenOptions,
} from './commands.ts';
