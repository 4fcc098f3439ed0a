import { describe, expect, it } from 'vitest';
import {
  createChallenge,
  evaluateLiveness,
  FaceError,
  l2normalize,
  LIVENESS_ACTIONS,
  type FrameMeasurement,
  type LivenessAction,
  type LivenessChallenge,
} from '../src/index.ts';

// Decision-logic tests on measurement sequences. What the models measure on real images is covered
// in engine.test.ts.

const T0 = 1_700_000_000_000;
const face = l2normalize(Float32Array.from({ length: 128 }, (_, i) => Math.sin(i)));
const otherFace = l2normalize(Float32Array.from({ length: 128 }, (_, i) => Math.cos(i * 7)));

function frame(partial: Partial<FrameMeasurement> = {}): Omit<FrameMeasurement, 'timestamp'> {
  return { faceCount: 1, yaw: 0, pitch: 0, eyeAspect: 0.3, mouthRatio: 0.85, smile: 0.05, antiSpoof: 0.8, quality: 0.9, embedding: face, ...partial };
}

const neutral = frame();
const poses: Record<LivenessAction, Array<Omit<FrameMeasurement, 'timestamp'>>> = {
  // Unmirrored frames: the subject's left turn shows as positive yaw (face towards the image's right).
  turn_left: [frame({ yaw: 10 }), frame({ yaw: 25 }), frame({ yaw: 12 })],
  turn_right: [frame({ yaw: -10 }), frame({ yaw: -24 }), frame({ yaw: -8 })],
  look_up: [frame({ pitch: 8 }), frame({ pitch: 16 }), frame({ pitch: 5 })],
  blink: [frame({ eyeAspect: 0.12 }), frame({ eyeAspect: 0.05 }), frame({ eyeAspect: 0.29 })],
  smile: [frame({ smile: 0.4, mouthRatio: 0.9 }), frame({ smile: 0.95, mouthRatio: 1.02 }), frame({ smile: 0.3 })],
};

function sequence(actions: LivenessAction[], gapMs = 400): FrameMeasurement[] {
  const frames = [neutral, neutral, neutral];
  for (const a of actions) frames.push(...poses[a], neutral);
  return frames.map((f, i) => ({ ...f, timestamp: T0 + 1000 + i * gapMs }));
}

function challenge(actions: LivenessAction[]): LivenessChallenge {
  return { nonce: 'n'.repeat(22), actions, issuedAt: T0, expiresAt: T0 + 120_000 };
}

const now = T0 + 30_000;

