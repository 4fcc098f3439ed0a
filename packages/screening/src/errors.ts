/** Stable error codes callers can switch on; the message is for humans. */
export type ScreeningErrorCode =
  | 'INVALID_QUERY'
  | 'INVALID_INPUT'
  | 'UNKNOWN_SOURCE'
  | 'PARSE_ERROR'
  | 'RECORD_TOO_LARGE'
  | 'FILE_NOT_FOUND'
  | 'WORKER_FAILED'
  | 'POOL_CLOSED';

export class ScreeningError extends Error {
  readonly code: ScreeningErrorCode;
  constructor(code: ScreeningErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScreeningError';
    this.code = code;
  }
}
