import { FaceError, NO_FACE_MESSAGE } from './errors.ts';
import { chipStats, mirror, overlapOfSmaller, warpAffine, type Affine, type Box, type Point } from './geometry.ts';
import { decodeImage, DEFAULT_IMAGE_LIMITS, toUint8Array, type DecodedImage, type ImageFormat, type ImageLimits } from './image.ts';
import { eyeCentres, eyeOpenness, fiveLandmarks, mouthCentre, mouthWidthRatio, type FiveLandmarks, type Mesh } from './landmarks.ts';
import type { FaceResult, ModelPaths, Runtime } from './runtime.ts';
import { evaluateLiveness, validateChallenge, type FrameMeasurement, type LivenessChallenge, type LivenessOptions, type LivenessResult } from './liveness.ts';
import { DEFAULT_MATCH_THRESHOLD, EMBEDDING_MODEL, l2normalize, similarity, type Embedding } from './similarity.ts';

export interface Pose {
  /** Degrees; positive when the face turns towards the image's right (the subject's left in an unmirrored photo). */
  yaw: number;
  /** Degrees; positive when the chin is raised. */
  pitch: number;
  /** Degrees; positive when the head tilts clockwise in the image. */
  roll: number;
}

export type QualityIssue =
  | 'too_small'
  | 'blurry'
  | 'extreme_pose'
  | 'eyes_closed'
  | 'too_dark'
  | 'overexposed'
  | 'low_contrast'
  | 'partially_visible'
  | 'low_confidence';

export interface AntiSpoof {
  /** 0..1, mean of `real` and `liveness`; higher = more likely a live face in front of the camera. */
  score: number;
  /** score ≥ the engine's antiSpoofThreshold. */
  live: boolean;
  /** Human's anti-spoofing model (printed photo / screen). */
  real: number;
  /** Human's liveness model. */
  liveness: number;
}

export interface Face {
  /** In pixels of the original (EXIF-rotated) image. */
  box: Box;
  /** Detector × mesh confidence, 0..1. */
  score: number;
  landmarks: FiveLandmarks;
  pose: Pose;
  /** Face size in original pixels: box width and distance between eye centres. */
  size: { width: number; height: number; interocular: number };
  /** 0..1 from the Laplacian variance of the aligned 150 px face chip (0.5 ≈ a soft but usable face). */
  sharpness: number;
  /** Both eyes open (eye aspect ratio ≥ eyeClosedRatio). */
  eyesOpen: boolean;
  eyeOpenness: { left: number; right: number };
  age: number;
  gender: 'female' | 'male';
  genderScore: number;
  /** Probability of a happy expression (Human's emotion model), 0..1. */
  smile: number;
  quality: { score: number; issues: QualityIssue[] };
  antiSpoof: AntiSpoof;
  /** L2-normalised embedding (EMBEDDING_DIM), when requested. */
  embedding?: Embedding;
}

export interface DetectResult {
  faces: Face[];
  image: { width: number; height: number; format: ImageFormat };
  timings: { decodeMs: number; detectMs: number; embedMs: number; totalMs: number };
}

export interface DetectOptions {
  /** Compute embeddings for every face (≈ 20 ms per face). Default false. */
  embeddings?: boolean;
  /**
   * When fewer faces than this are found, search again on four overlapping quarter tiles: a held
   * ID card's portrait is often too small for one pass over the whole photo.
   */
  expectFaces?: number;
}

/** Internal per-face data the liveness verifier needs besides the public fields. */
export interface FaceSignals {
  mesh: Mesh;
  eyeAspect: { left: number; right: number };
  mouthRatio: number;
}

export type AnalyzedFace = Face & { signals: FaceSignals };

export interface FaceSummary {
  count: number;
  box: Box;
  score: number;
  quality: Face['quality'];
  pose: Pose;
  antiSpoof: AntiSpoof;
  age: number;
  gender: Face['gender'];
}

export interface CompareResult {
  similarity: number;
  match: boolean;
  threshold: number;
  faces: { a: FaceSummary | null; b: FaceSummary | null };
  timings: { a: DetectResult['timings'] | null; b: DetectResult['timings'] | null; totalMs: number };
}

/** An image, or an embedding computed earlier (e.g. a stored document portrait). */
export type FaceSource = Uint8Array | ArrayBuffer | { embedding: ArrayLike<number> };

