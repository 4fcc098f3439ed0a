import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStep } from '../context.ts';
import { isFatal } from '../api.ts';
import { customText } from '../content.ts';
import { Icon, type IconName } from '../ui/Icon.tsx';
import { Alert, Screen } from '../ui/Screen.tsx';
import { Handoff, isDesktop } from '../ui/Handoff.tsx';

export function Intro() {
  const { t } = useTranslation();
  const { api, session, step, done, fatal, away } = useStep();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const types = new Set(session.flow.steps.map((s) => s.type));
  const needs: [IconName, string][] = [];
  if (types.has('document') || types.has('selfie_with_document')) needs.push(['id', t('intro.needDocument')]);
  if (types.has('selfie') || types.has('liveness') || types.has('selfie_with_document')) needs.push(['face', t('intro.needFace')]);
  if (types.has('email') || types.has('phone')) needs.push([types.has('phone') ? 'phone' : 'mail', t('intro.needPhone')]);

  const text = step.settings as { title?: string; body?: string; buttonText?: string };

  async function start() {
    setBusy(true);
    setError(null);
    try {
      await api.complete(step.id);
      done();
    } catch (e) {
      if (isFatal(e)) return fatal(e);
      setError(t('errors.network'));
      setBusy(false);
    }
  }

  return (
    <Screen
      title={customText(text.title) ?? t('intro.title')}
      lead={customText(text.body) ?? t('intro.lead')}
      footer={
        <>
          <button type="button" className="btn btn--primary" onClick={start} disabled={busy} aria-busy={busy}>
            {customText(text.buttonText) ?? t('intro.start')}
          </button>
          {isDesktop() && <Handoff api={api} onProgress={away} />}
        </>
      }
    >
      <ul className="needs">
        {needs.map(([icon, text]) => (
          <li key={text}>
            <span className="needs__icon"><Icon name={icon} /></span>
            {text}
          </li>
        ))}
      </ul>
      {error && <Alert>{error}</Alert>}
      <p className="fineprint"><Icon name="lock" size={14} /> {t('intro.privacy')} {t('common.encrypted')}</p>
    </Screen>
  );
}
