import { describe, expect, it } from 'vitest';
import { actionDone, faceMetrics, placement, type FaceMetrics } from '../src/capture/face.ts';

/** A 468-point mesh with only the landmarks the measures read placed like a frontal face. */
function mesh(o: { nose?: number; eyeGap?: number; mouthGap?: number; mouthHalf?: number; noseY?: number } = {}) {
  const m: number[][] = Array.from({ length: 468 }, () => [300, 300, 0]);
  const set = (i: number, x: number, y: number) => (m[i] = [x, y, 0]);
  set(234, 200, 300); // cheeks
  set(454, 400, 300);
  set(1, 300 + (o.nose ?? 0), 320 + (o.noseY ?? 0)); // nose tip
  set(33, 240, 260); // eye corners
  set(133, 280, 260);
  set(362, 320, 260);
  set(263, 360, 260);
  const gap = o.eyeGap ?? 12;
  set(159, 260, 260 - gap / 2); // eyelids
  set(145, 260, 260 + gap / 2);
  set(386, 340, 260 - gap / 2);
  set(374, 340, 260 + gap / 2);
  const half = o.mouthHalf ?? 30;
  set(61, 300 - half, 360); // mouth corners
  set(291, 300 + half, 360);
  set(13, 300, 360 - (o.mouthGap ?? 2) / 2); // inner lips
  set(14, 300, 360 + (o.mouthGap ?? 2) / 2);
  set(152, 300, 420); // chin
  set(10, 300, 180); // forehead (extent)
  return m;
}

const frame = { width: 600, height: 600 };
const at = (o: Parameters<typeof mesh>[0]) => faceMetrics(mesh(o), frame) as FaceMetrics;

describe('face geometry', () => {
  it('measures a frontal face', () => {
    const f = at({});
    expect(f.yaw).toBeCloseTo(0.5);
    expect(f.cx).toBeCloseTo(0.5);
    expect(f.width).toBeCloseTo(200 / 600);
    expect(faceMetrics([], frame)).toBeNull();
  });

  it('recognises each challenge action against the person’s own neutral pose', () => {
    const neutral = at({});
    expect(actionDone('turn_left', neutral, at({ nose: 40 }))).toBe(true);
    expect(actionDone('turn_right', neutral, at({ nose: 40 }))).toBe(false);
    expect(actionDone('turn_right', neutral, at({ nose: -40 }))).toBe(true);
    expect(actionDone('look_up', neutral, at({ noseY: -25 }))).toBe(true);
    expect(actionDone('blink', neutral, at({ eyeGap: 3 }))).toBe(true);
    expect(actionDone('blink', neutral, at({ eyeGap: 10 }))).toBe(false);
    expect(actionDone('smile', neutral, at({ mouthHalf: 38 }))).toBe(true);
    expect(actionDone('open_mouth', neutral, at({ mouthGap: 30 }))).toBe(true);
    expect(actionDone('jump', neutral, at({ nose: 90 }))).toBe(false);
    // Small movements are not actions.
    for (const a of ['turn_left', 'turn_right', 'look_up', 'blink', 'smile']) expect(actionDone(a, neutral, at({ nose: 5, noseY: -3, eyeGap: 11, mouthHalf: 31 }))).toBe(false);
  });

  it('tells where the face is relative to the oval', () => {
    const f = at({});
    expect(placement([])).toBe('none');
    expect(placement([f, f])).toBe('many');
    expect(placement([f], { cx: 0.5, cy: 0.5, minWidth: 0.5 })).toBe('far');
    expect(placement([f], { cx: 0.9, cy: 0.5, minWidth: 0.2 })).toBe('off_centre');
    expect(placement([f], { cx: 0.5, cy: 0.5, minWidth: 0.2 })).toBe('ok');
  });
});
