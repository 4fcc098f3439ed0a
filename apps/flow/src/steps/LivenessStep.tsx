import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isFatal, type LivenessChallenge } from '../api.ts';
import { Camera, type CameraFailure } from '../capture/Camera.tsx';
import { actionDone, faceMetrics, loadFaceModel, placement, type FaceMetrics } from '../capture/face.ts';
import { useStep } from '../context.ts';
import { Icon } from '../ui/Icon.tsx';
import { Alert, Screen, Spinner } from '../ui/Screen.tsx';
import { errorMessage } from './errors.ts';

type Frame = { action: string; image: Blob; at: number };
type Phase =
  | { kind: 'intro' }
  | { kind: 'run'; challenge: LivenessChallenge }
  | { kind: 'send'; challenge: LivenessChallenge; frames: Frame[]; error: string | null }
  | { kind: 'failure'; reason: CameraFailure };

/** How long we wait for one action before moving on; the server judges the frames either way. */
const ACTION_TIMEOUT_MS = 7000;
const KNOWN_ACTIONS = ['turn_left', 'turn_right', 'look_up', 'look_down', 'blink', 'smile', 'open_mouth', 'nod', 'look_straight'];

async function grab(video: HTMLVideoElement, canvas: HTMLCanvasElement): Promise<Blob | null> {
  const scale = Math.min(1, 720 / Math.max(video.videoWidth, video.videoHeight));
  canvas.width = Math.round(video.videoWidth * scale);
  canvas.height = Math.round(video.videoHeight * scale);
  canvas.getContext('2d')!.drawImage(video, 0, 0, canvas.width, canvas.height);
  return new Promise((r) => canvas.toBlob(r, 'image/jpeg', 0.88));
}

export default function LivenessStep() {
  const { t } = useTranslation();
  const { api, step, done, fatal } = useStep();
  const [phase, setPhase] = useState<Phase>({ kind: 'intro' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    // Start fetching the face model while the person reads the instructions.
    loadFaceModel().catch(() => undefined);
  }, []);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const challenge = await api.livenessChallenge(step.id);
      setPhase({ kind: 'run', challenge });
    } catch (e) {
      if (isFatal(e)) return fatal(e);
      setError(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  }

  async function send(challenge: LivenessChallenge, frames: Frame[]) {
    setPhase({ kind: 'send', challenge, frames, error: null });
    try {
      await api.livenessFrames(step.id, challenge.challengeId, frames);
      done();
    } catch (e) {
      if (isFatal(e)) return fatal(e);
      setPhase({ kind: 'send', challenge, frames, error: errorMessage(t, e) });
    }
  }

  const title = step.title ?? t('liveness.title');
  if (phase.kind === 'intro') {
    return (
      <Screen title={title} lead={t('liveness.lead')}
        footer={<button type="button" className="btn btn--primary" onClick={start} disabled={busy} aria-busy={busy}>{t('liveness.start')}</button>}>
        <div className="illustration" aria-hidden="true"><Icon name="face" size={72} /></div>
        {error && <Alert>{error}</Alert>}
      </Screen>
    );
  }
  if (phase.kind === 'failure') {
    return <Screen title={title}><Alert>{t(phase.reason === 'denied' ? 'camera.denied' : 'camera.unavailable')}</Alert></Screen>;
  }
  if (phase.kind === 'send') {
    return (
      <Screen title={title}
        footer={phase.error && <button type="button" className="btn btn--primary" onClick={() => send(phase.challenge, phase.frames)}>{t('common.retry')}</button>}>
        {phase.error ? <Alert>{t('errors.uploadFailed')}</Alert> : <Spinner label={t('liveness.sending')} />}
      </Screen>
    );
  }
  return <Run title={title} challenge={phase.challenge} onFinished={(frames) => send(phase.challenge, frames)} onFailure={(reason) => setPhase({ kind: 'failure', reason })} />;
}

