import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isFatal, type Api, type Extracted, type FlowSession, type FlowStep } from '../api.ts';
import { pendingConfirmation, readingsSettled, submittedPrefillSteps, type ResultWatcher } from '../prefill.ts';
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

/** After this long reading a page, the person may finish without confirming what was read. */
const SLOW_READING_MS = 30_000;

/**
 * The end. Before telling the server the applicant has finished (which submits the verification): a
 * step refused while the person went on is asked again, and pages the flow prefills from are shown for
 * confirmation once read. Then the person goes back to the flow's redirect URL; inside the SDK the host
 * page decides what happens next.
 */
export function ThankYou({ api, results, session, step, embedded, elsewhere, onComplete, onError, onRedo, onConfirm }: {
  api: Api; results: ResultWatcher; session: FlowSession; step: FlowStep | null; embedded: boolean;
  /** The person finished on another device, which did the confirmations. */
  elsewhere: boolean;
  onComplete: () => void; onError: (e: unknown) => void;
  /** A step was refused while the person went on (a check finished, attempts remain): go back to it. */
  onRedo: (s: FlowSession) => void;
  /** A page was read and waits for the person to confirm what was read. */
  onConfirm: (s: FlowSession, step: FlowStep, extracted: Extracted) => void;
}) {
  const { t } = useTranslation();
  const [state, setState] = useState<'reading' | 'sending' | 'done' | 'error'>('sending');
  const [slow, setSlow] = useState(false);
  const skipReading = useRef<(() => void) | null>(null);
  const sent = useRef(false);
  const redirect = embedded ? null : safeRedirect(session.flow.redirectUrl);

  const submit = async () => {
    setState('sending');
    try {
      let latest = await api.session();
      if (resumeStep(latest)) return onRedo(latest);
      if (!elsewhere && submittedPrefillSteps(latest).length) {
        setState('reading');
        const skipped = await Promise.race([
          readingsSettled(results, latest).then(() => false),
          new Promise<boolean>((r) => (skipReading.current = () => r(true))),
        ]);
        setState('sending');
        if (!skipped) {
          // A page the engine has just refused is taken again before anything is confirmed.
          latest = await api.session();
          if (resumeStep(latest)) return onRedo(latest);
          const pending = await pendingConfirmation(results, api, latest);
          if (pending) return onConfirm(latest, pending.step, pending.extracted);
        }
      }
      // Reached on another device first: submitting the thank-you again would only add an attempt.
      if (step && latest.progress.find((p) => p.id === step.id)?.status !== 'approved') await api.complete(step.id);
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
    if (state !== 'reading') return;
    const id = setTimeout(() => setSlow(true), SLOW_READING_MS);
    return () => clearTimeout(id);
  }, [state]);

  useEffect(() => {
    if (state !== 'done') return;
    onComplete();
    if (!redirect) return;
    const id = setTimeout(() => window.location.assign(redirect), REDIRECT_AFTER_MS);
    return () => clearTimeout(id);
  }, [state]);

  if (state === 'reading') {
    return (
      <Screen title={t('document.readingTitle')} lead={t('document.readingLead')}
        footer={slow ? <button type="button" className="btn btn--ghost" onClick={() => skipReading.current?.()}>{t('document.finishWithoutChecking')}</button> : undefined}>
        <Spinner label={t('document.reading')} />
        {slow && <Alert tone="info">{t('document.readingSlow')}</Alert>}
      </Screen>
    );
  }

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
