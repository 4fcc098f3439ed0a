import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './locales/en.ts';
import fr from './locales/fr.ts';

export const LANGUAGES = ['en', 'fr'] as const;

/** Picks the first supported language among the candidates ("fr-CA" → "fr"), else English. */
export function pickLanguage(...candidates: (string | null | undefined)[]): string {
  for (const c of candidates) {
    const base = c?.toLowerCase().split(/[-_]/)[0];
    if (base && (LANGUAGES as readonly string[]).includes(base)) return base;
  }
  return 'en';
}

export function initI18n(lang: string) {
  document.documentElement.lang = lang;
  return i18next.use(initReactI18next).init({
    lng: lang,
    fallbackLng: 'en',
    resources: { en: { translation: en }, fr: { translation: fr } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
}

export function setLanguage(lang: string) {
  document.documentElement.lang = lang;
  return i18next.changeLanguage(lang);
}
