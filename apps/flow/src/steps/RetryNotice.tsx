import { useTranslation } from 'react-i18next';
import type { Submission } from '../api.ts';
import { Alert } from '../ui/Screen.tsx';

/** Shown when a step is asked again: the previous attempt was refused (by a check or a reviewer). */
export function RetryNotice({ previous, comment }: { previous: Submission | null; comment?: string | null }) {
  const { t } = useTranslation();
  if (!previous) return null;
  const message = typeof previous.feedback.message === 'string' ? previous.feedback.message : null;
  return (
    <Alert tone="info">
      {t('errors.retryStep')}
      {(comment || message) && <div className="muted">{comment ?? message}</div>}
    </Alert>
  );
}
