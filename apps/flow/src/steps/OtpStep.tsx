import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isFatal } from '../api.ts';
import { useStep } from '../context.ts';
import { Icon } from '../ui/Icon.tsx';
import { Alert, Screen } from '../ui/Screen.tsx';
import { errorMessage } from './errors.ts';
import { RetryNotice } from './RetryNotice.tsx';

const RESEND_AFTER_S = 30;

/**
 * Email or phone ownership: send a one-time code, then verify it. When the server already knows an
 * address or number (shown masked), the code goes there unless the person chooses another one.
 */
export function OtpStep({ channel }: { channel: 'email' | 'phone' }) {
  const { t } = useTranslation();
  const { api, session, step, previous, done, fatal } = useStep();
  const known = session.contact[channel];
  const [useKnown, setUseKnown] = useState(known !== null);
  const [value, setValue] = useState('');
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [wait, setWait] = useState(0);

  useEffect(() => {
    if (wait <= 0) return;
    const id = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(id);
  }, [wait]);

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      // Too many wrong codes ends this code, not the verification: a new code can be sent.
      if (e instanceof ApiError && e.code === 'attempts_exhausted' && sentTo) {
        setSentTo(null);
        setError(e.message || t('errors.generic'));
        return;
      }
      if (e instanceof ApiError && e.code === 'step_already_passed') return done();
      if (isFatal(e)) return fatal(e);
      setError(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  }

  const send = () =>
    run(async () => {
      // Without a target the server sends to the address or number it has on file.
      const target = useKnown ? undefined : value.trim();
      const res = await api.sendOtp(step.id, target);
      setSentTo(res.target || target || known);
      setCode('');
      setWait(RESEND_AFTER_S);
    });

  const title = step.title ?? t(channel === 'email' ? 'otp.emailTitle' : 'otp.phoneTitle');

  const other = (
    <button type="button" className="btn btn--link" onClick={() => { setUseKnown(!useKnown); setError(null); }}>
      {useKnown ? t(channel === 'email' ? 'otp.otherEmail' : 'otp.otherPhone') : t('otp.sendToKnown', { to: known })}
    </button>
  );

  if (!sentTo && useKnown && known) {
    return (
      <Screen title={title} lead={t(channel === 'email' ? 'otp.knownEmailLead' : 'otp.knownPhoneLead')}
        footer={<>
          <button type="button" className="btn btn--primary" onClick={send} disabled={busy} aria-busy={busy}>{t('otp.send')}</button>
          {other}
        </>}>
        <RetryNotice previous={previous} />
        <p className="contact">
          <span className="needs__icon"><Icon name={channel === 'email' ? 'mail' : 'phone'} /></span>
          <span className="contact__value">{known}</span>
        </p>
        {error && <Alert>{error}</Alert>}
      </Screen>
    );
  }

  if (!sentTo) {
    return (
      <form onSubmit={(e) => { e.preventDefault(); send(); }}>
        <Screen title={title} lead={t(channel === 'email' ? 'otp.emailLead' : 'otp.phoneLead')}
          footer={<>
            <button type="submit" className="btn btn--primary" disabled={busy || value.trim().length < 3} aria-busy={busy}>{t('otp.send')}</button>
            {known && other}
          </>}>
          <RetryNotice previous={previous} />
          <label className="field">
            <span className="field__label">{t(channel === 'email' ? 'otp.emailLabel' : 'otp.phoneLabel')}</span>
            <input type={channel === 'email' ? 'email' : 'tel'} inputMode={channel === 'email' ? 'email' : 'tel'} autoComplete={channel === 'email' ? 'email' : 'tel'}
              value={value} onChange={(e) => setValue(e.target.value)} required placeholder={channel === 'phone' ? '+44 7911 123456' : 'name@example.com'} />
          </label>
          {error && <Alert>{error}</Alert>}
        </Screen>
      </form>
    );
  }

  return (
    <form onSubmit={(e) => { e.preventDefault(); run(async () => { await api.verifyOtp(step.id, code.trim()); done(); }); }}>
      <Screen title={title} lead={t('otp.codeLead', { to: sentTo })}
        onBack={() => setSentTo(null)}
        footer={<>
          <button type="submit" className="btn btn--primary" disabled={busy || code.trim().length < 4} aria-busy={busy}>{t('otp.verify')}</button>
          <button type="button" className="btn btn--ghost" disabled={busy || wait > 0} onClick={send}>{wait > 0 ? t('otp.resendIn', { s: wait }) : t('otp.resend')}</button>
        </>}>
        <label className="field">
          <span className="field__label">{t('otp.codeLabel')}</span>
          <input className="otp-input" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]*" maxLength={8} value={code}
            onChange={(e) => setCode(e.target.value.replace(/\D/g, ''))} autoFocus />
        </label>
        {error && <Alert>{error}</Alert>}
      </Screen>
    </form>
  );
}