function Run({ title, challenge, onFinished, onFailure }: { title: string; challenge: LivenessChallenge; onFinished: (f: Frame[]) => void; onFailure: (r: CameraFailure) => void }) {
  const { t } = useTranslation();
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [index, setIndex] = useState(0);
  const [status, setStatus] = useState<'loading' | 'active' | 'done' | 'timeout'>('loading');
  const [hint, setHint] = useState<string | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;

  useEffect(() => {
    if (!video) return;
    let stop = false;
    const canvas = document.createElement('canvas');
    const frames: Frame[] = [];
    const t0 = performance.now();
    const maxFrames = challenge.maxFrames ?? 4 * challenge.actions.length + 2;
    const keep = async (action: string) => {
      if (frames.length >= maxFrames) return;
      const image = await grab(video, canvas);
      if (image) frames.push({ action, image, at: Math.round(performance.now() - t0) });
    };
    (async () => {
      let human: Awaited<ReturnType<typeof loadFaceModel>> | null = null;
      try {
        human = await loadFaceModel();
      } catch {
        human = null;
      }
      const measure = async (): Promise<FaceMetrics | null> => {
        if (!human || !video.videoWidth) return null;
        const r = await human.detect(video);
        const faces = r.face.map((f) => faceMetrics(f.mesh as number[][], { width: video.videoWidth, height: video.videoHeight })).filter((m): m is FaceMetrics => m !== null);
        const p = placement(faces, { cx: 0.5, cy: 0.45, minWidth: 0.18 });
        setHint(p === 'ok' ? null : p === 'many' ? t('selfie.hintMany') : p === 'none' ? t('selfie.hintNoFace') : t('selfie.hintFace'));
        return faces.length === 1 ? faces[0] : null;
      };
      for (let i = 0; i < challenge.actions.length && !stop; i++) {
        const action = challenge.actions[i];
        setIndex(i);
        setStatus('active');
        await keep(`${action}:start`);
        let baseline: FaceMetrics | null = null;
        const started = performance.now();
        let ok = false;
        let lastKeep = started;
        while (!stop && performance.now() - started < ACTION_TIMEOUT_MS) {
          const m = await measure().catch(() => null);
          if (m && !baseline) baseline = m;
          else if (m && baseline && actionDone(action, baseline, m)) {
            ok = true;
            break;
          }
          if (performance.now() - lastKeep > 1500) {
            lastKeep = performance.now();
            await keep(action);
          }
          await new Promise((r) => setTimeout(r, human ? 30 : 250));
        }
        if (stop) return;
        await keep(`${action}:${ok ? 'done' : 'end'}`);
        setStatus(ok ? 'done' : 'timeout');
        await new Promise((r) => setTimeout(r, 700));
      }
      if (!stop) finished.current(frames);
    })();
    return () => {
      stop = true;
    };
  }, [video, challenge, t]);

  const action = challenge.actions[index];
  const text = KNOWN_ACTIONS.includes(action) ? t(`liveness.actions.${action}`) : t('liveness.actions.other', { action: action.replace(/_/g, ' ') });
  return (
    <Screen title={title} bleed>
      <Camera facing="user" overlay="face" auto="none" shutter={false} onCapture={() => undefined} onFailure={onFailure} onVideo={setVideo}
        message={status === 'loading' ? t('liveness.loadingModel') : (hint ?? undefined)}>
        <div className={`liveness__prompt is-${status}`} aria-live="assertive">
          <span className="liveness__count">{index + 1}/{challenge.actions.length}</span>
          <span>{status === 'done' ? t('liveness.done') : status === 'timeout' ? t('liveness.notConfirmed') : text}</span>
          {status === 'done' && <Icon name="check" size={22} />}
        </div>
      </Camera>
      <ol className="liveness__steps" aria-label={title}>
        {challenge.actions.map((a, i) => (
          <li key={`${a}-${i}`} className={i < index || (i === index && status === 'done') ? 'is-past' : i === index ? 'is-current' : ''} />
        ))}
      </ol>
    </Screen>
  );
}
