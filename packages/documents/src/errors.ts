export type EngineErrorCode =
  | 'unsupported_type'
  | 'too_large'
  | 'too_many_pixels'
  | 'corrupt_image'
  | 'polyglot'
  | 'empty_file'
  | 'unreadable_file'
  | 'invalid_options'
  | 'engine_closed';

/** A failure the caller can act on: `code` is stable and safe to show or map to an API error. */
export class EngineError extends Error {
  readonly code: EngineErrorCode;
  constructor(code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
  }
}
