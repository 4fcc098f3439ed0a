/**
 * Active liveness: the server issues a random sequence of actions with a nonce; the flow records
 * timestamped frames while the applicant performs them; the verifier checks from landmarks and
 * pose that the actions happened in order, in time, by one face that matches the other sources.
 *
 * The decision logic (evaluateLiveness) is a pure function of per-frame measurements so it can be
 * tested exhaustively; verifyLiveness measures real frames with the engine and then calls it.
 */
import { randomBytes } from 'node:crypto';
import { FaceError } from './errors.ts';
import { DEFAULT_MATCH_THRESHOLD, similarity, type Embedding } from './similarity.ts';

export const LIVENESS_ACTIONS = ['turn_left', 'turn_right', 'look_up', 'blink', 'smile'] as const;
export type LivenessAction = (typeof LIVENESS_ACTIONS)[number];

export interface LivenessChallenge {
  /** Random, single-use: the server stores it and accepts one verification per nonce. */
  nonce: string;
  actions: LivenessAction[];
  /** Epoch milliseconds. */
  issuedAt: number;
  expiresAt: number;
}

export interface ChallengeOptions {
  /** Actions to draw from (default: all). */
  actions?: readonly LivenessAction[];
  /** How many actions to ask for (default 3, at most the number of distinct actions offered). */
  count?: number;
  /** Source of randomness for the action order, 0 ≤ rng() < 1 (default: crypto). The nonce always comes from crypto. */
  rng?: () => number;
  /** Validity in ms (default 120 s). */
  ttlMs?: number;
  now?: number;
}

function cryptoRandom(): number {
  return randomBytes(4).readUInt32BE(0) / 2 ** 32;
}

export function createChallenge(options: ChallengeOptions = {}): LivenessChallenge {
  const pool = [...new Set(options.actions ?? LIVENESS_ACTIONS)];
  for (const a of pool) if (!LIVENESS_ACTIONS.includes(a)) throw new FaceError('INVALID_INPUT', `Unknown liveness action: ${String(a)}`);
  const count = options.count ?? Math.min(3, pool.length);
  if (!Number.isInteger(count) || count < 1 || count > pool.length) {
    throw new FaceError('INVALID_INPUT', `count must be between 1 and ${pool.length}`);
  }
  const rng = options.rng ?? cryptoRandom;
  // Partial Fisher–Yates: distinct actions in random order.
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  const now = options.now ?? Date.now();
  return { nonce: randomBytes(16).toString('base64url'), actions: pool.slice(0, count), issuedAt: now, expiresAt: now + (options.ttlMs ?? 120_000) };
}

/** What the verifier needs from one frame; produced by the engine from a real image. */
export interface FrameMeasurement {
  timestamp: number;
  faceCount: number;
  /** Degrees, engine convention: positive = face turned towards the image's right. */
  yaw: number;
  /** Degrees, positive = chin up. */
  pitch: number;
  /** Mean eye aspect ratio of both eyes. */
  eyeAspect: number;
  /** Mouth width over inter-ocular distance. */
  mouthRatio: number;
  /** Happy-expression probability 0..1. */
  smile: number;
  antiSpoof: number;
  quality: number;
  embedding: Embedding | null;
}

export interface LivenessOptions {
  /** Frames mirrored like a selfie preview (turn directions swap). Default false. */
  mirrored?: boolean;
  /** Verification time (default Date.now()); a challenge is only valid until expiresAt. */
  now?: number;
  /** Tolerated difference between the client's and the server's clocks (default 5 s). */
  clockSkewMs?: number;
  /** Longest time one action may take after the previous one (default 10 s). */
  actionTimeoutMs?: number;
  /** Head turn that counts, relative to the starting pose, degrees (default 15). */
  turnDegrees?: number;
  /** Head raise that counts, relative to the starting pose, degrees (default 10). */
  lookUpDegrees?: number;
  /** Every frame's face must be at least this similar to the best frame (default 70: the 1 % FPR point, lenient for turned heads). */
  sameFaceThreshold?: number;
  /** Similarity needed against the reference embeddings (default 85). */
  matchThreshold?: number;
  /** Median anti-spoof score needed (default 0.5). */
  antiSpoofThreshold?: number;
  /** Faces to match the best frame against (document portrait, selfie…). */
  references?: Array<{ label: string; embedding: ArrayLike<number> }>;
  minFrames?: number;
  maxFrames?: number;
}

