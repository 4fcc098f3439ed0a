import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChallenge, createFaceEngine, EMBEDDING_DIM, FaceError, NO_FACE_MESSAGE, type DetectResult, type FaceEngine, type LivenessChallenge } from '../src/index.ts';

// Real models on real photos (MIT-licensed fixtures from the deepface test set, see fixtures/README.md).
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fx = (name: string): Buffer => readFileSync(path.join(fixtures, name));
const mirrored = (buf: Buffer): Promise<Buffer> => sharp(buf).flop().jpeg().toBuffer();

async function expectFaceError(p: Promise<unknown>, code: string): Promise<FaceError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FaceError);
  expect((err as FaceError).code).toBe(code);
  return err as FaceError;
}

/** A selfie holding a card whose portrait is `portrait`. */
async function selfieWithCard(holder: Buffer, portrait: Buffer): Promise<Buffer> {
  const person = await sharp(holder).resize(520, 520, { fit: 'inside' }).toBuffer({ resolveWithObject: true });
  const photo = await sharp(portrait).resize(120, 150, { fit: 'cover', position: 'north' }).toBuffer();
  const card = await sharp({ create: { width: 330, height: 210, channels: 3, background: { r: 226, g: 232, b: 240 } } })
    .composite([
      { input: photo, left: 18, top: 40 },
      { input: Buffer.from('<svg width="160" height="120"><rect x="0" y="0" width="150" height="14" fill="#7a8aa0"/><rect x="0" y="34" width="120" height="10" fill="#9aa8b8"/><rect x="0" y="58" width="140" height="10" fill="#9aa8b8"/><rect x="0" y="82" width="90" height="10" fill="#9aa8b8"/></svg>'), left: 160, top: 50 },
    ])
    .png()
    .toBuffer();
  return sharp({ create: { width: 900, height: 640, channels: 3, background: { r: 90, g: 96, b: 104 } } })
    .composite([
      { input: person.data, left: 40, top: 40 },
      { input: card, left: 540, top: 380 },
    ])
    .jpeg({ quality: 90 })
    .toBuffer();
}

