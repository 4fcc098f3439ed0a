// Public API of the screening engine (the server imports from here).
export * from './types.ts';
export * from './query.ts';
export { buildIndex, scorePair, ScreeningIndex, type IndexOptions } from './search-index.ts';
export { entityHash, importers, isSourceId, parseSource, type ImportInput, type ImportOptions, type Importer } from './importers/index.ts';
export { collect, detectSource, readLists, scanListsDir, type ListFiles } from './lists.ts';
export { ScreeningError } from './errors.ts';
