import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../ui/Icon.tsx';
import { Spinner } from '../ui/Screen.tsx';
import { Autocapture, coverRegion, toGray, type FrameHint, type Rect } from './quality.ts';
import { faceMetrics, loadFaceModel, placement, type FacePlacement } from './face.ts';

export type Overlay = 'card-landscape' | 'card-portrait' | 'passport-landscape' | 'passport-portrait' | 'face' | 'face-document';
export type CameraFailure = 'denied' | 'unavailable';

/**
 * Width/height of the frame drawn for the document (ID-1 cards, TD3 passport data page), lying as the
 * flow's orientation setting asks: portrait is the same page turned upright.
 */
const DOC_RATIO: Record<string, number> = { 'card-landscape': 85.6 / 54, 'card-portrait': 54 / 85.6, 'passport-landscape': 125 / 88, 'passport-portrait': 88 / 125 };

type Props = {
  facing: 'environment' | 'user';
  overlay: Overlay;
  /** Autocapture: document focus/steadiness, a single steady face, or none (manual shutter only). */
  auto: 'document' | 'face' | 'none';
  onCapture: (image: Blob) => void;
  onFailure: (reason: CameraFailure) => void;
  /** Liveness runs its own loop on the live video and hides the shutter. */
  onVideo?: (video: HTMLVideoElement | null) => void;
  shutter?: boolean;
  children?: ReactNode;
  /** Text shown over the viewfinder instead of the automatic hint. */
  message?: string;
};

/** Height at the bottom of the viewfinder taken by the shutter: guides stay above it. */
const SHUTTER_SPACE = 100;

export function overlayRect(overlay: Overlay, full: { width: number; height: number }, reserveBottom = 0): Rect {
  const view = { width: full.width, height: Math.max(full.height * 0.6, full.height - reserveBottom) };
  const ratio = DOC_RATIO[overlay];
  if (!ratio) {
    // Oval for the face: centred a little above the middle, where a held phone puts the face; higher
    // and smaller when the document must fit below it.
    const withDoc = overlay === 'face-document';
    // Always an upright oval (a face is 1.3 times taller than wide), whatever the viewfinder's shape.
    let h = view.height * (withDoc ? 0.42 : 0.72);
    let w = h / 1.32;
    if (w > view.width * (withDoc ? 0.42 : 0.64)) {
      w = view.width * (withDoc ? 0.42 : 0.64);
      h = w * 1.32;
    }
    const cy = view.height * (withDoc ? 0.27 : 0.46);
    return { x: (view.width - w) / 2, y: cy - h / 2, width: w, height: h };
  }
  let w = full.width * 0.88;
  let h = w / ratio;
  if (h > view.height * 0.86) {
    h = view.height * 0.86;
    w = h * ratio;
  }
  // Centred in the viewfinder, lifted only as far as needed to clear the shutter.
  return { x: (full.width - w) / 2, y: Math.min((full.height - h) / 2, view.height - h - 8), width: w, height: h };
}

/** Where the held document goes in the selfie-with-document guide: below the face, above the shutter. */
export function heldDocumentRect(full: { width: number; height: number }, reserveBottom = 0): Rect {
  const view = { width: full.width, height: Math.max(full.height * 0.6, full.height - reserveBottom) };
  const h = view.height * 0.25;
  const w = Math.min(view.width * 0.7, h * DOC_RATIO['card-landscape']);
  return { x: (view.width - w) / 2, y: view.height * 0.5, width: w, height: w / DOC_RATIO['card-landscape'] };
}

const ANALYSIS_WIDTH = 320;

