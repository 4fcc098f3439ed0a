import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isFatal } from '../api.ts';
import { Camera, CameraFallback, UploadButton, type CameraFailure } from '../capture/Camera.tsx';
import { countFaces } from '../capture/face.ts';
import { useStep } from '../context.ts';
import { Screen } from '../ui/Screen.tsx';
import { Handoff, isDesktop } from '../ui/Handoff.tsx';
import { Review } from './Review.tsx';
import { RetryNotice } from './RetryNotice.tsx';
import { errorMessage } from './errors.ts';

type Phase =
  | { kind: 'capture'; failure?: CameraFailure }
  | { kind: 'review'; image: Blob; error: string | null; canSend: boolean; noFace?: boolean };

/**
 * Selfie, and selfie holding the document: front camera, oval guide, autocapture on a steady single
 * face. The photo is checked for a face on the device before it is sent, so "no face" is instant.
 */
export function FaceStep({ kind }: { kind: 'selfie' | 'selfie_with_document' }) {
  const { t } = useTranslation();
  const { api, step, previous, done, fatal, away } = useStep();
  const [phase, setPhase] = useState<Phase>({ kind: 'capture' });
  const [busy, setBusy] = useState(false);
  // The flow may let someone whose face cannot be found continue (a reviewer then looks).
  const allowContinue = step.settings.allowContinueWithoutFace === true;
  const title = step.title ?? t(kind === 'selfie' ? 'selfie.title' : 'swd.title');
  const lead = t(kind === 'selfie' ? 'selfie.lead' : 'swd.lead');

  const review = phase.kind === 'review' ? phase : null;
  useEffect(() => {
    if (!review || review.error !== null || review.noFace !== undefined) return;
    let live = true;
    countFaces(review.image).then((n) => {
      if (!live) return;
      const noFace = n === 0;
      setPhase({ ...review, noFace, error: noFace ? t('selfie.noFace') : null, canSend: !noFace });
    });
    return () => {
      live = false;
    };
  }, [review, t]);

  async function send(image: Blob) {
    setBusy(true);
    try {
      await api.uploadFace(step.id, image, kind);
      done();
    } catch (e) {
      if (isFatal(e)) return fatal(e);
      if (e instanceof ApiError && e.code === 'step_already_passed') return done();
      const refused = e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429;
      setPhase({ kind: 'review', image, canSend: !refused, noFace: false, error: refused ? errorMessage(t, e) : t('errors.uploadFailed') });
    } finally {
      setBusy(false);
    }
  }

  const onImage = (image: Blob) => setPhase({ kind: 'review', image, error: null, canSend: true });

  if (phase.kind === 'capture') {
    return (
      <Screen title={title} lead={phase.failure ? undefined : lead} bleed
        footer={<>
          {!phase.failure && <UploadButton onFile={onImage} />}
          {isDesktop() && <Handoff api={api} onProgress={away} />}
        </>}>
        <RetryNotice previous={previous} />
        {phase.failure ? (
          <CameraFallback reason={phase.failure} canUpload onFile={onImage} onRetry={() => setPhase({ kind: 'capture' })} />
        ) : (
          <Camera facing="user" overlay={kind === 'selfie' ? 'face' : 'face-document'} auto="face" onCapture={onImage}
            onFailure={(f) => setPhase({ kind: 'capture', failure: f })} />
        )}
      </Screen>
    );
  }
  return (
    <Review title={title} image={phase.image} kind="face" busy={busy} error={phase.error} canSend={phase.canSend}
      onSend={() => send(phase.image)} onRetake={() => setPhase({ kind: 'capture' })}
      extra={phase.noFace && <>
        <UploadButton onFile={onImage} />
        {allowContinue && <button type="button" className="btn btn--link" onClick={() => send(phase.image)} disabled={busy}>{t('selfie.continueAnyway')}</button>}
      </>} />
  );
}
