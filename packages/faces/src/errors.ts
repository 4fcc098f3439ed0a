/** Stable error codes: the server maps them to API errors and applicant messages. */
export type FaceErrorCode =
  | 'INVALID_INPUT'
  | 'INVALID_IMAGE'
  | 'UNSUPPORTED_FORMAT'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_TOO_SMALL'
  | 'NO_FACE'
  | 'MULTIPLE_FACES'
  | 'MODEL_LOAD_FAILED'
  | 'ENGINE_CLOSED'
  | 'INVALID_CHALLENGE';

/** What the applicant is shown when no face is found (issue 6 wording). */
export const NO_FACE_MESSAGE = 'Face could not be detected. Please upload a clear image of your face.';

export class FaceError extends Error {
  readonly code: FaceErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: FaceErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'FaceError';
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: FaceErrorCode; message: string; details: Record<string, unknown> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isFaceError(err: unknown): err is FaceError {
  return err instanceof FaceError;
}
