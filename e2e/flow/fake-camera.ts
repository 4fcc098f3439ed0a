import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { generateSpecimen } from '../../packages/documents/src/specimen/render.ts';
import { toMrzName } from '../../packages/documents/src/names.ts';

/**
 * Chromium's fake camera (`--use-file-for-fake-video-capture=<file.y4m>`) plays a Y4M file in a loop.
 * The file is read when a capture starts, so a test swaps the scene (document, face…) by rewriting the
 * file before the step that opens the camera.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
export const FACE_NEUTRAL = path.join(here, 'fixtures/face-neutral.jpg');
export const FACE_SMILE = path.join(here, 'fixtures/face-smile.jpg');

export type Size = { width: number; height: number };
/** Portrait 3:4 like a phone's camera held upright; landscape 4:3 like a laptop webcam. */
export const PHONE: Size = { width: 720, height: 960 };
export const LAPTOP: Size = { width: 960, height: 720 };
/**
 * Sharper cameras for a card turned upright: its short side is then what lies across the frame, and
 * the document engine's resolution check measures that side (500 px at least). At most 1080 high:
 * the flow asks for 1920×1080 and Chromium crops a taller file to that height.
 */
export const PHONE_HD: Size = { width: 810, height: 1080 };
export const LAPTOP_HD: Size = { width: 1600, height: 1080 };

/** RGB (8-bit, 3 channels) → planar YUV 4:2:0, BT.601 limited range (what Chromium's fake camera assumes). */
export function rgbToI420(rgb: Buffer, width: number, height: number): Buffer {
  const ySize = width * height;
  const cw = width >> 1;
  const ch = height >> 1;
  const out = Buffer.alloc(ySize + 2 * cw * ch);
  for (let i = 0; i < ySize; i++) {
    const r = rgb[i * 3];
    const g = rgb[i * 3 + 1];
    const b = rgb[i * 3 + 2];
    out[i] = Math.round(16 + (219 * (0.299 * r + 0.587 * g + 0.114 * b)) / 255);
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
        const p = ((2 * y + dy) * width + 2 * x + dx) * 3;
        r += rgb[p];
        g += rgb[p + 1];
        b += rgb[p + 2];
      }
      r /= 4;
      g /= 4;
      b /= 4;
      out[ySize + y * cw + x] = Math.round(128 + (224 * (-0.168736 * r - 0.331264 * g + 0.5 * b)) / 255);
      out[ySize + cw * ch + y * cw + x] = Math.round(128 + (224 * (0.5 * r - 0.418688 * g - 0.081312 * b)) / 255);
    }
  }
  return out;
}

/** Writes frames (each an image buffer sharp can read, resized to `size`) as a Y4M video. */
export async function writeY4m(file: string, frames: { image: Buffer; repeat: number }[], size: Size, fps = 10): Promise<void> {
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${size.width} H${size.height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  for (const f of frames) {
    const rgb = await sharp(f.image).resize(size.width, size.height, { fit: 'cover' }).removeAlpha().raw().toBuffer();
    const yuv = rgbToI420(rgb, size.width, size.height);
    for (let i = 0; i < f.repeat; i++) parts.push(Buffer.from('FRAME\n'), yuv);
  }
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, Buffer.concat(parts));
  fs.renameSync(tmp, file);
}

const DESK = { r: 58, g: 64, b: 74 };

/**
 * A document lying on a desk, filling most of the middle of the frame; `upright` turns it a quarter,
 * as a person does to fit a portrait frame.
 */
export async function documentScene(doc: Buffer, size: Size, fill = 0.78, upright = false): Promise<Buffer> {
  const page = upright ? await sharp(doc).rotate(90).toBuffer() : doc;
  const meta = await sharp(page).metadata();
  let w = Math.round(size.width * fill);
  let h = Math.round((w * meta.height!) / meta.width!);
  // An upright card is held closer, to fill the frame's height.
  const maxHeight = size.height * (upright ? 0.9 : 0.8);
  if (h > maxHeight) {
    h = Math.round(maxHeight);
    w = Math.round((h * meta.width!) / meta.height!);
  }
  const card = await sharp(page).resize(w, h).toBuffer();
  return sharp({ create: { width: size.width, height: size.height, channels: 3, background: DESK } })
    .composite([{ input: card, left: Math.round((size.width - w) / 2), top: Math.round((size.height - h) / 2) }])
    .png()
    .toBuffer();
}

/** A face photo framed like a selfie: the face in the upper middle of the frame. */
export async function faceScene(photo: string, size: Size): Promise<Buffer> {
  return sharp(photo).resize(size.width, size.height, { fit: 'cover', position: 'top' }).png().toBuffer();
}

