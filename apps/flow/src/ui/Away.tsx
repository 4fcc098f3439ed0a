import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isFatal, type Api, type FlowSession } from '../api.ts';
import { finishedElsewhere, needsWork, visibleSteps } from '../flow-state.ts';
import { Icon } from './Icon.tsx';
import { Screen, Spinner } from './Screen.tsx';

const POLL_MS = 4000;

/**
 * The person went on on their phone: this page steps aside (no camera opened behind their back) and
 * follows the session until the phone reaches the end, or the person comes back to this device.
 */
export function Away({ api, session, onFinished, onHere, onError }: {
  api: Api; session: FlowSession; onFinished: (s: FlowSession) => void; onHere: () => void; onError: (e: unknown) => void;
}) {
  const { t } = useTranslation();
  const [latest, setLatest] = useState(session);
  const on = useRef({ onFinished, onError });
  on.current = { onFinished, onError };

  useEffect(() => {
    let stop = false;
    let timer = 0;
    const tick = async () => {
      try {
        const s = await api.session();
        if (stop) return;
        setLatest(s);
        if (finishedElsewhere(s)) return on.current.onFinished(s);
      } catch (e) {
        if (stop) return;
        if (isFatal(e)) return on.current.onError(e);
        // A missed poll is retried on the next tick.
      }
      timer = window.setTimeout(tick, POLL_MS);
    };
    tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [api]);

  const steps = visibleSteps(latest).filter((s) => s.type !== 'thank_you');
  return (
    <Screen title={t('away.title')} lead={t('away.lead')}
      footer={<button type="button" className="btn btn--ghost" onClick={onHere}>{t('away.here')}</button>}>
      <ul className="checklist" aria-label={t('away.progress')}>
        {steps.map((s) => {
          const p = latest.progress.find((x) => x.id === s.id);
          const done = !!p && p.status !== 'not_submitted' && !needsWork(s, latest.progress);
          return (
            <li key={s.id} className={done ? 'is-done' : undefined}>
              <span className="checklist__mark" aria-hidden="true">{done && <Icon name="check" size={16} />}</span>
              <span>{s.title ?? t(`stepNames.${s.type}`)}</span>
              <span className="visually-hidden">{done ? t('away.done') : t('away.todo')}</span>
            </li>
          );
        })}
      </ul>
      <Spinner label={t('handoff.waiting')} />
    </Screen>
  );
}
