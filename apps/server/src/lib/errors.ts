/**
 * Every error a client sees is an AppError: a stable machine `code`, an HTTP status and a human message.
 * Codes are a contract with integrators; add new ones, never rename.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new AppError(400, code, message, details);
export const unauthorized = (message = 'Authentication is required.', code = 'unauthorized') => new AppError(401, code, message);
export const forbidden = (message = 'You do not have permission to do this.', code = 'forbidden', details?: unknown) =>
  new AppError(403, code, message, details);
export const notFound = (what = 'Resource', code = 'not_found') => new AppError(404, code, `${what} not found.`);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) => new AppError(422, code, message, details);
export const tooMany = (retryAfterSeconds: number, message = 'Too many requests.', code = 'rate_limited') =>
  new AppError(429, code, message, { retryAfterSeconds }, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