export type LivenessReason =
  | 'challenge_expired'
  | 'too_few_frames'
  | 'too_many_frames'
  | 'timestamps_not_increasing'
  | 'frames_outside_challenge_window'
  | 'no_face_in_frames'
  | 'multiple_faces'
  | 'no_neutral_start'
  | 'action_not_performed'
  | 'wrong_order'
  | 'action_too_slow'
  | 'different_faces'
  | 'reference_mismatch'
  | 'spoof_suspected';

export interface ActionResult {
  action: LivenessAction;
  passed: boolean;
  /** Index of the frame where the action was observed. */
  frameIndex: number | null;
  timestamp: number | null;
  /** The measured change that satisfied (or best approached) the action. */
  measured: { metric: 'yaw_change' | 'pitch_change' | 'eye_ratio' | 'smile'; value: number; required: number } | null;
  reason?: LivenessReason;
}

export interface LivenessResult {
  passed: boolean;
  reasons: LivenessReason[];
  perAction: ActionResult[];
  antiSpoof: { score: number; live: boolean; perFrame: number[] };
  sameFace: { passed: boolean; minSimilarity: number | null; threshold: number };
  references: Array<{ label: string; similarity: number; match: boolean }>;
  bestFrame: { index: number; timestamp: number; quality: number; embedding: Embedding } | null;
  frames: { total: number; withFace: number };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const r3 = (v: number): number => Math.round(v * 1000) / 1000;

type PoseLabel = 'left' | 'right' | 'up' | null;

export function evaluateLiveness(challenge: LivenessChallenge, frames: FrameMeasurement[], options: LivenessOptions = {}): LivenessResult {
  validateChallenge(challenge);
  const o = {
    mirrored: options.mirrored ?? false,
    now: options.now ?? Date.now(),
    skew: options.clockSkewMs ?? 5000,
    actionTimeoutMs: options.actionTimeoutMs ?? 10_000,
    turn: options.turnDegrees ?? 15,
    lookUp: options.lookUpDegrees ?? 10,
    sameFaceThreshold: options.sameFaceThreshold ?? 70,
    matchThreshold: options.matchThreshold ?? DEFAULT_MATCH_THRESHOLD,
    antiSpoofThreshold: options.antiSpoofThreshold ?? 0.5,
    minFrames: options.minFrames ?? challenge.actions.length + 2,
    maxFrames: options.maxFrames ?? 60,
  };
  const reasons = new Set<LivenessReason>();
  if (o.now > challenge.expiresAt + o.skew) reasons.add('challenge_expired');
  if (frames.length < o.minFrames) reasons.add('too_few_frames');
  if (frames.length > o.maxFrames) reasons.add('too_many_frames');
  for (let i = 1; i < frames.length; i++) if (!(frames[i]!.timestamp > frames[i - 1]!.timestamp)) reasons.add('timestamps_not_increasing');
  if (frames.some((f) => !Number.isFinite(f.timestamp) || f.timestamp < challenge.issuedAt - o.skew || f.timestamp > challenge.expiresAt + o.skew)) {
    reasons.add('frames_outside_challenge_window');
  }

  const withFace = frames.map((f, i) => ({ f, i })).filter(({ f }) => f.faceCount >= 1);
  if (frames.some((f) => f.faceCount > 1)) reasons.add('multiple_faces');
  // A few dropped detections (motion blur mid-turn) are normal; mostly-faceless footage is not.
  if (withFace.length < Math.max(o.minFrames, Math.ceil(frames.length * 0.7))) reasons.add('no_face_in_frames');

  // The starting pose: the first frames, which the flow captures before showing the first action.
  const start = withFace.slice(0, Math.min(3, withFace.length)).map(({ f }) => f);
  const base = {
    yaw: median(start.map((f) => f.yaw)),
    pitch: median(start.map((f) => f.pitch)),
    eye: median(start.map((f) => f.eyeAspect)),
    mouth: median(start.map((f) => f.mouthRatio)),
    smile: median(start.map((f) => f.smile)),
  };
  const neutral = start.length > 0 && Math.abs(base.yaw) <= 20 && Math.abs(base.pitch) <= 20 && base.eye >= 0.18;
  if (!neutral) reasons.add('no_neutral_start');

  const poseOf = (f: FrameMeasurement): PoseLabel => {
    const dyaw = (f.yaw - base.yaw) * (o.mirrored ? -1 : 1);
    if (dyaw >= o.turn) return 'left';
    if (dyaw <= -o.turn) return 'right';
    if (f.pitch - base.pitch >= o.lookUp && Math.abs(dyaw) < o.turn) return 'up';
    return null;
  };
  const eyesClosed = (f: FrameMeasurement): boolean => f.eyeAspect < Math.min(0.6 * base.eye, 0.2);
  // Relative to the start: many people rest with a slight smile the expression model already calls happy.
  const smileNeeded = Math.min(0.95, Math.max(0.6, base.smile + 0.3));
  const smiling = (f: FrameMeasurement): boolean => f.smile >= smileNeeded || f.mouthRatio >= base.mouth * 1.12;
  const poseAction: Partial<Record<LivenessAction, PoseLabel>> = { turn_left: 'left', turn_right: 'right', look_up: 'up' };
  const challengePoses = new Set(challenge.actions.map((a) => poseAction[a]).filter((p): p is Exclude<PoseLabel, null> => p != null));

  const perAction: ActionResult[] = [];
  let cursor = start.length > 0 ? withFace.findIndex(({ f }) => f === start[start.length - 1]) + 1 : 0;
  let lastTime = withFace[0]?.f.timestamp ?? challenge.issuedAt;
  let failed = !neutral;
  for (const action of challenge.actions) {
    if (failed) {
      perAction.push({ action, passed: false, frameIndex: null, timestamp: null, measured: null, reason: 'action_not_performed' });
      continue;
    }
    const want = poseAction[action];
    let hit: { k: number; measured: ActionResult['measured'] } | null = null;
    let wrongOrder = false;
    let best: ActionResult['measured'] = null;
    let sawClosed = false;
    for (let k = cursor; k < withFace.length && !hit; k++) {
      const f = withFace[k]!.f;
      const pose = poseOf(f);
      const dyaw = r3((f.yaw - base.yaw) * (o.mirrored ? -1 : 1));
      if (want) {
        const measured: ActionResult['measured'] =
          want === 'up' ? { metric: 'pitch_change', value: r3(f.pitch - base.pitch), required: o.lookUp } : { metric: 'yaw_change', value: want === 'left' ? dyaw : -dyaw, required: o.turn };
        if (!best || measured.value > best.value) best = measured;
        if (pose === want) hit = { k, measured };
        else if (pose && challengePoses.has(pose)) wrongOrder = true;
      } else if (action === 'blink') {
        const ratio = r3(f.eyeAspect / base.eye);
        if (!best || ratio < best.value) best = { metric: 'eye_ratio', value: ratio, required: r3(Math.min(0.6, 0.2 / base.eye)) };
        if (eyesClosed(f)) sawClosed = true;
        // A blink is a closure followed by reopening, not eyes that stay shut.
        else if (sawClosed && f.eyeAspect >= 0.8 * base.eye) hit = { k, measured: best };
        if (pose && challengePoses.has(pose)) wrongOrder = true;
      } else {
        // One number for both cues: the expression probability, or mouth widening scaled so 12 % reads as the threshold.
        const measured: ActionResult['measured'] = { metric: 'smile', value: r3(Math.max(f.smile, ((f.mouthRatio / base.mouth - 1) / 0.12) * smileNeeded)), required: r3(smileNeeded) };
        if (!best || measured.value > best.value) best = measured;
        if (smiling(f)) hit = { k, measured };
        if (pose && challengePoses.has(pose)) wrongOrder = true;
      }
      if (wrongOrder) break;
    }
    if (!hit) {
      const reason: LivenessReason = wrongOrder ? 'wrong_order' : 'action_not_performed';
      reasons.add(reason);
      perAction.push({ action, passed: false, frameIndex: null, timestamp: null, measured: best, reason });
      failed = true;
      continue;
    }
    const frame = withFace[hit.k]!;
    const tooSlow = frame.f.timestamp - lastTime > o.actionTimeoutMs;
    if (tooSlow) reasons.add('action_too_slow');
    perAction.push({ action, passed: !tooSlow, frameIndex: frame.i, timestamp: frame.f.timestamp, measured: hit.measured, ...(tooSlow ? { reason: 'action_too_slow' as const } : {}) });
    lastTime = frame.f.timestamp;
    // The next action must be seen after this one ends: skip the frames still showing it.
    let next = hit.k + 1;
    if (want) while (next < withFace.length && poseOf(withFace[next]!.f) === want) next++;
    if (action === 'smile') while (next < withFace.length && smiling(withFace[next]!.f)) next++;
    cursor = next;
  }

  // Identity: the most frontal good frame, and every frame against it.
  const embedded = withFace.filter(({ f }) => f.embedding);
  const candidates = embedded.filter(({ f }) => Math.abs(f.yaw - base.yaw) < o.turn && !eyesClosed(f));
  const bestPick = (candidates.length > 0 ? candidates : embedded).reduce<(typeof embedded)[number] | null>((b, c) => (!b || c.f.quality > b.f.quality ? c : b), null);
  let minSimilarity: number | null = null;
  if (bestPick) {
    for (const { f } of embedded) {
      const s = similarity(f.embedding!, bestPick.f.embedding!);
      minSimilarity = minSimilarity === null ? s : Math.min(minSimilarity, s);
    }
  }
  const sameFacePassed = minSimilarity !== null && minSimilarity >= o.sameFaceThreshold;
  if (!sameFacePassed) reasons.add('different_faces');

  const references = bestPick
    ? (options.references ?? []).map((r) => {
        const s = similarity(bestPick.f.embedding!, r.embedding);
        return { label: r.label, similarity: s, match: s >= o.matchThreshold };
      })
    : [];
  if (references.some((r) => !r.match) || ((options.references?.length ?? 0) > 0 && !bestPick)) reasons.add('reference_mismatch');

  const perFrame = withFace.map(({ f }) => r3(f.antiSpoof));
  const spoofScore = perFrame.length > 0 ? r3(median(perFrame)) : 0;
  const live = spoofScore >= o.antiSpoofThreshold;
  if (!live) reasons.add('spoof_suspected');

  return {
    passed: reasons.size === 0,
    reasons: [...reasons],
    perAction,
    antiSpoof: { score: spoofScore, live, perFrame },
    sameFace: { passed: sameFacePassed, minSimilarity, threshold: o.sameFaceThreshold },
    references,
    bestFrame: bestPick ? { index: bestPick.i, timestamp: bestPick.f.timestamp, quality: bestPick.f.quality, embedding: bestPick.f.embedding! } : null,
    frames: { total: frames.length, withFace: withFace.length },
  };
}

export function validateChallenge(c: LivenessChallenge): void {
  const ok =
    c &&
    typeof c.nonce === 'string' &&
    c.nonce.length >= 16 &&
    Array.isArray(c.actions) &&
    c.actions.length > 0 &&
    c.actions.every((a) => LIVENESS_ACTIONS.includes(a)) &&
    Number.isFinite(c.issuedAt) &&
    Number.isFinite(c.expiresAt) &&
    c.expiresAt > c.issuedAt;
  if (!ok) throw new FaceError('INVALID_CHALLENGE', 'The liveness challenge is malformed');
}