export function Camera({ facing, overlay, auto, onCapture, onFailure, onVideo, shutter = true, children, message }: Props) {
  const { t } = useTranslation();
  const videoRef = useRef<HTMLVideoElement>(null);
  const viewRef = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ width: 0, height: 0 });
  const [ready, setReady] = useState(false);
  const [hint, setHint] = useState<string | null>(null);
  const [good, setGood] = useState(false);
  const [capturing, setCapturing] = useState(false);
  const done = useRef(false);
  const captureRef = useRef(onCapture);
  captureRef.current = onCapture;
  const failRef = useRef(onFailure);
  failRef.current = onFailure;

  useLayoutEffect(() => {
    const el = viewRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setView({ width: el.clientWidth, height: el.clientHeight }));
    ro.observe(el);
    setView({ width: el.clientWidth, height: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let cancelled = false;
    (async () => {
      if (!navigator.mediaDevices?.getUserMedia) return failRef.current('unavailable');
      try {
        stream = await navigator.mediaDevices.getUserMedia({
          audio: false,
          video: { facingMode: { ideal: facing }, width: { ideal: 1920 }, height: { ideal: 1080 } },
        });
      } catch (e) {
        if (cancelled) return;
        const name = (e as DOMException).name;
        return failRef.current(name === 'NotAllowedError' || name === 'SecurityError' ? 'denied' : 'unavailable');
      }
      if (cancelled) return stream.getTracks().forEach((tr) => tr.stop());
      const video = videoRef.current;
      if (!video) return;
      video.srcObject = stream;
      try {
        await video.play();
      } catch {
        // Autoplay of a muted inline video is allowed everywhere we support; a rejected play() is retried by the browser.
      }
      if (!cancelled) {
        setReady(true);
        onVideo?.(video);
      }
    })();
    return () => {
      cancelled = true;
      onVideo?.(null);
      // Release the camera as soon as the step is left: the light goes off and the next step can open it.
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [facing]);

  const region = useCallback(
    (video: HTMLVideoElement): Rect => {
      const r = overlayRect(overlay, view, shutter ? SHUTTER_SPACE : 0);
      const frac = { x: r.x / view.width, y: r.y / view.height, width: r.width / view.width, height: r.height / view.height };
      return coverRegion(view, { width: video.videoWidth, height: video.videoHeight }, frac);
    },
    [overlay, view, shutter],
  );

  const capture = useCallback(async () => {
    const video = videoRef.current;
    if (!video || !video.videoWidth || done.current) return;
    done.current = true;
    setCapturing(true);
    // The whole frame, not the framed area: autocapture does not know where the card edges are, and a
    // card not yet aligned with the guide must not be cut (the server measures position and margins).
    const src = { x: 0, y: 0, width: video.videoWidth, height: video.videoHeight };
    const scale = Math.min(1, 2400 / Math.max(src.width, src.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(src.width * scale);
    canvas.height = Math.round(src.height * scale);
    canvas.getContext('2d')!.drawImage(video, src.x, src.y, src.width, src.height, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.92));
    if (blob) captureRef.current(blob);
    else {
      done.current = false;
      setCapturing(false);
    }
  }, []);

  // Autocapture loop: a few analyses per second on a small copy of the framed region.
  useEffect(() => {
    if (!ready || auto === 'none' || view.width === 0) return;
    let stop = false;
    let timer = 0;
    const video = videoRef.current!;
    const canvas = document.createElement('canvas');
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const tracker = new Autocapture();
    let faceOk = 0;
    let lastCentre: [number, number] | null = null;
    const docHints: Record<FrameHint, string | null> = {
      dark: t('document.hintDark'), glare: t('document.hintGlare'), blur: t('document.hintBlur'), hold: t('document.hintHold'), capture: t('document.hintHold'),
      moving: t(overlay.endsWith('-portrait') ? 'document.hintFramePortrait' : 'document.hintFrame'),
    };
    const faceHints: Record<FacePlacement, string> = {
      none: t('selfie.hintNoFace'), many: t('selfie.hintMany'), far: t('selfie.hintFace'), off_centre: t('selfie.hintFace'), ok: t('selfie.hintHold'),
    };
    const startedAt = performance.now();

    async function tick() {
      if (stop || done.current) return;
      if (!video.videoWidth) {
        timer = window.setTimeout(tick, 150);
        return;
      }
      if (auto === 'document') {
        const r = region(video);
        canvas.width = ANALYSIS_WIDTH;
        canvas.height = Math.max(1, Math.round((ANALYSIS_WIDTH * r.height) / r.width));
        ctx.drawImage(video, r.x, r.y, r.width, r.height, 0, 0, canvas.width, canvas.height);
        const res = tracker.push(toGray(ctx.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height));
        setHint(docHints[res.hint]);
        setGood(res.hint === 'hold' || res.hint === 'capture');
        // The first second is the camera adjusting exposure and focus; never capture then.
        if (res.hint === 'capture' && performance.now() - startedAt > 1200) return void capture();
        timer = window.setTimeout(tick, 120);
      } else {
        try {
          const human = await loadFaceModel();
          if (stop) return;
          const result = await human.detect(video);
          const frame = { width: video.videoWidth, height: video.videoHeight };
          const faces = result.face.map((f) => faceMetrics(f.mesh as number[][], frame)).filter((m): m is NonNullable<typeof m> => m !== null);
          // The oval in video pixels: where the face should be, and how big at least.
          const g = region(video);
          const guide = { cx: (g.x + g.width / 2) / frame.width, cy: (g.y + g.height / 2) / frame.height, minWidth: (0.45 * g.width) / frame.width };
          // With a held document its portrait is a second face: judge the largest one.
          const p = overlay === 'face-document' ? placement(faces.sort((a, b) => b.width - a.width).slice(0, 1), guide) : placement(faces, guide);
          setHint(faceHints[p]);
          setGood(p === 'ok');
          const c: [number, number] | null = faces.length === 1 ? [faces[0].cx, faces[0].cy] : null;
          const steady = c && lastCentre && Math.hypot(c[0] - lastCentre[0], c[1] - lastCentre[1]) < 0.02;
          lastCentre = c;
          faceOk = p === 'ok' && steady ? faceOk + 1 : 0;
          if (faceOk >= 4 && overlay === 'face') return void capture();
        } catch {
          // No face model (old browser, blocked wasm): the manual shutter still works.
          setHint(null);
          return;
        }
        timer = window.setTimeout(tick, 60);
      }
    }
    tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [ready, auto, view.width, view.height, overlay]);

  const reserve = shutter ? SHUTTER_SPACE : 0;
  const r = view.width ? overlayRect(overlay, view, reserve) : null;
  const isDoc = Boolean(DOC_RATIO[overlay]);
  const held = r && overlay === 'face-document' ? heldDocumentRect(view, reserve) : null;
  return (
    <div className="camera">
      <div className="camera__view" ref={viewRef}>
        <video ref={videoRef} className={facing === 'user' ? 'mirror' : undefined} playsInline muted autoPlay aria-hidden="true" />
        {r && (
          <svg className="camera__overlay" width={view.width} height={view.height} aria-hidden="true">
            <defs>
              <mask id="cutout">
                <rect width="100%" height="100%" fill="white" />
                {isDoc ? (
                  <rect x={r.x} y={r.y} width={r.width} height={r.height} rx={14} fill="black" />
                ) : (
                  <ellipse cx={r.x + r.width / 2} cy={r.y + r.height / 2} rx={r.width / 2} ry={r.height / 2} fill="black" />
                )}
                {held && <rect x={held.x} y={held.y} width={held.width} height={held.height} rx={10} fill="black" />}
              </mask>
            </defs>
            <rect width="100%" height="100%" fill="rgba(8,12,20,0.58)" mask="url(#cutout)" />
            {isDoc ? (
              <rect className={`camera__frame${good ? ' is-good' : ''}`} x={r.x} y={r.y} width={r.width} height={r.height} rx={14} />
            ) : (
              <ellipse className={`camera__frame${good ? ' is-good' : ''}`} cx={r.x + r.width / 2} cy={r.y + r.height / 2} rx={r.width / 2} ry={r.height / 2} />
            )}
            {held && <rect className="camera__frame camera__frame--dashed" x={held.x} y={held.y} width={held.width} height={held.height} rx={10} />}
          </svg>
        )}
        {!ready && <div className="camera__starting"><Spinner label={t('camera.starting')} /></div>}
        {(message ?? hint) && ready && (
          <div className="camera__hint" role="status" aria-live="polite">
            {message ?? hint}
          </div>
        )}
        {children}
        {shutter && (
          <div className="camera__controls">
            <button type="button" className="shutter" onClick={capture} disabled={!ready || capturing} aria-label={t('common.takePhoto')}>
              <span aria-hidden="true" />
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

/** Picks a photo from the gallery or files: the fallback when the camera is denied or missing. */
export function UploadButton({ onFile, label, primary }: { onFile: (f: File) => void; label?: string; primary?: boolean }) {
  const { t } = useTranslation();
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" className={primary ? 'btn btn--primary' : 'btn btn--ghost'} onClick={() => input.current?.click()}>
        <Icon name="upload" size={20} />
        {label ?? t('common.upload')}
      </button>
      <input
        ref={input}
        type="file"
        accept="image/jpeg,image/png,image/webp,image/heic,image/heif"
        className="visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="upload-input"
        onChange={(e) => {
          const f = e.target.files?.[0];
          e.target.value = '';
          if (f) onFile(f);
        }}
      />
    </>
  );
}

/** Shown instead of the viewfinder when the camera is refused or missing: what happened and what to do. */
export function CameraFallback({ reason, canUpload, onFile, onRetry }: { reason: CameraFailure; canUpload: boolean; onFile: (f: File) => void; onRetry: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="fallback">
      <span className="notice__icon notice__icon--warn"><Icon name="camera" size={30} /></span>
      <p role="alert">{t(reason === 'denied' ? (canUpload ? 'camera.denied' : 'camera.deniedNoUpload') : 'camera.unavailable')}</p>
      {canUpload && <UploadButton onFile={onFile} primary label={t('camera.uploadPhoto')} />}
      {reason === 'denied' && <button type="button" className="btn btn--link" onClick={onRetry}>{t('camera.retry')}</button>}
    </div>
  );
}
