import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isFatal } from '../api.ts';
import { Camera, CameraFallback, UploadButton, type CameraFailure, type Overlay } from '../capture/Camera.tsx';
import { useStep } from '../context.ts';
import { countryOptions } from '../countries.ts';
import { prefetchFaceModel } from '../capture/face.ts';
import { Alert, Screen } from '../ui/Screen.tsx';
import { Handoff, isDesktop } from '../ui/Handoff.tsx';
import { readingWithin, prefillEnabled } from '../prefill.ts';
import type { Extracted } from '../api.ts';
import { ConfirmDetails } from './ConfirmDetails.tsx';
import { Review } from './Review.tsx';
import { RetryNotice } from './RetryNotice.tsx';
import { errorMessage } from './errors.ts';

const KNOWN_TYPES = ['passport', 'id_card', 'residence_permit', 'driving_licence', 'visa', 'bank_card'] as const;
type DocType = (typeof KNOWN_TYPES)[number];
type Side = 'front' | 'back';
type Back = 'required' | 'optional' | 'none';

type Settings = {
  documentTypes?: { type: string; back?: Back }[];
  countries?: { allowed?: string[] | null; excluded?: string[] };
  captureMethods?: ('upload' | 'camera' | 'autocapture')[];
  devices?: ('mobile' | 'desktop')[];
  orientation?: 'landscape' | 'portrait';
};

type Phase =
  | { kind: 'choose' }
  | { kind: 'capture'; side: Side; failure?: CameraFailure }
  | { kind: 'review'; side: Side; error: string | null; canSend: boolean }
  | { kind: 'confirm'; extracted: Extracted };

/**
 * Identity document: choose issuing country and type, capture the front (and the back where the type
 * has one), check each photo on the device, then send both in one upload. The engines read it in the
 * background; the person moves on as soon as the upload is accepted. Where the flow prefills from the
 * document, the reading is shown for confirmation here if it is ready within the time the upload
 * took, otherwise before the thank-you screen.
 */
