import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isFatal } from '../api.ts';
import { useStep } from '../context.ts';
import { Alert, Screen } from '../ui/Screen.tsx';
import { errorMessage } from './errors.ts';

/** Email or phone ownership: send a one-time code, then verify it. */
export function OtpStep({ channel }: { channel: 'email' | 'phone' }) {
  const { t } = useTranslation();
  const { api, session, step, done, fatal } = useStep();
  const [value, setValue] = useState((channel === 'email' ? session.applicant.email : session.applicant.phone) ?? '');
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
      if (isFatal(e)) return fatal(e);
      setError(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  }

  const send = () =>
    run(async () => {
      const res = await api.sendOtp(step.id, channel, value.trim());
      setSentTo(value.trim());
      setCode('');
      setWait(res?.resendAfterSeconds ?? 30);
    });

  const title = step.title ?? t(channel === 'email' ? 'otp.emailTitle' : 'otp.phoneTitle');

  if (!sentTo) {
    return (
      <form onSubmit={(e) => { e.preventDefault(); send(); }}>
        <Screen title={title} footer={<button type="submit" className="btn btn--primary" disabled={busy || value.trim().length < 3} aria-busy={busy}>{t('otp.send')}</button>}>
          <label className="field">
            <span className="field__label">{t(channel === 'email' ? 'otp.emailLabel' : 'otp.phoneLabel')}</span>
            <input type={channel === 'email' ? 'email' : 'tel'} inputMode={channel === 'email' ? 'email' : 'tel'} autoComplete={channel === 'email' ? 'email' : 'tel'}
              value={value} onChange={(e) => setValue(e.target.value)} required placeholder={channel === 'phone' ? '+44 7700 900123' : 'name@example.com'} />
          </label>
          {error && <Alert>{error}</Alert>}
        </Screen>
      </form>
    );
  }

  return (
    <form onSubmit={(e) => { e.preventDefault(); run(async () => { await api.verifyOtp(step.id, channel, code.trim()); done(); }); }}>
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