export interface SelfieWithDocumentResult {
  passed: boolean;
  reasons: Array<'no_face' | 'document_not_visible' | 'too_many_faces' | 'holder_document_mismatch' | 'holder_portrait_mismatch' | 'held_document_portrait_mismatch'>;
  faceCount: number;
  holder: Face | null;
  document: Face | null;
  threshold: number;
  /** Holder's face vs the portrait on the document they hold. */
  holderVsDocument: { similarity: number; match: boolean } | null;
  /** Against the document step's portrait, when given. */
  vsDocumentPortrait: { holder: { similarity: number; match: boolean } | null; heldDocument: { similarity: number; match: boolean } | null } | null;
  timings: DetectResult['timings'];
}

export interface LivenessFrame {
  /** Epoch milliseconds when the client captured the frame. */
  timestamp: number;
  image: Uint8Array | ArrayBuffer;
}

export interface FaceEngineOptions {
  /** Override model folders (defaults: the folders inside the installed npm packages). */
  modelsDir?: Partial<ModelPaths>;
  limits?: Partial<ImageLimits>;
  /** Similarity threshold for `match` (default 85). */
  threshold?: number;
  /** Anti-spoof score below which `antiSpoof.live` is false (default 0.5). */
  antiSpoofThreshold?: number;
}

export interface FaceEngine {
  readonly embeddingModel: string;
  readonly loadMs: number;
  detect(image: Uint8Array | ArrayBuffer, options?: DetectOptions): Promise<DetectResult>;
  /** Embedding of the largest face in an image, or the embedding a detected face already carries. */
  embed(source: Uint8Array | ArrayBuffer | Pick<Face, 'embedding'>): Promise<Embedding>;
  compare(a: FaceSource, b: FaceSource, options?: { threshold?: number }): Promise<CompareResult>;
  selfieWithDocument(image: Uint8Array | ArrayBuffer, options?: { documentPortrait?: FaceSource; threshold?: number }): Promise<SelfieWithDocumentResult>;
  /**
   * Verifies an active liveness challenge from timestamped frames (see liveness.ts). Frames are
   * measured one by one; an undecodable frame counts as a frame without a face.
   */
  verifyLiveness(challenge: LivenessChallenge, frames: LivenessFrame[], options?: LivenessOptions): Promise<LivenessResult>;
  /** @internal per-face measurements including the mesh */
  analyze(image: Uint8Array | ArrayBuffer, options?: DetectOptions): Promise<{ faces: AnalyzedFace[]; image: DecodedImage['original']; timings: DetectResult['timings'] }>;
  close(): Promise<void>;
}

const CHIP = 150;
// Geometry of face-api's dlib-style crop for this network: the centroid of (eye, eye, mouth) sits at
// (0.5, 0.43) of the chip and the mean eye-to-mouth distance is 0.45 of its side. Here it is applied
// with rotation, so a tilted head gives the same chip as an upright one.
const CHIP_CENTRE_X = 0.5;
const CHIP_CENTRE_Y = 0.43;
const CHIP_EYE_MOUTH = 0.45;
/** Faces whose mesh fit is less certain than this are treated as false detections. */
const MIN_MESH_SCORE = 0.5;
const MIN_BOX_SCORE = 0.3;
/** A head turned further than this cannot be fitted by the mesh model; such "faces" are noise. */
const MAX_PLAUSIBLE_ANGLE = 65;
const EYE_CLOSED_RATIO = 0.15;
const SHARPNESS_SCALE = 60;

const deg = (rad: number): number => Math.round(((rad * 180) / Math.PI) * 10) / 10;
const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
const round = (v: number, digits = 3): number => Math.round(v * 10 ** digits) / 10 ** digits;

function alignment(mesh: Mesh): Affine {
  const { subjectRight, subjectLeft } = eyeCentres(mesh);
  const mouth = mouthCentre(mesh);
  // Image-left eye first so the chip is never mirrored.
  const [l, r] = subjectRight.x <= subjectLeft.x ? [subjectRight, subjectLeft] : [subjectLeft, subjectRight];
  const cx = (l.x + r.x + mouth.x) / 3;
  const cy = (l.y + r.y + mouth.y) / 3;
  const eyeMouth = (Math.hypot(mouth.x - l.x, mouth.y - l.y) + Math.hypot(mouth.x - r.x, mouth.y - r.y)) / 2;
  const s = eyeMouth / CHIP_EYE_MOUTH / CHIP;
  const angle = Math.atan2(r.y - l.y, r.x - l.x);
  const a = Math.cos(angle) * s;
  const c = Math.sin(angle) * s;
  const u0 = CHIP_CENTRE_X * CHIP;
  const v0 = CHIP_CENTRE_Y * CHIP;
  return { a, b: -c, c, d: a, tx: cx - (a * u0 - c * v0), ty: cy - (c * u0 + a * v0) };
}

