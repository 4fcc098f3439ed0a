import type { Human } from '@vladmandic/human';

/**
 * The browser face model (Human: BlazeFace detector + FaceMesh) is loaded on first use from our own
 * /flow/models/, with the tfjs wasm backend also served locally. Nothing is fetched from a CDN.
 */
let loading: Promise<Human> | null = null;

export function loadFaceModel(): Promise<Human> {
  loading ??= (async () => {
    const { Human } = await import('@vladmandic/human');
    const base = `${import.meta.env.BASE_URL}models/`;
    const human = new Human({
      backend: 'wasm',
      wasmPath: new URL(`${base}wasm/`, window.location.href).href,
      wasmPlatformFetch: false,
      modelBasePath: new URL(base, window.location.href).href,
      cacheModels: false,
      warmup: 'none',
      debug: false,
      filter: { enabled: false },
      face: {
        enabled: true,
        detector: { enabled: true, modelPath: 'blazeface.json', rotation: false, maxDetected: 3, minConfidence: 0.5, return: false },
        mesh: { enabled: true, modelPath: 'facemesh.json' },
        iris: { enabled: false },
        description: { enabled: false },
        emotion: { enabled: false },
        antispoof: { enabled: false },
        liveness: { enabled: false },
        attention: { enabled: false },
        gear: { enabled: false },
      },
      body: { enabled: false },
      hand: { enabled: false },
      object: { enabled: false },
      gesture: { enabled: false },
      segmentation: { enabled: false },
    } as never);
    await human.load();
    return human;
  })().catch((e) => {
    loading = null;
    throw e;
  });
  return loading;
}

type Pt = readonly number[];

/** Geometry of one face from its 468-point mesh, in ratios that do not depend on distance to camera. */
export type FaceMetrics = {
  /** Face centre and width as fractions of the frame. */
  cx: number;
  cy: number;
  width: number;
  /** Nose position between the two cheeks: 0.5 facing the camera, higher when the person turns to their left. */
  yaw: number;
  /** Nose position between eye line and chin: lower looking up, higher looking down. */
  pitch: number;
  eyesOpen: number;
  mouthOpen: number;
  /** Mouth width over the distance between the eyes (the server's smile measure). */
  mouthWidth: number;
};

const dist = (a: Pt, b: Pt) => Math.hypot(a[0] - b[0], a[1] - b[1]);

export function faceMetrics(mesh: Pt[], frame: { width: number; height: number }): FaceMetrics | null {
  if (mesh.length < 468) return null;
  const [c1, c2] = [mesh[234], mesh[454]].sort((a, b) => a[0] - b[0]);
  const faceW = c2[0] - c1[0];
  if (faceW <= 0) return null;
  const nose = mesh[1];
  const eyeMid = [(mesh[33][0] + mesh[263][0]) / 2, (mesh[33][1] + mesh[263][1]) / 2];
  const chin = mesh[152];
  const eye = (up: Pt, low: Pt, a: Pt, b: Pt) => dist(up, low) / Math.max(1e-6, dist(a, b));
  const xs = mesh.map((p) => p[0]);
  const ys = mesh.map((p) => p[1]);
  const minX = Math.min(...xs);
  const maxX = Math.max(...xs);
  const minY = Math.min(...ys);
  const maxY = Math.max(...ys);
  return {
    cx: (minX + maxX) / 2 / frame.width,
    cy: (minY + maxY) / 2 / frame.height,
    width: (maxX - minX) / frame.width,
    yaw: (nose[0] - c1[0]) / faceW,
    pitch: (nose[1] - eyeMid[1]) / Math.max(1e-6, chin[1] - eyeMid[1]),
    eyesOpen: (eye(mesh[159], mesh[145], mesh[33], mesh[133]) + eye(mesh[386], mesh[374], mesh[362], mesh[263])) / 2,
    mouthOpen: dist(mesh[13], mesh[14]) / Math.max(1e-6, dist(mesh[61], mesh[291])),
    mouthWidth: dist(mesh[61], mesh[291]) / Math.max(1e-6, dist(mesh[33], mesh[263])),
  };
}

/**
 * Whether a challenge action is done (thresholds a little beyond the server's: 15° turn, 10° raise,
 * 12% wider mouth, eyes at 60% openness, so what we accept here the server sees too), judged against the person's own neutral pose measured at the
 * start of the action (faces differ: a fixed threshold on eye openness fails for many people).
 * Camera images are not mirrored here: a person turning to their left moves their nose to image right.
 */
export function actionDone(action: string, baseline: FaceMetrics, now: FaceMetrics): boolean {
  switch (action) {
    case 'turn_left':
      return now.yaw - baseline.yaw > 0.16;
    case 'turn_right':
      return baseline.yaw - now.yaw > 0.16;
    case 'look_up':
      return baseline.pitch - now.pitch > 0.1;
    case 'look_down':
    case 'nod':
      return now.pitch - baseline.pitch > 0.08;
    case 'blink':
      return now.eyesOpen < baseline.eyesOpen * 0.5;
    case 'smile':
      return now.mouthWidth > baseline.mouthWidth * 1.15;
    case 'open_mouth':
      return now.mouthOpen > Math.max(0.3, baseline.mouthOpen * 3);
    case 'look_straight':
      return Math.abs(now.yaw - 0.5) < 0.08;
    default:
      return false;
  }
}

export type FacePlacement = 'none' | 'many' | 'far' | 'off_centre' | 'ok';

/** Is exactly one face inside the oval guide (centre and size as fractions of the frame)? */
export function placement(faces: FaceMetrics[], guide = { cx: 0.5, cy: 0.45, minWidth: 0.22 }): FacePlacement {
  if (faces.length === 0) return 'none';
  if (faces.length > 1) return 'many';
  const f = faces[0];
  if (f.width < guide.minWidth) return 'far';
  if (Math.abs(f.cx - guide.cx) > 0.15 || Math.abs(f.cy - guide.cy) > 0.18) return 'off_centre';
  return 'ok';
}

/** How many faces the browser model finds in a photo; null when the model cannot run here. */
export async function countFaces(image: Blob): Promise<number | null> {
  try {
    const human = await loadFaceModel();
    const bmp = await createImageBitmap(image);
    const scale = Math.min(1, 960 / Math.max(bmp.width, bmp.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bmp.width * scale);
    canvas.height = Math.round(bmp.height * scale);
    canvas.getContext('2d')!.drawImage(bmp, 0, 0, canvas.width, canvas.height);
    bmp.close();
    const r = await human.detect(canvas);
    return r.face.length;
  } catch {
    return null;
  }
}

let prefetched = false;

/**
 * Downloads the face model's code and weights while the person is busy with an earlier step, so the
 * selfie camera does not wait for them. Only fills the HTTP cache: nothing is initialised.
 */
export function prefetchFaceModel() {
  if (prefetched || loading) return;
  prefetched = true;
  const base = `${import.meta.env.BASE_URL}models/`;
  import('@vladmandic/human').catch(() => undefined);
  for (const f of ['blazeface.json', 'blazeface.bin', 'facemesh.json', 'facemesh.bin', 'wasm/tfjs-backend-wasm-simd.wasm']) {
    fetch(`${base}${f}`, { priority: 'low' } as RequestInit).catch(() => undefined);
  }
}
