export { EngineError, type EngineErrorCode } from './errors.ts';
export { intake, sniff, DEFAULT_LIMITS, type IntakeLimits, type IntakeResult, type ImageMime } from './intake.ts';
export {
  DocumentEngine,
  createDocumentEngine,
  analyzeDocument,
  closeSharedEngine,
  type AnalyzeOptions,
  type DocumentInput,
  type DocumentResult,
  type DocumentFields,
  type ExtractedData,
  type ExtractedPath,
  type MrzResult,
  type Signal,
  type EngineOptions,
} from './analyze.ts';
export { DEFAULT_QUALITY, type QualityReport, type QualityCheck, type QualityThresholds } from './quality.ts';
export { evaluateRules, documentKey, documentTypeFromCode, DEFAULT_SPECIMEN_STATES, type DocumentType, type RuleOptions, type RuleResult, type FixedInfo } from './rules.ts';
export { type CrossCheck, type CrossStatus, type VizField } from './viz.ts';
export { buildMrz, checkDigit, runChecks, extractFields, FORMAT_SHAPE, type MrzFormat, type MrzInput, type MrzFields } from './mrz/spec.ts';
export { compareNames, transliterations, toMrzName } from './names.ts';
export { parseAamva, buildAamva, type AamvaRecord } from './aamva.ts';
export { readDocumentBarcodes, type BarcodeRead } from './barcode.ts';
export { renderSpecimen, generateSpecimen, SPECIMEN_KINDS, TAMPERS, type SpecimenKind, type SpecimenOptions, type SpecimenSet, type SpecimenTruth, type Tamper } from './specimen/render.ts';
export { degrade, type Degradation } from './specimen/degrade.ts';
export { docCommand } from './cli.ts';
