import i18next, { type TFunction } from 'i18next';
import { ApiError } from '../api.ts';

/** A message a person can act on: ours for codes we know, the server's (already human) otherwise. */
export function errorMessage(t: TFunction, e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'network_error') return t('errors.network');
    if (i18next.exists(`errors.${e.code}`)) return t(`errors.${e.code}`);
    if (e.message && e.status >= 400 && e.status < 500) return e.message;
  }
  return t('errors.generic');
}