describe('createChallenge', () => {
  it('draws distinct actions with a fresh nonce and an expiry', () => {
    const c = createChallenge({ count: 4, now: T0 });
    expect(new Set(c.actions).size).toBe(4);
    for (const a of c.actions) expect(LIVENESS_ACTIONS).toContain(a);
    expect(c.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(createChallenge().nonce).not.toBe(c.nonce);
    expect(c.expiresAt - c.issuedAt).toBe(120_000);
  });

  it('is reproducible with an injected rng and respects the offered actions', () => {
    let s = 1;
    const rng = () => ((s = (s * 48271) % 2147483647) / 2147483647);
    const a = createChallenge({ rng, count: 2, actions: ['blink', 'smile', 'look_up'] });
    s = 1;
    const b = createChallenge({ rng, count: 2, actions: ['blink', 'smile', 'look_up'] });
    expect(a.actions).toEqual(b.actions);
    for (const x of a.actions) expect(['blink', 'smile', 'look_up']).toContain(x);
  });

  it('rejects impossible requests', () => {
    expect(() => createChallenge({ count: 6 })).toThrow(FaceError);
    expect(() => createChallenge({ count: 0 })).toThrow(FaceError);
    expect(() => createChallenge({ actions: ['jump' as LivenessAction] })).toThrow(FaceError);
  });
});

describe('evaluateLiveness', () => {
  it('passes every action performed in order', () => {
    for (const actions of [['turn_left', 'blink', 'smile'], ['look_up', 'turn_right'], ['smile', 'turn_right', 'blink', 'turn_left']] as LivenessAction[][]) {
      const r = evaluateLiveness(challenge(actions), sequence(actions), { now });
      expect(r.reasons).toEqual([]);
      expect(r.passed).toBe(true);
      expect(r.perAction.map((p) => p.action)).toEqual(actions);
      expect(r.perAction.every((p) => p.passed && p.frameIndex !== null)).toBe(true);
      expect(r.sameFace.passed).toBe(true);
      expect(r.bestFrame?.embedding).toBe(face);
    }
  });

  it('fails when the actions happen in another order', () => {
    const r = evaluateLiveness(challenge(['turn_left', 'turn_right']), sequence(['turn_right', 'turn_left']), { now });
    expect(r.passed).toBe(false);
    expect(r.reasons).toContain('wrong_order');
  });

  it('fails a missing action and reports how close it came', () => {
    const r = evaluateLiveness(challenge(['turn_left', 'blink']), sequence(['turn_left']), { now });
    expect(r.passed).toBe(false);
    expect(r.reasons).toContain('action_not_performed');
    expect(r.perAction[1]).toMatchObject({ action: 'blink', passed: false });
  });

  it('does not count a small head movement as a turn', () => {
    const frames = sequence([]).concat([frame({ yaw: 9 }), frame({ yaw: 11 })].map((f, i) => ({ ...f, timestamp: T0 + 9000 + i * 300 })));
    const r = evaluateLiveness(challenge(['turn_left']), frames, { now });
    expect(r.reasons).toContain('action_not_performed');
    expect(r.perAction[0]!.measured).toMatchObject({ metric: 'yaw_change', value: 11, required: 15 });
  });

  it('swaps directions for mirrored frames', () => {
    const frames = sequence(['turn_left']);
    expect(evaluateLiveness(challenge(['turn_left']), frames, { now }).passed).toBe(true);
    expect(evaluateLiveness(challenge(['turn_left']), frames, { now, mirrored: true }).passed).toBe(false);
    expect(evaluateLiveness(challenge(['turn_right']), frames, { now, mirrored: true }).passed).toBe(true);
  });

  it('needs the eyes to reopen for a blink', () => {
    const frames = [neutral, neutral, neutral, frame({ eyeAspect: 0.05 }), frame({ eyeAspect: 0.05 })].map((f, i) => ({ ...f, timestamp: T0 + 1000 + i * 300 }));
    expect(evaluateLiveness(challenge(['blink']), frames, { now }).reasons).toContain('action_not_performed');
  });

  it('rejects late, slow, expired and out-of-order footage', () => {
    const actions: LivenessAction[] = ['turn_left', 'smile'];
    expect(evaluateLiveness(challenge(actions), sequence(actions), { now: T0 + 200_000 }).reasons).toContain('challenge_expired');
    expect(evaluateLiveness(challenge(actions), sequence(actions, 3000), { now }).reasons).toContain('action_too_slow');
    const shuffled = sequence(actions);
    [shuffled[3], shuffled[4]] = [shuffled[4]!, shuffled[3]!];
    expect(evaluateLiveness(challenge(actions), shuffled, { now }).reasons).toContain('timestamps_not_increasing');
    const early = sequence(actions).map((f) => ({ ...f, timestamp: f.timestamp - 60_000 }));
    expect(evaluateLiveness(challenge(actions), early, { now }).reasons).toContain('frames_outside_challenge_window');
    expect(evaluateLiveness(challenge(actions), sequence(actions).slice(0, 3), { now }).reasons).toContain('too_few_frames');
  });

  it('rejects a swap of faces, extra faces and faceless footage', () => {
    const actions: LivenessAction[] = ['turn_right'];
    const swapped = sequence(actions).map((f, i) => (i >= 4 ? { ...f, embedding: otherFace } : f));
    const r = evaluateLiveness(challenge(actions), swapped, { now });
    expect(r.reasons).toContain('different_faces');
    expect(r.sameFace.minSimilarity).toBeLessThan(70);
    const crowd = sequence(actions).map((f, i) => (i === 5 ? { ...f, faceCount: 2 } : f));
    expect(evaluateLiveness(challenge(actions), crowd, { now }).reasons).toContain('multiple_faces');
    const empty = sequence(actions).map((f) => ({ ...f, faceCount: 0, embedding: null }));
    const e = evaluateLiveness(challenge(actions), empty, { now });
    expect(e.passed).toBe(false);
    expect(e.reasons).toEqual(expect.arrayContaining(['no_face_in_frames', 'no_neutral_start', 'different_faces']));
    expect(e.bestFrame).toBeNull();
  });

  it('requires a neutral start', () => {
    const frames = sequence(['blink']).map((f, i) => (i < 3 ? { ...f, yaw: 30 } : f));
    expect(evaluateLiveness(challenge(['blink']), frames, { now }).reasons).toContain('no_neutral_start');
  });

  it('flags a low anti-spoof score and a reference that does not match', () => {
    const actions: LivenessAction[] = ['smile'];
    const spoof = sequence(actions).map((f) => ({ ...f, antiSpoof: 0.2 }));
    const s = evaluateLiveness(challenge(actions), spoof, { now });
    expect(s.reasons).toContain('spoof_suspected');
    expect(s.antiSpoof).toMatchObject({ score: 0.2, live: false });
    const r = evaluateLiveness(challenge(actions), sequence(actions), { now, references: [{ label: 'document', embedding: otherFace }, { label: 'selfie', embedding: face }] });
    expect(r.reasons).toEqual(['reference_mismatch']);
    expect(r.references.map((x) => [x.label, x.match])).toEqual([['document', false], ['selfie', true]]);
  });

  it('throws on a malformed challenge', () => {
    expect(() => evaluateLiveness({ nonce: 'x', actions: [], issuedAt: 0, expiresAt: 1 }, [], { now })).toThrow(FaceError);
  });
});
