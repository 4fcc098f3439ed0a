import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, isFatal, MAX_LIVENESS_FRAMES, type LivenessChallenge } from '../api.ts';
import { framePlan } from '../capture/frames.ts';
import { Camera, type CameraFailure } from '../capture/Camera.tsx';
import { actionDone, faceMetrics, loadFaceModel, placement, type FaceMetrics } from '../capture/face.ts';
import { useStep } from '../context.ts';
import { Icon } from '../ui/Icon.tsx';
import { Alert, Screen, Spinner } from '../ui/Screen.tsx';
import { errorMessage } from './errors.ts';

type Frame = { image: Blob; at: number };
type Challenge = LivenessChallenge & { clockOffset: number };
type Phase =
  | { kind: 'intro' }
  | { kind: 'run'; challenge: Challenge }
  | { kind: 'send'; challenge: Challenge; frames: Frame[]; error: string | null; resend?: boolean }
  | { kind: 'failure'; reason: CameraFailure };

/** How long we wait for one action before moving on (the server allows 10 s); it judges the frames either way. */
const ACTION_TIMEOUT_MS = 7000;
const KNOWN_ACTIONS = ['turn_left', 'turn_right', 'look_up', 'look_down', 'blink', 'smile', 'open_mouth', 'nod', 'look_straight'];

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

  async function send(challenge: Challenge, frames: Frame[]) {
    setPhase({ kind: 'send', challenge, frames, error: null, resend: true });
    try {
      await api.livenessFrames(step.id, challenge.nonce, frames);
      done();
    } catch (e) {
      if (isFatal(e)) return fatal(e);
      if (e instanceof ApiError && e.code === 'step_already_passed') return done();
      // A failed connection resends the same frames; frames the server refused need a new challenge.
      const resend = e instanceof ApiError && (e.code === 'network_error' || e.status >= 500);
      setPhase({ kind: 'send', challenge, frames, resend, error: resend ? t('errors.uploadFailed') : errorMessage(t, e) });
    }
  }

  const title = step.title ?? t('liveness.title');
  if (phase.kind === 'intro') {
    return (
      <Screen title={title} lead={t('liveness.lead')}
        footer={<button type="button" className="btn btn--primary" onClick={start} disabled={busy} aria-busy={busy}>{t('liveness.start')}</button>}>
        <ul className="needs">
          <li><span className="needs__icon"><Icon name="face" /></span>{t('liveness.tipLight')}</li>
          <li><span className="needs__icon"><Icon name="camera" /></span>{t('liveness.tipOval')}</li>
          <li><span className="needs__icon"><Icon name="check" /></span>{t('liveness.tipFollow')}</li>
        </ul>
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
        footer={phase.error && <button type="button" className="btn btn--primary" onClick={() => (phase.resend ? send(phase.challenge, phase.frames) : setPhase({ kind: 'intro' }))}>{t('common.retry')}</button>}>
        {phase.error ? <Alert>{phase.error}</Alert> : <Spinner label={t('liveness.sending')} />}
      </Screen>
    );
  }
  return <Run title={title} challenge={phase.challenge} onFinished={(frames) => send(phase.challenge, frames)} onFailure={(reason) => setPhase({ kind: 'failure', reason })} />;
}

