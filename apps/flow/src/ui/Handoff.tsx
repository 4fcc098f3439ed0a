import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Api } from '../api.ts';
import { Icon } from './Icon.tsx';
import { Alert, Spinner } from './Screen.tsx';

/** Only offered on computers: on a phone the person already has the camera in hand. */
export function isDesktop(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(pointer: fine)').matches && !('ontouchstart' in window);
}

/**
 * "Continue on your phone": a QR code and short link from the server carry this session to another
 * device. While it is open we poll the session; once the phone has made progress, this page steps
 * aside (onProgress) and waits for the phone to finish.
 */
export function Handoff({ api, onProgress, startOpen = false }: { api: Api; onProgress: () => void; startOpen?: boolean }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(startOpen);
  const [data, setData] = useState<{ url: string; qrSvg: string } | null>(null);
  const [error, setError] = useState(false);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    if (!open) return;
    let stop = false;
    let baseline: string | null = null;
    setError(false);
    api.handoff().then((d) => !stop && setData(d), () => !stop && setError(true));
    // Submissions counted, not statuses: a check finishing on an earlier step is not the phone's doing.
    const progressOf = async () => JSON.stringify((await api.session()).progress.map((p) => [p.id, p.attemptsUsed]));
    // Where things stood when the code was shown: any new submission after that came from the phone.
    progressOf().then((sig) => (baseline ??= sig), () => undefined);
    const poll = window.setInterval(async () => {
      try {
        const sig = await progressOf();
        if (baseline === null) baseline = sig;
        else if (sig !== baseline) {
          setOpen(false);
          onProgress();
        }
      } catch {
        // A missed poll is retried on the next tick.
      }
    }, 4000);
    return () => {
      stop = true;
      clearInterval(poll);
    };
  }, [open, api, onProgress]);

  if (!open) {
    return (
      <button type="button" className="btn btn--ghost" onClick={() => setOpen(true)}>
        <Icon name="phone" size={20} />
        {t('handoff.button')}
      </button>
    );
  }
  return (
    <div className="handoff" role="dialog" aria-modal="false" aria-labelledby="handoff-title">
      <h2 id="handoff-title">{t('handoff.title')}</h2>
      <p className="muted">{t('handoff.lead')}</p>
      {error && <Alert>{t('errors.network')}</Alert>}
      {!data && !error && <Spinner />}
      {data && (
        <>
          <img className="handoff__qr" alt={t('handoff.title')} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(data.qrSvg)}`} />
          <div className="handoff__link">
            <code>{data.url}</code>
            <button type="button" className="btn btn--small" onClick={() => navigator.clipboard?.writeText(data.url).then(() => setCopied(true))}>
              {copied ? t('handoff.copied') : t('handoff.copy')}
            </button>
          </div>
          <Spinner label={t('handoff.waiting')} />
        </>
      )}
      {!startOpen && <button type="button" className="btn btn--link" onClick={() => setOpen(false)}>{t('common.close')}</button>}
    </div>
  );
}