function pngHeaderOnly(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

let engine: FaceEngine;

beforeAll(async () => {
  engine = await createFaceEngine();
});

afterAll(async () => {
  await engine?.close();
});

describe('detect', () => {
  it('finds one face with landmarks, pose, quality, eyes, age/gender and anti-spoof', async () => {
    const r = await engine.detect(fx('p1-neutral.jpg'));
    expect(r.image).toMatchObject({ format: 'jpeg' });
    expect(r.faces).toHaveLength(1);
    const f = r.faces[0]!;
    const { box, landmarks } = f;
    expect(box.width).toBeGreaterThan(100);
    for (const p of Object.values(landmarks)) {
      expect(p.x).toBeGreaterThan(box.x);
      expect(p.x).toBeLessThan(box.x + box.width);
      expect(p.y).toBeGreaterThan(box.y);
      expect(p.y).toBeLessThan(box.y + box.height);
    }
    expect(landmarks.leftEye.x).toBeLessThan(landmarks.rightEye.x);
    expect(landmarks.leftEye.y).toBeLessThan(landmarks.mouthLeft.y);
    expect(Math.abs(f.pose.yaw)).toBeLessThan(15);
    expect(f.eyesOpen).toBe(true);
    expect(f.sharpness).toBeGreaterThan(0.5);
    expect(f.quality.issues).toEqual([]);
    expect(f.gender).toBe('female');
    expect(f.age).toBeGreaterThan(18);
    expect(f.antiSpoof.score).toBeGreaterThan(0);
    expect(f.antiSpoof.score).toBeLessThanOrEqual(1);
    expect(f.embedding).toBeUndefined();
  });

  it('reports yaw with the documented sign, and mirroring flips it', async () => {
    // The fixture's subject faces ~16° towards the image's right.
    const turned = (await engine.detect(fx('turned-16.jpg'))).faces[0]!;
    const flipped = (await engine.detect(await mirrored(fx('turned-16.jpg')))).faces[0]!;
    expect(turned.pose.yaw).toBeGreaterThan(8);
    expect(flipped.pose.yaw).toBeLessThan(-8);
    expect(Math.abs(turned.pose.yaw + flipped.pose.yaw)).toBeLessThan(6);
  });

  it('reports roll from the eye line', async () => {
    const rotated = await sharp(fx('p1-neutral.jpg')).rotate(20, { background: '#808080' }).jpeg().toBuffer();
    const f = (await engine.detect(rotated)).faces[0]!;
    expect(f.pose.roll).toBeGreaterThan(12);
    expect(f.pose.roll).toBeLessThan(28);
  });

  it('finds every face in a group photo', async () => {
    const r = await engine.detect(fx('two-people.jpg'));
    expect(r.faces).toHaveLength(2);
    expect(r.faces.map((f) => f.gender).sort()).toEqual(['female', 'male']);
  });

  it('returns no faces (not an error) for an image without a face', async () => {
    const noise = await sharp(Buffer.from(Array.from({ length: 320 * 240 * 3 }, (_, i) => (i * 7919) % 251)), { raw: { width: 320, height: 240, channels: 3 } }).png().toBuffer();
    expect((await engine.detect(noise)).faces).toEqual([]);
    const plain = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#c0d0e0' } }).jpeg().toBuffer();
    expect((await engine.detect(plain)).faces).toEqual([]);
    await expectFaceError(engine.embed(plain), 'NO_FACE');
  });

  it('rejects bad input with typed errors and keeps working afterwards', async () => {
    await expectFaceError(engine.detect(Buffer.from('definitely not an image, just text')), 'UNSUPPORTED_FORMAT');
    await expectFaceError(engine.detect(new Uint8Array(0)), 'INVALID_IMAGE');
    await expectFaceError(engine.detect(fx('p1-neutral.jpg').subarray(0, 600)), 'INVALID_IMAGE');
    const tiny = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#fff' } }).png().toBuffer();
    await expectFaceError(engine.detect(tiny), 'IMAGE_TOO_SMALL');
    // A PNG header announcing 30000×30000 pixels (2.7 GB decoded): refused from the header alone.
    const bomb = pngHeaderOnly(30000, 30000);
    await expectFaceError(engine.detect(bomb), 'IMAGE_TOO_LARGE');
    await expectFaceError(engine.detect('p1-neutral.jpg' as unknown as Uint8Array), 'INVALID_INPUT');
    expect((await engine.detect(fx('p9.jpg'))).faces).toHaveLength(1);
  });

  it('handles tiny faces and large photos without failing', async () => {
    const face = await sharp(fx('p9.jpg')).resize(36).toBuffer();
    const tinyFace = await sharp({ create: { width: 900, height: 700, channels: 3, background: '#9aa' } }).composite([{ input: face, left: 400, top: 300 }]).jpeg().toBuffer();
    const r = await engine.detect(tinyFace);
    for (const f of r.faces) expect(f.quality.issues).toContain('too_small');
    // 24 Mpixel photo: decoded into a bounded working copy, coordinates reported in full resolution.
    const large = await sharp(fx('p7-frontal.jpg')).resize(6000, 4000, { fit: 'fill' }).jpeg({ quality: 60 }).toBuffer();
    const big = await engine.detect(large);
    expect(big.image).toMatchObject({ width: 6000, height: 4000 });
    expect(big.faces).toHaveLength(1);
    expect(big.faces[0]!.box.width).toBeGreaterThan(1000);
  });

  it('gives the same results to concurrent callers as to sequential ones', async () => {
    const names = ['p1-neutral.jpg', 'p7-frontal.jpg', 'p9.jpg', 'two-people.jpg'];
    const sequential: DetectResult[] = [];
    for (const n of names) sequential.push(await engine.detect(fx(n), { embeddings: true }));
    const concurrent = await Promise.all(names.map((n) => engine.detect(fx(n), { embeddings: true })));
    concurrent.forEach((r, i) => {
      expect(r.faces.length).toBe(sequential[i]!.faces.length);
      expect(Array.from(r.faces[0]!.embedding!)).toEqual(Array.from(sequential[i]!.faces[0]!.embedding!));
    });
  });
});

describe('embed and compare', () => {
  it('matches the same person and separates different people', async () => {
    const same = await engine.compare(fx('p1-neutral.jpg'), fx('p1-smile.jpg'));
    expect(same.match).toBe(true);
    expect(same.similarity).toBeGreaterThanOrEqual(85);
    expect(same.threshold).toBe(85);
    expect(same.faces.a).toMatchObject({ count: 1 });
    expect(same.timings.a?.totalMs).toBeGreaterThan(0);
    const sameMale = await engine.compare(fx('p7-frontal.jpg'), fx('p7-turned.jpg'));
    expect(sameMale.match).toBe(true);
    for (const [a, b] of [['p1-neutral.jpg', 'p9.jpg'], ['p7-frontal.jpg', 'p9.jpg'], ['p1-third.jpg', 'p7-turned.jpg']] as const) {
      const diff = await engine.compare(fx(a), fx(b));
      expect(diff.match).toBe(false);
      expect(diff.similarity).toBeLessThan(50);
    }
  });

  it('is unaffected by mirroring and by downscaling', async () => {
    const e = await engine.embed(fx('p7-frontal.jpg'));
    expect(e).toHaveLength(EMBEDDING_DIM);
    expect(Math.hypot(...e)).toBeCloseTo(1, 5);
    const m = await engine.compare({ embedding: e }, await mirrored(fx('p7-frontal.jpg')));
    expect(m.similarity).toBeGreaterThan(97);
    const small = await sharp(fx('p7-frontal.jpg')).resize(160).jpeg({ quality: 70 }).toBuffer();
    expect((await engine.compare({ embedding: e }, small)).match).toBe(true);
  });

  it('accepts stored embeddings and a custom threshold', async () => {
    const a = await engine.embed(fx('p1-neutral.jpg'));
    const r = await engine.compare({ embedding: a }, { embedding: Array.from(a) }, { threshold: 99 });
    expect(r.similarity).toBeGreaterThan(99);
    expect(r.match).toBe(true);
    expect(r.faces).toEqual({ a: null, b: null });
    const detected = await engine.detect(fx('p1-neutral.jpg'), { embeddings: true });
    expect(Array.from(await engine.embed(detected.faces[0]!))).toEqual(Array.from(a));
  });

  it('says which input had no face, with the applicant message', async () => {
    const plain = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#334455' } }).jpeg().toBuffer();
    const err = await expectFaceError(engine.compare(fx('p1-neutral.jpg'), plain), 'NO_FACE');
    expect(err.message).toBe(NO_FACE_MESSAGE);
    expect(err.details).toEqual({ input: 'b' });
  });
});

describe('selfie with document', () => {
  it('finds holder and held portrait and matches them to each other and to the document step', async () => {
    const image = await selfieWithCard(fx('p1-neutral.jpg'), fx('p1-smile.jpg'));
    const r = await engine.selfieWithDocument(image, { documentPortrait: fx('p1-third.jpg') });
    expect(r.faceCount).toBe(2);
    expect(r.holder!.box.width).toBeGreaterThan(r.document!.box.width);
    expect(r.holderVsDocument?.match).toBe(true);
    expect(r.vsDocumentPortrait?.holder?.match).toBe(true);
    expect(r.vsDocumentPortrait?.heldDocument?.match).toBe(true);
    expect(r.reasons).toEqual([]);
    expect(r.passed).toBe(true);
  });

  it('flags a held document of someone else', async () => {
    const image = await selfieWithCard(fx('p1-neutral.jpg'), fx('p9.jpg'));
    const r = await engine.selfieWithDocument(image, { documentPortrait: fx('p1-third.jpg') });
    expect(r.faceCount).toBe(2);
    expect(r.passed).toBe(false);
    expect(r.reasons).toEqual(expect.arrayContaining(['holder_document_mismatch', 'held_document_portrait_mismatch']));
    expect(r.reasons).not.toContain('holder_portrait_mismatch');
  });

  it('reports a missing document', async () => {
    const r = await engine.selfieWithDocument(fx('p1-neutral.jpg'));
    expect(r.faceCount).toBe(1);
    expect(r.reasons).toEqual(['document_not_visible']);
  });
});

describe('liveness on real frames', () => {
  // Real photos stand in for video frames: the head turns are real (the subject of turned-16.jpg
  // faces 16° to the image's right; its mirror image faces 16° the other way), the smile is the same
  // person photographed smiling. What is not covered here: blinks, which need closed-eye footage.
  const t0 = Date.now();
  const challenge = (actions: LivenessChallenge['actions']): LivenessChallenge => ({ nonce: createChallenge().nonce, actions, issuedAt: t0, expiresAt: t0 + 120_000 });
  const frames = (images: Buffer[]) => images.map((image, i) => ({ timestamp: t0 + 500 + i * 700, image }));

  it('verifies a head turn from the model-measured pose', async () => {
    const right = fx('turned-16.jpg');
    const left = await mirrored(right);
    // Starting pose: facing 16° to the image's left; then 16° to the right = the subject turned to their left.
    const r = await engine.verifyLiveness(challenge(['turn_left']), frames([left, left, left, right, right]), { now: t0 + 10_000 });
    expect(r.perAction[0]).toMatchObject({ action: 'turn_left', passed: true, frameIndex: 3 });
    expect(r.perAction[0]!.measured!.value).toBeGreaterThan(15);
    expect(r.sameFace.passed).toBe(true);
    expect(r.reasons).not.toContain('action_not_performed');
    const wrong = await engine.verifyLiveness(challenge(['turn_right']), frames([left, left, left, right, right]), { now: t0 + 10_000 });
    expect(wrong.passed).toBe(false);
    expect(wrong.perAction[0]!.passed).toBe(false);
  });

  it('verifies a smile, matches references and catches a different person', async () => {
    const neutral = fx('p1-neutral.jpg');
    const smile = fx('p1-smile.jpg');
    const portrait = await engine.embed(fx('p1-third.jpg'));
    const r = await engine.verifyLiveness(challenge(['smile']), frames([neutral, neutral, neutral, smile, neutral]), {
      now: t0 + 10_000,
      references: [{ label: 'document', embedding: portrait }],
    });
    expect(r.perAction[0]).toMatchObject({ action: 'smile', passed: true, frameIndex: 3 });
    expect(r.references[0]).toMatchObject({ label: 'document', match: true });
    expect(r.sameFace.passed).toBe(true);
    expect(r.bestFrame?.embedding).toHaveLength(EMBEDDING_DIM);
    const swapped = await engine.verifyLiveness(challenge(['smile']), frames([neutral, neutral, neutral, smile, fx('p9.jpg')]), { now: t0 + 10_000 });
    expect(swapped.reasons).toContain('different_faces');
  });

  it('treats an undecodable frame as a frame without a face and refuses floods', async () => {
    const neutral = fx('p1-neutral.jpg');
    const r = await engine.verifyLiveness(challenge(['smile']), frames([neutral, neutral, neutral, Buffer.from('garbage'), fx('p1-smile.jpg')]), { now: t0 + 10_000 });
    expect(r.frames).toEqual({ total: 5, withFace: 4 });
    await expectFaceError(engine.verifyLiveness(challenge(['smile']), frames(Array.from({ length: 61 }, () => neutral))), 'INVALID_INPUT');
  });
});

describe('engine lifecycle', () => {
  it('refuses work after close, and a new engine reuses the loaded models', async () => {
    const second = await createFaceEngine();
    await second.close();
    await expectFaceError(second.detect(fx('p9.jpg')), 'ENGINE_CLOSED');
    expect((await engine.detect(fx('p9.jpg'))).faces).toHaveLength(1);
  });
});