function qualityOf(
  f: Omit<Face, 'quality' | 'embedding'>,
  stats: { brightness: number; contrast: number },
  image: { width: number; height: number },
  meshScore: number,
  scale: number,
): Face['quality'] {
  const issues: QualityIssue[] = [];
  // Size that matters is what the models saw: the working copy, not the upload.
  const iod = f.size.interocular / scale;
  if (iod < 28 || f.size.width / scale < 64) issues.push('too_small');
  if (f.sharpness < 0.35) issues.push('blurry');
  if (Math.abs(f.pose.yaw) > 30 || Math.abs(f.pose.pitch) > 25) issues.push('extreme_pose');
  if (!f.eyesOpen) issues.push('eyes_closed');
  if (stats.brightness < 50) issues.push('too_dark');
  if (stats.brightness > 215) issues.push('overexposed');
  if (stats.contrast < 18) issues.push('low_contrast');
  const b = f.box;
  const inside = (Math.min(b.x + b.width, image.width) - Math.max(b.x, 0)) * (Math.min(b.y + b.height, image.height) - Math.max(b.y, 0));
  if (inside < 0.85 * b.width * b.height) issues.push('partially_visible');
  if (meshScore < 0.8) issues.push('low_confidence');
  // Each factor is 1 when comfortably fine and falls to 0 at clearly unusable.
  const size = clamp01((iod - 16) / (48 - 16));
  const pose = clamp01(1 - (Math.max(Math.abs(f.pose.yaw) - 15, 0) + Math.max(Math.abs(f.pose.pitch) - 15, 0)) / 30);
  const light = clamp01(1 - Math.max(50 - stats.brightness, stats.brightness - 215, 0) / 40);
  const eyes = f.eyesOpen ? 1 : 0.5;
  const score = size * (0.3 + 0.7 * f.sharpness) * pose * light * eyes * clamp01(meshScore);
  return { score: round(score), issues };
}

