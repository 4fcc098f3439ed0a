import { describe, expect, it } from 'vitest';
import { assessSelfie, checkConsistency, NO_FACE_MESSAGE, type Face } from '../src/index.ts';

const now = new Date('2026-06-01T00:00:00Z');

function face(partial: Partial<Face> = {}): Face {
  return {
    box: { x: 0, y: 0, width: 200, height: 200 },
    score: 0.9,
    landmarks: { leftEye: { x: 70, y: 80 }, rightEye: { x: 130, y: 80 }, nose: { x: 100, y: 110 }, mouthLeft: { x: 75, y: 150 }, mouthRight: { x: 125, y: 150 } },
    pose: { yaw: 0, pitch: 0, roll: 0 },
    size: { width: 200, height: 200, interocular: 60 },
    sharpness: 0.9,
    eyesOpen: true,
    eyeOpenness: { left: 0.3, right: 0.3 },
    age: 35,
    gender: 'female',
    genderScore: 0.97,
    smile: 0.1,
    quality: { score: 0.95, issues: [] },
    antiSpoof: { score: 0.8, live: true, real: 0.7, liveness: 0.9 },
    ...partial,
  };
}

describe('assessSelfie', () => {
  it('passes one good face and flags the rest', () => {
    expect(assessSelfie({ faces: [face()] })).toMatchObject({ passed: true, flags: [], faceCount: 1, message: null });
    const none = assessSelfie({ faces: [] });
    expect(none).toMatchObject({ passed: false, flags: ['no_face'], face: null, message: NO_FACE_MESSAGE });
    expect(assessSelfie({ faces: [face(), face()] }).flags).toEqual(['multiple_faces']);
    const bad = assessSelfie({ faces: [face({ antiSpoof: { score: 0.2, live: false, real: 0.1, liveness: 0.3 }, quality: { score: 0.2, issues: ['blurry', 'eyes_closed'] } })] });
    expect(bad.flags).toEqual(['spoof_suspected', 'blurry', 'eyes_closed']);
  });
});

describe('checkConsistency', () => {
  it('accepts plausible estimates', () => {
    const r = checkConsistency(face({ age: 38 }), { dateOfBirth: '1990-03-15', sex: 'F' }, { now });
    expect(r.warnings).toEqual([]);
    expect(r.age).toEqual({ estimated: 38, document: 36, difference: 2, tolerance: 12 });
  });

  it('warns on a large age gap, scaled with age', () => {
    expect(checkConsistency(face({ age: 55 }), { dateOfBirth: '2001-01-01' }, { now }).warnings).toEqual(['age_mismatch']);
    // 70 on the document, 58 estimated: within 30 % (21 years).
    expect(checkConsistency(face({ age: 58 }), { dateOfBirth: new Date('1956-01-01') }, { now }).warnings).toEqual([]);
  });

  it('warns on a confident gender disagreement only', () => {
    expect(checkConsistency(face({ gender: 'male', genderScore: 0.95 }), { sex: 'F' }, { now }).warnings).toEqual(['gender_mismatch']);
    expect(checkConsistency(face({ gender: 'male', genderScore: 0.6 }), { sex: 'F' }, { now }).warnings).toEqual([]);
    expect(checkConsistency(face({ gender: 'male', genderScore: 0.99 }), { sex: 'X' }, { now }).gender).toBeNull();
  });

  it('ignores missing or invalid document data', () => {
    expect(checkConsistency(face(), {}, { now })).toEqual({ warnings: [], age: null, gender: null });
    expect(checkConsistency(face(), { dateOfBirth: 'not a date', sex: '' }, { now }).age).toBeNull();
    expect(checkConsistency(face(), { dateOfBirth: '2999-01-01' }, { now }).age).toBeNull();
  });
});
