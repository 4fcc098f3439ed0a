import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from './Icon.tsx';

/** The frame around every step: who is asking, how far along the person is, and that it is secure. */
export function Shell({ children, current, total, onLanguage, lang, languages }: {
  children: ReactNode; current?: number; total?: number; lang: string; languages: readonly string[]; onLanguage: (l: string) => void;
}) {
  const { t } = useTranslation();
  const names = (l: string) => {
    try {
      return new Intl.DisplayNames([l], { type: 'language' }).of(l) ?? l;
    } catch {
      return l;
    }
  };
  return (
    <div className="shell">
      <header className="topbar">
        <span className="topbar__secure">
          <Icon name="lock" size={16} />
          {t('common.secure')}
        </span>
        <label className="lang">
          <span className="visually-hidden">{t('common.language')}</span>
          <select value={lang} onChange={(e) => onLanguage(e.target.value)}>
            {languages.map((l) => (
              <option key={l} value={l}>
                {names(l)}
              </option>
            ))}
          </select>
        </label>
      </header>
      {current !== undefined && total !== undefined && total > 1 && (
        <div className="progress" role="progressbar" aria-valuemin={1} aria-valuemax={total} aria-valuenow={current} aria-label={t('common.stepOf', { current, total })}>
          <div className="progress__bar" style={{ width: `${(current / total) * 100}%` }} />
        </div>
      )}
      <main className="card">{children}</main>
      <footer className="foot">
        <Icon name="shield" size={14} />
        <span>{t('common.poweredBy')}</span>
      </footer>
    </div>
  );
}