/** The selfie with the document held below the face. */
export async function selfieWithDocumentScene(photo: string, doc: Buffer, size: Size): Promise<Buffer> {
  // Arm's length: the person further from the camera than for a selfie, on the photo's own blurred backdrop.
  const backdrop = await sharp(photo).resize(size.width, size.height, { fit: 'cover' }).blur(12).toBuffer();
  const fw = Math.round(size.width * (size.height > size.width ? 0.78 : 0.6));
  const person = await sharp(photo).resize(fw, Math.round(size.height * 0.72), { fit: 'cover', position: 'top' }).toBuffer();
  const face = await sharp(backdrop).composite([{ input: person, left: Math.round((size.width - fw) / 2), top: 0 }]).png().toBuffer();
  // Held below the chin, large enough that its portrait is a face the engine finds.
  const w = Math.round(size.width * 0.62);
  const card = await sharp(doc).resize(w).toBuffer();
  const top = Math.round(size.height * (size.height > size.width ? 0.58 : 0.5));
  return sharp(face).composite([{ input: card, left: Math.round((size.width - w) / 2), top }]).png().toBuffer();
}

export type Scenes = { documentFront: string; documentBack: string; face: string; liveness: string; selfieWithDocument: string; issuingState: string };

/** `person`: the specimen's data as its machine-readable zone carries it (names transliterated). */
export type DocumentScenes = { documentFront: string; documentBack: string; issuingState: string; person: { surname: string; givenNames: string; birthDate: string; documentNumber: string } };

/** A specimen ID card (TD1) with the test face as its portrait, front and back on the desk. */
async function documentScenes(dir: string, size: Size, seed: number, upright: boolean) {
  fs.mkdirSync(dir, { recursive: true });
  // Rendered at about the size the card takes in the frame: a blown-up render would look out of focus.
  const scale = Math.max(10, Math.ceil((Math.max(size.width, size.height) * 0.8) / 85.6));
  const set = await generateSpecimen({ kind: 'td1', seed, portrait: fs.readFileSync(FACE_NEUTRAL), scale });
  const p = set.truth.person;
  const s: DocumentScenes = {
    documentFront: path.join(dir, 'document-front.y4m'),
    documentBack: path.join(dir, 'document-back.y4m'),
    issuingState: p.issuingState,
    person: { surname: toMrzName(p.surname), givenNames: toMrzName(p.givenNames), birthDate: p.birthDate, documentNumber: p.documentNumber },
  };
  await writeY4m(s.documentFront, [{ image: await documentScene(set.front, size, 0.78, upright), repeat: 10 }], size);
  await writeY4m(s.documentBack, [{ image: await documentScene(set.back!, size, 0.78, upright), repeat: 10 }], size);
  return { set, scenes: s };
}

/** Just the document and a selfie: for tests that stop before liveness. */
export async function buildDocumentScenes(dir: string, size: Size, seed: number, opts: { upright?: boolean } = {}): Promise<DocumentScenes & { face: string }> {
  const { scenes } = await documentScenes(dir, size, seed, opts.upright ?? false);
  const face = path.join(dir, 'face.y4m');
  await writeY4m(face, [{ image: await faceScene(FACE_NEUTRAL, size), repeat: 10 }], size);
  return { ...scenes, face };
}

/** Renders a specimen ID card (TD1, front and back) with the test face as its portrait and builds every scene. */
export async function buildScenes(dir: string, size: Size, seed = 7): Promise<Scenes> {
  const { set, scenes: doc } = await documentScenes(dir, size, seed, false);
  const out = (n: string) => path.join(dir, `${n}.y4m`);
  const s: Scenes = {
    documentFront: doc.documentFront,
    documentBack: doc.documentBack,
    face: out('face'),
    liveness: out('liveness'),
    selfieWithDocument: out('selfie-with-document'),
    issuingState: doc.issuingState,
  };
  await writeY4m(s.face, [{ image: await faceScene(FACE_NEUTRAL, size), repeat: 10 }], size);
  // Neutral, then a smile, in a loop: a real expression change of one person for the liveness check.
  const neutral = await faceScene(FACE_NEUTRAL, size);
  const smile = await faceScene(FACE_SMILE, size);
  await writeY4m(s.liveness, [{ image: neutral, repeat: 15 }, { image: smile, repeat: 10 }], size);
  await writeY4m(s.selfieWithDocument, [{ image: await selfieWithDocumentScene(FACE_NEUTRAL, set.front, size), repeat: 10 }], size);
  return s;
}

const BASE_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Debian's chromium with the camera prompt accepted and the fake camera playing `cameraFile`. */
export function fakeCameraLaunchOptions(cameraFile: string) {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...BASE_ARGS, '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${cameraFile}`],
  };
}

/** Points the fake camera at a scene: the next getUserMedia plays this file. */
export function useScene(cameraFile: string, scene: string) {
  fs.copyFileSync(scene, `${cameraFile}.tmp`);
  fs.renameSync(`${cameraFile}.tmp`, cameraFile);
}
