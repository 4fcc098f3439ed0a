import { useTranslation } from 'react-i18next';
import { Icon } from '../ui/Icon.tsx';
import { Screen } from '../ui/Screen.tsx';

const KNOWN = ['session_expired', 'session_frozen', 'invalid_token', 'attempts_exhausted', 'country_not_allowed', 'verification_finished', 'noToken', 'network', 'unsupportedStep', 'handoff_invalid', 'embedding_not_allowed'];
/** Codes shown on the screen too: the person can pass them on to the website's support. */
const SHOW_CODE = ['embedding_not_allowed'];

/** A page for a situation the person cannot fix from inside a step: says what happened and what to do. */
export function ErrorScreen({ code, onRetry }: { code: string; onRetry?: () => void }) {
  const { t } = useTranslation();
  const key = KNOWN.includes(code) ? `errors.${code}` : 'errors.generic';
  const icon = code === 'session_expired' ? 'clock' : 'alert';
  return (
    <Screen title={code === 'verification_finished' ? t('done.title') : t('errors.title')}
      footer={onRetry && <button type="button" className="btn btn--primary" onClick={onRetry}>{t('common.retry')}</button>}>
      <div className="notice" data-error-code={code}>
        <span className={`notice__icon notice__icon--${code === 'verification_finished' ? 'ok' : 'warn'}`}>
          <Icon name={code === 'verification_finished' ? 'check' : icon} size={32} />
        </span>
        <p role="alert">{t(key)}</p>
        {SHOW_CODE.includes(code) && <p className="fineprint">{t('errors.code', { code })}</p>}
      </div>
    </Screen>
  );
}
