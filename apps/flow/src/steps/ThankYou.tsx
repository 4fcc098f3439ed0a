import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isFatal, type Api, type FlowSession, type FlowStep } from '../api.ts';
import { resumeStep } from '../flow-state.ts';
import { customText } from '../content.ts';
import { Icon } from '../ui/Icon.tsx';
import { Alert, Screen, Spinner } from '../ui/Screen.tsx';

const REDIRECT_AFTER_MS = 4000;

function safeRedirect(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

/**
 * The end: tells the server the applicant has finished (which submits the verification), then sends the
 * person back to the flow's redirect URL. Inside the SDK the host page decides what happens next.
 */
export function ThankYou({ api, session, step, embedded, onComplete, onError, onRedo }: {
  api: Api; session: FlowSession; step: FlowStep | null; embedded: boolean; onComplete: () => void; onError: (e: unknown) => void;
  /** A step was refused while the person went on (a check finished, attempts remain): go back to it. */
  onRedo: (s: FlowSession) => void;
}) {
  const { t } = useTranslation();
  const [state, setState] = useState<'sending' | 'done' | 'error'>('sending');
  const sent = useRef(false);
  const redirect = embedded ? null : safeRedirect(session.flow.redirectUrl);

  const submit = async () => {
    setState('sending');
    try {
      const latest = await api.session();
      if (resumeStep(latest)) return onRedo(latest);
      if (step) await api.complete(step.id);
      setState('done');
    } catch (e) {
      const code = (e as { code?: string }).code;
      // Already finished (a second device got here first) is the same happy ending.
      if (code === 'verification_finished' || code === 'step_already_passed') return setState('done');
      if (isFatal(e)) return onError(e);
      setState('error');
    }
  };

  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    submit();
  }, []);

  useEffect(() => {
    if (state !== 'done') return;
    onComplete();
    if (!redirect) return;
    const id = setTimeout(() => window.location.assign(redirect), REDIRECT_AFTER_MS);
    return () => clearTimeout(id);
  }, [state]);

  return (
    <Screen title={customText(step?.settings.title) ?? t('done.title')}
      footer={state === 'error' ? <button type="button" className="btn btn--primary" onClick={submit}>{t('common.retry')}</button>
        : redirect && state === 'done' ? <a className="btn btn--primary" href={redirect}>{t('done.returnNow')}</a> : undefined}>
      {state === 'sending' && <Spinner label={t('common.checking')} />}
      {state === 'error' && <Alert>{t('errors.network')}</Alert>}
      {state === 'done' && (
        <div className="notice" data-testid="thank-you">
          <span className="notice__icon notice__icon--ok"><Icon name="check" size={36} /></span>
          <p>{customText(step?.settings.body) ?? t('done.lead')}</p>
          <p className="muted">{redirect ? t('done.redirecting') : embedded ? null : t('done.close')}</p>
        </div>
      )}
    </Screen>
  );
}
