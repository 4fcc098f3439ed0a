import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isFatal } from '../api.ts';
import { Camera, UploadButton, type CameraFailure } from '../capture/Camera.tsx';
import { useStep } from '../context.ts';
import { Alert, Screen } from '../ui/Screen.tsx';
import { Handoff, isDesktop } from '../ui/Handoff.tsx';
import { Review } from './Review.tsx';
import { errorMessage } from './errors.ts';

type Phase =
  | { kind: 'capture'; failure?: CameraFailure }
  | { kind: 'review'; image: Blob; error: string | null; canSend: boolean; noFace?: boolean; attemptsLeft?: number | null };

const NO_FACE = ['face_not_detected', 'no_face'];

/** Selfie, and selfie holding the document: front camera, oval guide, autocapture on a steady single face. */
export function FaceStep({ kind }: { kind: 'selfie' | 'selfie_with_document' }) {
  const { t } = useTranslation();
  const { api, step, done, fatal } = useStep();
  const [phase, setPhase] = useState<Phase>({ kind: 'capture' });
  const [busy, setBusy] = useState(false);
  // The flow may let someone whose face the engine cannot find continue (a reviewer then looks).
  const allowContinue = step.settings.allowContinueWithoutFace === true || step.settings.allowNoFace === true;
  const title = step.title ?? t(kind === 'selfie' ? 'selfie.title' : 'swd.title');
  const lead = t(kind === 'selfie' ? 'selfie.lead' : 'swd.lead');

  async function send(image: Blob) {
    setBusy(true);
    try {
      const res = await api.uploadSelfie(step.id, image, kind);
      if (res.faceDetected === false) setPhase({ kind: 'review', image, error: t('selfie.noFace'), canSend: false, noFace: true });
      else done();
    } catch (e) {
      if (isFatal(e)) return fatal(e);
      if (e instanceof ApiError && NO_FACE.includes(e.code)) {
        setPhase({ kind: 'review', image, error: t('selfie.noFace'), canSend: false, noFace: true, attemptsLeft: (e.details as { attemptsLeft?: number } | undefined)?.attemptsLeft ?? null });
      } else {
        const rejected = e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 408 && e.status !== 429;
        setPhase({ kind: 'review', image, canSend: !rejected, error: rejected ? errorMessage(t, e) : t('errors.uploadFailed') });
      }
    } finally {
      setBusy(false);
    }
  }

  if (phase.kind === 'capture') {
    const onImage = (image: Blob) => setPhase({ kind: 'review', image, error: null, canSend: true });
    return (
      <Screen title={title} lead={phase.failure ? undefined : lead} bleed
        footer={<>
          <UploadButton onFile={onImage} primary={Boolean(phase.failure)} />
          {isDesktop() && <Handoff api={api} onProgress={() => window.location.reload()} />}
        </>}>
        {phase.failure ? (
          <Alert>{t(phase.failure === 'denied' ? 'camera.denied' : 'camera.unavailable')}</Alert>
        ) : (
          <Camera facing="user" overlay={kind === 'selfie' ? 'face' : 'face-document'} auto={kind === 'selfie' ? 'face' : 'face'} onCapture={onImage}
            onFailure={(f) => setPhase({ kind: 'capture', failure: f })} />
        )}
      </Screen>
    );
  }
  return (
    <Review title={title} image={phase.image} kind="face" busy={busy} error={phase.error} canSend={phase.canSend} attemptsLeft={phase.attemptsLeft}
      onSend={() => send(phase.image)} onRetake={() => setPhase({ kind: 'capture' })}
      extra={<>
        {phase.noFace && <UploadButton onFile={(image) => setPhase({ kind: 'review', image, error: null, canSend: true })} />}
        {phase.noFace && allowContinue && <button type="button" className="btn btn--link" onClick={done}>{t('selfie.continueAnyway')}</button>}
      </>} />
  );
}
