import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isFatal, type Api, type Extracted, type PrefillField } from '../api.ts';
import { countryOptions } from '../countries.ts';
import { confirmedFields, shownFields } from '../prefill.ts';
import { Alert, Screen } from '../ui/Screen.tsx';
import { errorMessage } from './errors.ts';

const DATES: readonly PrefillField[] = ['birthDate', 'expiryDate'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * OCR prefill: the data read from the document, for the applicant to confirm or correct. The server
 * keeps the reading and the confirmation side by side; a correction is flagged for the reviewer.
 */
export function ConfirmDetails({ api, stepId, extracted, onDone, onError }: {
  api: Api; stepId: string; extracted: Extracted; onDone: () => void; onError: (e: unknown) => void;
}) {
  const { t, i18n } = useTranslation();
  const shown = useMemo(() => shownFields(extracted.fields), [extracted]);
  const [values, setValues] = useState<Partial<Record<PrefillField, string>>>(() => Object.fromEntries(shown.map((f) => [f, extracted.fields[f] ?? ''])));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const nationalities = useMemo(() => {
    const list = countryOptions(null, [], i18n.language);
    const read = extracted.fields.nationality;
    // A code outside the country list (UTO, XXA, EUE…) stays selectable, named where we can.
    return read && !list.some((c) => c.code === read) ? [...countryOptions([read], [], i18n.language), ...list] : list;
  }, [extracted, i18n.language]);

  const today = new Date().toISOString().slice(0, 10);
  const badDate = DATES.some((f) => shown.includes(f) && values[f] && !ISO_DATE.test(values[f]!));

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await api.confirmDocument(stepId, confirmedFields(values, shown));
      onDone();
    } catch (e) {
      if (isFatal(e)) return onError(e);
      // The page was taken again meanwhile: there is nothing left to confirm here.
      if (e instanceof ApiError && (e.code === 'not_read_yet' || e.code === 'prefill_disabled')) return onDone();
      setError(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  }

  const set = (f: PrefillField) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [f]: e.target.value }));
  const input = (f: PrefillField) => {
    if (f === 'sex') {
      return (
        <select value={values.sex ?? ''} onChange={set('sex')}>
          <option value="">{t('fields.sexUnknown')}</option>
          <option value="F">{t('fields.sexF')}</option>
          <option value="M">{t('fields.sexM')}</option>
          <option value="X">{t('fields.sexX')}</option>
        </select>
      );
    }
    if (f === 'nationality') {
      return (
        <select value={values.nationality ?? ''} onChange={set('nationality')}>
          <option value="">{t('document.chooseCountry')}</option>
          {nationalities.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
        </select>
      );
    }
    if (DATES.includes(f)) return <input type="date" value={values[f] ?? ''} onChange={set(f)} max={f === 'birthDate' ? today : undefined} />;
    return (
      <input type="text" value={values[f] ?? ''} onChange={set(f)} maxLength={200} spellCheck={false}
        autoComplete={f === 'surname' ? 'family-name' : f === 'givenNames' ? 'given-name' : f === 'address' ? 'street-address' : 'off'}
        autoCapitalize={f === 'documentNumber' ? 'characters' : 'words'} />
    );
  };

  return (
    <form onSubmit={(e) => { e.preventDefault(); confirm(); }}>
      <Screen title={t('document.confirmTitle')} lead={t('document.confirmLead')}
        footer={<button type="submit" className="btn btn--primary" disabled={busy || badDate} aria-busy={busy}>{busy ? t('common.checking') : t('document.confirm')}</button>}>
        <div className="form-grid">
          {shown.map((f) => (
            <label key={f} className={`field${DATES.includes(f) || f === 'sex' || f === 'nationality' ? ' field--half' : ''}`}>
              <span className="field__label">{t(`fields.${f}`)}</span>
              {input(f)}
            </label>
          ))}
        </div>
        <p className="fineprint">{t('document.confirmNote')}</p>
        {error && <Alert>{error}</Alert>}
      </Screen>
    </form>
  );
}
