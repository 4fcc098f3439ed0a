import type { TFunction } from 'i18next';
import { ApiError } from '../api.ts';

const OWN = ['file_too_large', 'unsupported_file', 'invalid_code', 'code_expired', 'country_not_allowed', 'attempts_exhausted', 'session_expired'];

/** A message a person can act on: ours for codes we know, the server's (already human) otherwise. */
export function errorMessage(t: TFunction, e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'network_error') return t('errors.network');
    if (OWN.includes(e.code)) return t(`errors.${e.code}`);
    if (e.message && e.status >= 400 && e.status < 500) return e.message;
  }
  return t('errors.generic');
}