export function DocumentStep() {
  const { t, i18n } = useTranslation();
  const { api, session, step, previous, done, fatal, away, results } = useStep();
  const s = step.settings as Settings;
  const types = (s.documentTypes?.length ? s.documentTypes : [{ type: 'passport', back: 'none' as Back }])
    .filter((d): d is { type: DocType; back?: Back } => (KNOWN_TYPES as readonly string[]).includes(d.type));
  const countries = useMemo(() => countryOptions(s.countries?.allowed ?? null, s.countries?.excluded ?? [], i18n.language), [s.countries, i18n.language]);
  const methods = s.captureMethods ?? ['upload', 'camera', 'autocapture'];
  const canUpload = methods.includes('upload');
  const canCamera = methods.includes('camera') || methods.includes('autocapture');
  const desktopBlocked = isDesktop() && s.devices && !s.devices.includes('desktop');

  const [country, setCountry] = useState(countries.length === 1 ? countries[0].code : '');
  const [docType, setDocType] = useState<DocType>(types[0]?.type ?? 'passport');
  const [phase, setPhase] = useState<Phase>({ kind: 'choose' });
  const [images, setImages] = useState<{ front?: Blob; back?: Blob }>({});
  const [busy, setBusy] = useState(false);
  const [chooseError, setChooseError] = useState<string | null>(null);

  const faceStepsAhead = session.flow.steps.some((x) => ['selfie', 'liveness', 'selfie_with_document'].includes(x.type));
  useEffect(() => {
    // The person is looking at their photo: a good moment to fetch what the face steps need.
    if (phase.kind === 'review' && faceStepsAhead) prefetchFaceModel();
  }, [phase.kind, faceStepsAhead]);

  const back: Back = types.find((d) => d.type === docType)?.back ?? 'none';
  const typeName = t(`document.types.${docType}`);
  const portrait = s.orientation === 'portrait';
  const overlay: Overlay = `${docType === 'passport' || docType === 'visa' ? 'passport' : 'card'}-${portrait ? 'portrait' : 'landscape'}`;
  const sideTitle = (side: Side) => (docType === 'passport' ? t('document.page') : t(side === 'front' ? 'document.front' : 'document.back', { type: typeName.toLowerCase() }));

  async function send(all: { front?: Blob; back?: Blob }, side: Side) {
    setBusy(true);
    try {
      const started = performance.now();
      await api.uploadDocument(step.id, { country, documentType: docType, front: all.front!, back: all.back ?? null });
      if (prefillEnabled(step)) {
        const extracted = await readingWithin(results, api, step.id, performance.now() - started);
        if (extracted && !extracted.confirmed) return setPhase({ kind: 'confirm', extracted });
      }
      done();
    } catch (e) {
      if (isFatal(e)) return fatal(e);
      if (e instanceof ApiError && (e.code === 'country_not_allowed' || e.code === 'document_type_not_allowed')) {
        setChooseError(errorMessage(t, e));
        setPhase({ kind: 'choose' });
        return;
      }
      if (e instanceof ApiError && e.code === 'step_already_passed') return done();
      // A refused photo can only be retaken; a failed upload keeps the photos for another try.
      const refused = e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429;
      setPhase({ kind: 'review', side, canSend: !refused, error: refused ? errorMessage(t, e) : t('errors.uploadFailed') });
    } finally {
      setBusy(false);
    }
  }

  function accept(side: Side) {
    if (side === 'front' && back !== 'none') return setPhase({ kind: 'capture', side: 'back' });
    send(images, side);
  }

  if (phase.kind === 'choose') {
    const valid = country !== '' && types.length > 0;
    return (
      <Screen
        title={step.title ?? t('document.chooseTitle')}
        footer={
          desktopBlocked ? (
            <Handoff api={api} onProgress={away} startOpen />
          ) : (
            <>
              <button type="button" className="btn btn--primary" disabled={!valid} onClick={() => { setChooseError(null); setImages({}); setPhase({ kind: 'capture', side: 'front' }); }}>
                {t('common.continue')}
              </button>
              {isDesktop() && canCamera && <Handoff api={api} onProgress={away} />}
            </>
          )
        }
      >
        <RetryNotice previous={previous} />
        {countries.length === 0 ? (
          <Alert>{t('document.noCountries')}</Alert>
        ) : (
          <>
            <label className="field">
              <span className="field__label">{t('document.country')}</span>
              <select value={country} onChange={(e) => { setCountry(e.target.value); setChooseError(null); }}>
                <option value="" disabled>{t('document.chooseCountry')}</option>
                {countries.map((c) => (
                  <option key={c.code} value={c.code}>{c.name}</option>
                ))}
              </select>
            </label>
            <fieldset className="field">
              <legend className="field__label">{t('document.type')}</legend>
              <div className="choices">
                {types.map(({ type: dt }) => (
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

  if (phase.kind === 'confirm') {
    return <ConfirmDetails api={api} stepId={step.id} extracted={phase.extracted} onDone={done} onError={fatal} />;
  }

  if (phase.kind === 'capture') {
    const side = phase.side;
    const onImage = (image: Blob) => {
      setImages((prev) => ({ ...prev, [side]: image }));
      setPhase({ kind: 'review', side, error: null, canSend: true });
    };
    const failure = phase.failure ?? (canCamera ? undefined : 'unavailable');
    return (
      <Screen title={sideTitle(side)} lead={failure ? undefined : t(portrait ? 'document.hintFramePortrait' : 'document.hintFrame')} bleed
        onBack={() => setPhase(side === 'front' ? { kind: 'choose' } : { kind: 'review', side: 'front', error: null, canSend: true })}
        footer={<>
          {!failure && canUpload && <UploadButton onFile={onImage} />}
          {side === 'back' && back === 'optional' && (
            <button type="button" className="btn btn--link" onClick={() => send({ front: images.front }, 'front')} disabled={busy}>{t('document.noBack')}</button>
          )}
        </>}>
        {failure ? (
          <CameraFallback reason={failure} canUpload={canUpload} onFile={onImage} onRetry={() => setPhase({ kind: 'capture', side })} />
        ) : (
          <Camera key={side} facing="environment" overlay={overlay} auto={methods.includes('autocapture') ? 'document' : 'none'} onCapture={onImage}
            onFailure={(f) => setPhase({ kind: 'capture', side, failure: f })} />
        )}
      </Screen>
    );
  }

  const image = images[phase.side]!;
  const last = phase.side === 'back' || back === 'none';
  return (
    <Review title={sideTitle(phase.side)} image={image} kind="document" busy={busy} error={phase.error} canSend={phase.canSend}
      sendLabel={last ? undefined : t('common.continue')}
      onSend={() => (phase.error ? send(images, phase.side) : accept(phase.side))}
      onRetake={() => setPhase({ kind: 'capture', side: phase.side })} />
  );
}