function Run({ title, challenge, onFinished, onFailure }: { title: string; challenge: Challenge; onFinished: (f: Frame[]) => void; onFailure: (r: CameraFailure) => void }) {
  const { t } = useTranslation();
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [index, setIndex] = useState(0);
  const [status, setStatus] = useState<'loading' | 'neutral' | 'active' | 'done' | 'timeout'>('loading');
  const [hint, setHint] = useState<string | null>(null);
  const finished = useRef(onFinished);
  finished.current = onFinished;
  // The loop reads the current translation through a ref: a language event must not restart a challenge.
  const tr = useRef(t);
  tr.current = t;

  useEffect(() => {
    if (!video) return;
    let stop = false;
    const canvas = document.createElement('canvas');
    const frames: Frame[] = [];
    const actions = challenge.actions;
    // Frames per action within the server's limit: the detection frame and the end of the movement first.
    const { neutral: neutralCount, perAction } = framePlan(actions.length);
    // Each frame is analysed from the same canvas that is uploaded, so the frame that showed the blink
    // or the turn is the one the server receives (a blink is over in ~150 ms).
    const snap = () => {
      const scale = Math.min(1, 720 / Math.max(video.videoWidth, video.videoHeight));
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      canvas.getContext('2d')!.drawImage(video, 0, 0, canvas.width, canvas.height);
      // Timestamps in the server's time: it checks them against the challenge's validity window.
      return Date.now() + challenge.clockOffset;
    };
    const keep = async (at: number) => {
      if (frames.length >= MAX_LIVENESS_FRAMES) return;
      const image = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.88));
      if (image) frames.push({ image, at });
    };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    (async () => {
      let human: Awaited<ReturnType<typeof loadFaceModel>> | null = null;
      try {
        human = await loadFaceModel();
      } catch {
        human = null;
      }
      while (!stop && !video.videoWidth) await sleep(50);
      const measure = async (): Promise<FaceMetrics | null> => {
        if (!human) return null;
        const r = await human.detect(canvas);
        const faces = r.face.map((f) => faceMetrics(f.mesh as number[][], canvas)).filter((m): m is FaceMetrics => m !== null);
        const p = placement(faces, { cx: 0.5, cy: 0.45, minWidth: 0.18 });
        setHint(p === 'ok' ? null : tr.current(p === 'many' ? 'selfie.hintMany' : p === 'none' ? 'selfie.hintNoFace' : 'selfie.hintFace'));
        return faces.length === 1 ? faces[0] : null;
      };
      // The neutral starting pose the server compares every action with.
      setStatus('neutral');
      setIndex(0);
      let neutral: FaceMetrics | null = null;
      for (let k = 0; k < neutralCount && !stop; k++) {
        const at = snap();
        const m = await measure().catch(() => null);
        neutral ??= m;
        await keep(at);
        await sleep(300);
      }
      for (let i = 0; i < actions.length && !stop; i++) {
        const action = actions[i];
        let kept = 0;
        setIndex(i);
        setStatus('active');
        let baseline = neutral;
        const started = performance.now();
        let lastKeep = 0;
        let ok = false;
        while (!stop && performance.now() - started < ACTION_TIMEOUT_MS) {
          const at = snap();
          const m = await measure().catch(() => null);
          if (m && !baseline) baseline = m;
          if (m && baseline && actionDone(action, baseline, m)) {
            ok = true;
            await keep(at);
            kept++;
            break;
          }
          // One frame mid-way when the budget allows, so the server also sees the movement build up.
          if (kept < perAction - 2 && performance.now() - lastKeep > 1500) {
            lastKeep = performance.now();
            await keep(at);
            kept++;
          }
          await sleep(human ? 20 : 250);
        }
        if (stop) return;
        setStatus(ok ? 'done' : 'timeout');
        // A couple of frames at the end of the movement, usually its fullest extent.
        while (kept < perAction && !stop) {
          await sleep(150);
          await keep(snap());
          kept++;
        }
        await sleep(500);
      }
      if (!stop) finished.current(frames);
    })();
    return () => {
      stop = true;
    };
  }, [video, challenge]);

  const action = challenge.actions[index] ?? 'look_straight';
  const text = status === 'loading' ? t('liveness.loadingModel') : status === 'neutral' ? t('liveness.actions.look_straight') : KNOWN_ACTIONS.includes(action) ? t(`liveness.actions.${action}`) : t('liveness.actions.other', { action: action.replace(/_/g, ' ') });
  return (
    <Screen title={title} bleed>
      <Camera facing="user" overlay="face" auto="none" shutter={false} onCapture={() => undefined} onFailure={onFailure} onVideo={setVideo}
        message={status === 'loading' ? undefined : (hint ?? undefined)}>
        <div className={`liveness__prompt is-${status}`} aria-live="assertive">
          {challenge.actions.length > 1 && <span className="liveness__count">{index + 1}/{challenge.actions.length}</span>}
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
