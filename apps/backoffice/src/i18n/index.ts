import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { es } from './es.ts';

export const LANGUAGES = [
  { value: 'en', label: 'English' },
  { value: 'es', label: 'Español' },
] as const;

function initialLanguage(): string {
  try {
    const saved = localStorage.getItem('tessera.lang');
    if (saved && saved in resources) return saved;
  } catch {
    // storage unavailable
  }
  const nav = typeof navigator !== 'undefined' ? navigator.language.slice(0, 2) : 'en';
  return nav in resources ? nav : 'en';
}

const resources = { en: { translation: en }, es: { translation: es } };

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

i18n.on('languageChanged', (lng) => {
  try {
    localStorage.setItem('tessera.lang', lng);
  } catch {
    // storage unavailable
  }
  document.documentElement.lang = lng;
});

export default i18n;
