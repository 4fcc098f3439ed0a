import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isFatal, type DocumentUploadResult } from '../api.ts';
import { Camera, UploadButton, type CameraFailure, type Overlay } from '../capture/Camera.tsx';
import { useStep } from '../context.ts';
import { countryOptions } from '../countries.ts';
import { Alert, Screen } from '../ui/Screen.tsx';
import { Handoff, isDesktop } from '../ui/Handoff.tsx';
import { Review } from './Review.tsx';
import { errorMessage } from './errors.ts';

const ALL_TYPES = ['passport', 'id_card', 'driving_licence', 'residence_permit'] as const;
type DocType = (typeof ALL_TYPES)[number];
type Side = 'front' | 'back';

type Phase =
  | { kind: 'choose' }
  | { kind: 'capture'; side: Side; failure?: CameraFailure }
  | { kind: 'review'; side: Side; image: Blob; error: string | null; canSend: boolean; attemptsLeft?: number | null }
  | { kind: 'confirm'; fields: Record<string, string> };

const FIELD_ORDER = ['firstName', 'lastName', 'dateOfBirth', 'sex', 'nationality', 'documentNumber', 'personalNumber', 'issueDate', 'expiryDate', 'placeOfBirth', 'address'];

export function DocumentStep() {
  const { t, i18n } = useTranslation();
  const { api, session, step, done, fatal } = useStep();
  const s = step.settings as { documentTypes?: string[]; countries?: { allowed?: string[]; excluded?: string[] }; orientation?: 'landscape' | 'portrait'; confirmData?: boolean; prefill?: boolean };
  const types = (Array.isArray(s.documentTypes) && s.documentTypes.length ? ALL_TYPES.filter((x) => s.documentTypes!.includes(x)) : [...ALL_TYPES]) as DocType[];
  const countries = useMemo(
    () =>
      countryOptions(
        s.countries?.allowed?.length ? s.countries.allowed : session.flow.countries.allowed,
        [...(s.countries?.excluded ?? []), ...session.flow.countries.excluded],
        i18n.language,
      ),
    [s.countries, session.flow.countries, i18n.language],
  );
  const initialCountry = countries.find((c) => c.code === session.applicant.country?.toUpperCase())?.code ?? (countries.length === 1 ? countries[0].code : '');
  const [country, setCountry] = useState(initialCountry);
  const [docType, setDocType] = useState<DocType>(types[0] ?? 'passport');
  const [phase, setPhase] = useState<Phase>({ kind: 'choose' });
  const [busy, setBusy] = useState(false);
  const [chooseError, setChooseError] = useState<string | null>(null);
  const [extracted, setExtracted] = useState<Record<string, string>>({});

  const typeName = t(`document.types.${docType}`);
  const overlay: Overlay = docType === 'passport' ? 'passport' : s.orientation === 'portrait' ? 'card-portrait' : 'card-landscape';
  const sideTitle = (side: Side) => (docType === 'passport' ? t('document.page') : t(side === 'front' ? 'document.front' : 'document.back', { type: typeName.toLowerCase() }));
  const wantsConfirm = s.confirmData === true || s.prefill === true;

  function afterUpload(side: Side, res: DocumentUploadResult) {
    const fields = Object.fromEntries(Object.entries(res.extracted?.fields ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const merged = { ...extracted, ...fields };
    setExtracted(merged);
    const needsBack = res.needsBack ?? docType !== 'passport';
    if (side === 'front' && needsBack) return setPhase({ kind: 'capture', side: 'back' });
    if ((res.confirmFields ?? wantsConfirm) && Object.keys(merged).length > 0) return setPhase({ kind: 'confirm', fields: merged });
    done();
  }

  async function send(side: Side, image: Blob) {
    setBusy(true);
    try {
      const res = await api.uploadDocument(step.id, { country, documentType: docType, side, image });
      if (res.quality && res.quality.ok === false) {
        const msg = res.quality.issues?.map((i) => i.message ?? i.code).join(' · ') || t('errors.qualityIssue');
        setPhase({ kind: 'review', side, image, error: msg, canSend: false });
      } else afterUpload(side, res);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'country_not_allowed') {
        setChooseError(t('errors.country_not_allowed'));
        setPhase({ kind: 'choose' });
      } else if (isFatal(e)) fatal(e);
      else {
        const rejected = e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429;
        setPhase({
          kind: 'review', side, image, canSend: !rejected,
          error: rejected ? errorMessage(t, e) : t('errors.uploadFailed'),
          attemptsLeft: e instanceof ApiError ? ((e.details as { attemptsLeft?: number } | undefined)?.attemptsLeft ?? null) : null,
        });
      }
    } finally {
      setBusy(false);
    }
  }

  if (phase.kind === 'choose') {
    const valid = country !== '' && types.length > 0;
    return (
      <Screen
        title={step.title ?? t('document.chooseTitle')}
        footer={
          <>
            <button type="button" className="btn btn--primary" disabled={!valid} onClick={() => { setChooseError(null); setPhase({ kind: 'capture', side: 'front' }); }}>
              {t('common.continue')}
            </button>
            {isDesktop() && <Handoff api={api} onProgress={() => window.location.reload()} />}
          </>
        }
      >
        {countries.length === 0 ? (
          <Alert>{t('document.noCountries')}</Alert>
        ) : (
          <>
            <label className="field">
              <span className="field__label">{t('document.country')}</span>
              <select value={country} onChange={(e) => { setCountry(e.target.value); setChooseError(null); }} autoComplete="country">
                <option value="" disabled>{t('document.chooseCountry')}</option>
                {countries.map((c) => (
                  <option key={c.code} value={c.code}>{c.name}</option>
                ))}
              </select>
            </label>
            <fieldset className="field">
              <legend className="field__label">{t('document.type')}</legend>
              <div className="choices">
                {types.map((dt) => (
                  <label key={dt} className={`choice${dt === docType ? ' is-selected' : ''}`}>
                    <input type="radio" name="docType" value={dt} checked={dt === docType} onChange={() => setDocType(dt)} />
                    <span>{t(`document.types.${dt}`)}</span>
                  </label>
                ))}
              </div>
            </fieldset>
          </>
        )}
        {chooseError && <Alert>{chooseError}</Alert>}
      </Screen>
    );
  }

  if (phase.kind === 'capture') {
    const side = phase.side;
    const onImage = (image: Blob) => setPhase({ kind: 'review', side, image, error: null, canSend: true });
    return (
      <Screen title={sideTitle(side)} lead={phase.failure ? undefined : t('document.hintFrame')} bleed onBack={side === 'front' ? () => setPhase({ kind: 'choose' }) : undefined}
        footer={<UploadButton onFile={onImage} primary={Boolean(phase.failure)} />}>
        {phase.failure ? (
          <Alert>{t(phase.failure === 'denied' ? 'camera.denied' : 'camera.unavailable')}</Alert>
        ) : (
          <Camera key={side} facing="environment" overlay={overlay} auto="document" onCapture={onImage} onFailure={(f) => setPhase({ kind: 'capture', side, failure: f })} />
        )}
      </Screen>
    );
  }

  if (phase.kind === 'review') {
    return (
      <Review title={sideTitle(phase.side)} image={phase.image} kind="document" busy={busy} error={phase.error} canSend={phase.canSend} attemptsLeft={phase.attemptsLeft}
        onSend={() => send(phase.side, phase.image)} onRetake={() => setPhase({ kind: 'capture', side: phase.side })} />
    );
  }

  return <ConfirmFields initial={phase.fields} onSubmit={async (fields) => {
    await api.confirmDocument(step.id, fields);
    done();
  }} onFatal={fatal} />;
}

function ConfirmFields({ initial, onSubmit, onFatal }: { initial: Record<string, string>; onSubmit: (f: Record<string, string>) => Promise<void>; onFatal: (e: unknown) => void }) {
  const { t, i18n } = useTranslation();
  const [fields, setFields] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const keys = Object.keys(initial).sort((a, b) => (FIELD_ORDER.indexOf(a) + 1 || 99) - (FIELD_ORDER.indexOf(b) + 1 || 99));
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await onSubmit(fields);
        } catch (err) {
          if (isFatal(err)) return onFatal(err);
          setError(errorMessage(t, err));
          setBusy(false);
        }
      }}
    >
      <Screen title={t('document.confirmTitle')} lead={t('document.confirmLead')}
        footer={<button type="submit" className="btn btn--primary" disabled={busy} aria-busy={busy}>{t('common.continue')}</button>}>
        {keys.map((k) => (
          <label key={k} className="field">
            <span className="field__label">{i18n.exists(`fields.${k}`) ? t(`fields.${k}`) : k}</span>
            <input type={/date/i.test(k) && /^\d{4}-\d{2}-\d{2}$/.test(fields[k] ?? '') ? 'date' : 'text'} value={fields[k] ?? ''} onChange={(e) => setFields({ ...fields, [k]: e.target.value })} autoComplete="off" spellCheck={false} />
          </label>
        ))}
        {error && <Alert>{error}</Alert>}
      </Screen>
    </form>
  );
}