export async function createFaceEngine(options: FaceEngineOptions = {}): Promise<FaceEngine> {
  const { loadRuntime, defaultModelPaths } = await import('./runtime.ts');
  const rt: Runtime = await loadRuntime({ ...defaultModelPaths(), ...options.modelsDir });
  const limits: ImageLimits = { ...DEFAULT_IMAGE_LIMITS, ...options.limits };
  const defaultThreshold = options.threshold ?? DEFAULT_MATCH_THRESHOLD;
  const antiSpoofThreshold = options.antiSpoofThreshold ?? 0.5;
  const { tf, faceapi, human } = rt;
  let closed = false;
  const inFlight = new Set<Promise<unknown>>();

  function track<T>(p: Promise<T>): Promise<T> {
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p)).catch(() => undefined);
    return p;
  }

  function ensureOpen(): void {
    if (closed) throw new FaceError('ENGINE_CLOSED', 'The face engine is closed');
  }

  async function runHuman(img: DecodedImage, region?: Box): Promise<FaceResult[]> {
    const tensor = tf.tidy(() => {
      const full = tf.tensor3d(img.data, [img.height, img.width, 3], 'int32');
      return region ? tf.slice(full, [region.y, region.x, 0], [region.height, region.width, 3]) : full;
    });
    try {
      const res = await human.detect(tensor);
      if (res.error) throw new Error(res.error);
      const faces = res.face;
      if (region) {
        for (const f of faces) {
          f.box = [f.box[0] + region.x, f.box[1] + region.y, f.box[2], f.box[3]];
          f.mesh = f.mesh.map((p) => [p[0] + region.x, p[1] + region.y, p[2] ?? 0]);
        }
      }
      return faces;
    } finally {
      tensor.dispose();
    }
  }

  function plausible(f: FaceResult): boolean {
    if (f.faceScore < MIN_MESH_SCORE || f.boxScore < MIN_BOX_SCORE || f.mesh.length < 468) return false;
    const a = f.rotation?.angle;
    if (a && (Math.abs(deg(a.yaw)) > MAX_PLAUSIBLE_ANGLE || Math.abs(deg(a.pitch)) > MAX_PLAUSIBLE_ANGLE)) return false;
    const [, , w, h] = f.box;
    return w >= 8 && h >= 8;
  }

  function dedupe(faces: FaceResult[]): FaceResult[] {
    // Mesh refinement can turn two detector boxes of one face into overlapping faces.
    const sorted = [...faces].sort((p, q) => q.faceScore * q.boxScore - p.faceScore * p.boxScore || q.box[2] * q.box[3] - p.box[2] * p.box[3]);
    const kept: FaceResult[] = [];
    const asBox = (f: FaceResult): Box => ({ x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] });
    for (const f of sorted) if (!kept.some((k) => overlapOfSmaller(asBox(k), asBox(f)) > 0.4)) kept.push(f);
    return kept;
  }

  async function detectRaw(img: DecodedImage, expectFaces: number): Promise<FaceResult[]> {
    const faces = dedupe((await runHuman(img)).filter(plausible));
    if (faces.length >= expectFaces || Math.min(img.width, img.height) < 128) return faces;
    const tw = Math.round(img.width * 0.6);
    const th = Math.round(img.height * 0.6);
    const extra: FaceResult[] = [];
    for (const y of [0, img.height - th]) {
      for (const x of [0, img.width - tw]) {
        const tile: Box = { x, y, width: tw, height: th };
        for (const f of (await runHuman(img, tile)).filter(plausible)) {
          // A face touching an inner tile edge is probably cut in half; the overlapping tile has it whole.
          const [fx, fy, fw, fh] = f.box;
          const cut = (fx <= x + 2 && x > 0) || (fy <= y + 2 && y > 0) || (fx + fw >= x + tw - 2 && x + tw < img.width) || (fy + fh >= y + th - 2 && y + th < img.height);
          if (!cut) extra.push(f);
        }
      }
    }
    // Faces from the whole-image pass win over tile duplicates.
    const asBox = (f: FaceResult): Box => ({ x: f.box[0], y: f.box[1], width: f.box[2], height: f.box[3] });
    return [...faces, ...dedupe(extra).filter((e) => !faces.some((f) => overlapOfSmaller(asBox(f), asBox(e)) > 0.4))];
  }

  async function embedChip(chip: Float32Array): Promise<Embedding> {
    // Averaging with the mirrored chip removes left/right bias of the crop and of lighting.
    const views = [tf.tensor3d(chip, [CHIP, CHIP, 3]), tf.tensor3d(mirror(chip, CHIP, CHIP), [CHIP, CHIP, 3])];
    try {
      const out = faceapi.nets.faceRecognitionNet.forwardInput(new faceapi.NetInput(views));
      const data = await out.data();
      out.dispose();
      const avg = new Float32Array(128);
      for (let i = 0; i < 128; i++) avg[i] = (data[i]! + data[128 + i]!) / 2;
      return l2normalize(avg);
    } finally {
      for (const v of views) v.dispose();
    }
  }

  async function analyzeDecoded(img: DecodedImage, opts: DetectOptions): Promise<{ faces: AnalyzedFace[]; detectMs: number; embedMs: number }> {
    const t0 = performance.now();
    const raw = await detectRaw(img, opts.expectFaces ?? 0);
    let embedMs = 0;
    const s = img.scale;
    const faces: AnalyzedFace[] = [];
    for (const f of raw) {
      const mesh: Point[] = f.mesh.map((p) => ({ x: p[0], y: p[1] }));
      const affine = alignment(mesh);
      const chip = warpAffine(img.data, img.width, img.height, affine, CHIP, CHIP);
      const stats = chipStats(chip, CHIP, CHIP);
      const chipTensor = tf.tensor3d(chip, [CHIP, CHIP, 3]);
      let ag: { age: number; gender: string; genderProbability: number };
      try {
        ag = (await faceapi.nets.ageGenderNet.predictAgeAndGender(chipTensor)) as typeof ag;
      } finally {
        chipTensor.dispose();
      }
      const lm = fiveLandmarks(mesh);
      const scalePt = (p: Point): Point => ({ x: round(p.x * s, 1), y: round(p.y * s, 1) });
      const { subjectRight, subjectLeft } = eyeCentres(mesh);
      const ear = eyeOpenness(mesh);
      const angle = f.rotation?.angle ?? { yaw: 0, pitch: 0, roll: 0 };
      const real = f.real ?? 0;
      const liveness = f.live ?? 0;
      const spoofScore = round((real + liveness) / 2);
      const base: Omit<Face, 'quality' | 'embedding'> = {
        box: { x: round(f.box[0] * s, 1), y: round(f.box[1] * s, 1), width: round(f.box[2] * s, 1), height: round(f.box[3] * s, 1) },
        score: round(f.boxScore * f.faceScore),
        landmarks: { leftEye: scalePt(lm.leftEye), rightEye: scalePt(lm.rightEye), nose: scalePt(lm.nose), mouthLeft: scalePt(lm.mouthLeft), mouthRight: scalePt(lm.mouthRight) },
        // Human's yaw is positive towards the image's left and its pitch positive when the head goes down.
        pose: { yaw: -deg(angle.yaw), pitch: -deg(angle.pitch), roll: deg(Math.atan2(lm.rightEye.y - lm.leftEye.y, lm.rightEye.x - lm.leftEye.x)) },
        size: { width: round(f.box[2] * s, 1), height: round(f.box[3] * s, 1), interocular: round(Math.hypot(subjectRight.x - subjectLeft.x, subjectRight.y - subjectLeft.y) * s, 1) },
        sharpness: round(1 - Math.exp(-stats.laplacianVariance / SHARPNESS_SCALE)),
        eyesOpen: Math.min(ear.left, ear.right) >= EYE_CLOSED_RATIO,
        eyeOpenness: { left: round(ear.left), right: round(ear.right) },
        age: Math.round(ag.age),
        gender: ag.gender === 'female' ? 'female' : 'male',
        genderScore: round(ag.genderProbability),
        smile: round(f.emotion?.find((e) => e.emotion === 'happy')?.score ?? 0),
        antiSpoof: { score: spoofScore, live: spoofScore >= antiSpoofThreshold, real: round(real), liveness: round(liveness) },
      };
      const face: AnalyzedFace = {
        ...base,
        quality: qualityOf(base, stats, img.original, f.faceScore, s),
        signals: { mesh, eyeAspect: ear, mouthRatio: mouthWidthRatio(mesh) },
      };
      if (opts.embeddings) {
        const te = performance.now();
        face.embedding = await embedChip(chip);
        embedMs += performance.now() - te;
      }
      faces.push(face);
    }
    faces.sort((p, q) => q.box.width * q.box.height - p.box.width * p.box.height);
    // Everything but the embedding network counts as detection (mesh, expression, anti-spoof, age/gender).
    return { faces, detectMs: performance.now() - t0 - embedMs, embedMs };
  }

  async function analyze(image: Uint8Array | ArrayBuffer, opts: DetectOptions = {}) {
    ensureOpen();
    const t0 = performance.now();
    const img = await decodeImage(toUint8Array(image), limits);
    const decodeMs = performance.now() - t0;
    const { faces, detectMs, embedMs } = await track(rt.exclusive(() => analyzeDecoded(img, opts)));
    const r1 = (v: number): number => Math.round(v * 10) / 10;
    return { faces, image: img.original, timings: { decodeMs: r1(decodeMs), detectMs: r1(detectMs), embedMs: r1(embedMs), totalMs: r1(performance.now() - t0) } };
  }

  const strip = (f: AnalyzedFace): Face => {
    const { signals: _signals, ...pub } = f;
    return pub;
  };

  function summary(faces: Face[], f: Face): FaceSummary {
    return { count: faces.length, box: f.box, score: f.score, quality: f.quality, pose: f.pose, antiSpoof: f.antiSpoof, age: f.age, gender: f.gender };
  }

  async function resolve(src: FaceSource, label: string): Promise<{ embedding: Embedding; summary: FaceSummary | null; timings: DetectResult['timings'] | null }> {
    if (src instanceof Uint8Array || src instanceof ArrayBuffer) {
      const r = await analyze(src, { embeddings: true });
      const f = r.faces[0];
      if (!f?.embedding) throw new FaceError('NO_FACE', NO_FACE_MESSAGE, { input: label });
      return { embedding: f.embedding, summary: summary(r.faces, f), timings: r.timings };
    }
    if (src && typeof src === 'object' && 'embedding' in src && src.embedding && src.embedding.length > 0) {
      return { embedding: Float32Array.from(src.embedding), summary: null, timings: null };
    }
    throw new FaceError('INVALID_INPUT', `Input ${label} is neither an image nor an embedding`, { input: label });
  }

  const engine: FaceEngine = {
    embeddingModel: EMBEDDING_MODEL,
    loadMs: Math.round(rt.loadMs),

    async detect(image, options = {}) {
      const r = await analyze(image, options);
      return { faces: r.faces.map(strip), image: r.image, timings: r.timings };
    },

    async embed(source) {
      if (source instanceof Uint8Array || source instanceof ArrayBuffer) return (await resolve(source, 'image')).embedding;
      if (source?.embedding) return source.embedding;
      throw new FaceError('INVALID_INPUT', 'embed() needs image bytes or a face detected with { embeddings: true }');
    },

    async compare(a, b, options = {}) {
      const t0 = performance.now();
      const threshold = options.threshold ?? defaultThreshold;
      const [ra, rb] = await Promise.all([resolve(a, 'a'), resolve(b, 'b')]);
      const sim = similarity(ra.embedding, rb.embedding);
      return {
        similarity: sim,
        match: sim >= threshold,
        threshold,
        faces: { a: ra.summary, b: rb.summary },
        timings: { a: ra.timings, b: rb.timings, totalMs: Math.round((performance.now() - t0) * 10) / 10 },
      };
    },

    async selfieWithDocument(image, options = {}) {
      const threshold = options.threshold ?? defaultThreshold;
      const r = await analyze(image, { embeddings: true, expectFaces: 2 });
      const reasons: SelfieWithDocumentResult['reasons'] = [];
      const faces = r.faces.map(strip);
      const [holder = null, document = null] = faces;
      if (!holder) reasons.push('no_face');
      else if (!document) reasons.push('document_not_visible');
      if (faces.length > 2) reasons.push('too_many_faces');
      const cmp = (x: Face | null, e: Embedding | null) => {
        if (!x?.embedding || !e) return null;
        const sim = similarity(x.embedding, e);
        return { similarity: sim, match: sim >= threshold };
      };
      const holderVsDocument = holder && document ? cmp(holder, document.embedding ?? null) : null;
      if (holderVsDocument && !holderVsDocument.match) reasons.push('holder_document_mismatch');
      let vsDocumentPortrait: SelfieWithDocumentResult['vsDocumentPortrait'] = null;
      if (options.documentPortrait) {
        const portrait = (await resolve(options.documentPortrait, 'documentPortrait')).embedding;
        vsDocumentPortrait = { holder: cmp(holder, portrait), heldDocument: cmp(document, portrait) };
        if (vsDocumentPortrait.holder && !vsDocumentPortrait.holder.match) reasons.push('holder_portrait_mismatch');
        if (vsDocumentPortrait.heldDocument && !vsDocumentPortrait.heldDocument.match) reasons.push('held_document_portrait_mismatch');
      }
      return { passed: reasons.length === 0, reasons, faceCount: faces.length, holder, document, threshold, holderVsDocument, vsDocumentPortrait, timings: r.timings };
    },

    async verifyLiveness(challenge, frames, options = {}) {
      validateChallenge(challenge);
      const maxFrames = options.maxFrames ?? 60;
      if (!Array.isArray(frames) || frames.some((f) => !f || typeof f.timestamp !== 'number' || !(f.image instanceof Uint8Array || f.image instanceof ArrayBuffer))) {
        throw new FaceError('INVALID_INPUT', 'frames must be an array of { timestamp: number, image: bytes }');
      }
      if (frames.length > maxFrames) throw new FaceError('INVALID_INPUT', `At most ${maxFrames} frames are accepted`, { frames: frames.length });
      const measurements: FrameMeasurement[] = [];
      for (const frame of frames) {
        let faces: AnalyzedFace[] = [];
        try {
          faces = (await analyze(frame.image, { embeddings: true })).faces;
        } catch (err) {
          if (!(err instanceof FaceError) || err.code === 'ENGINE_CLOSED') throw err;
        }
        const f = faces[0];
        measurements.push({
          timestamp: frame.timestamp,
          faceCount: faces.length,
          yaw: f?.pose.yaw ?? 0,
          pitch: f?.pose.pitch ?? 0,
          eyeAspect: f ? (f.signals.eyeAspect.left + f.signals.eyeAspect.right) / 2 : 0,
          mouthRatio: f?.signals.mouthRatio ?? 0,
          smile: f?.smile ?? 0,
          antiSpoof: f?.antiSpoof.score ?? 0,
          quality: f?.quality.score ?? 0,
          embedding: f?.embedding ?? null,
        });
      }
      return evaluateLiveness(challenge, measurements, { antiSpoofThreshold, matchThreshold: defaultThreshold, ...options });
    },

    analyze,

    async close() {
      closed = true;
      await Promise.allSettled([...inFlight]);
    },
  };
  return engine;
}
