import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, DEFAULT_IMAGE_LIMITS, sniffImageFormat } from '../src/image.ts';
import { FaceError } from '../src/errors.ts';

const make = (w: number, h: number) => sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 100, b: 50 } } });

async function code(p: Promise<unknown>): Promise<string | null> {
  try {
    await p;
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(FaceError);
    return (err as FaceError).code;
  }
}

describe('image intake', () => {
  it('sniffs formats from magic bytes', async () => {
    expect(sniffImageFormat(await make(40, 40).jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImageFormat(await make(40, 40).png().toBuffer())).toBe('png');
    expect(sniffImageFormat(await make(40, 40).webp().toBuffer())).toBe('webp');
    expect(sniffImageFormat(await make(40, 40).gif().toBuffer())).toBe('gif');
    expect(sniffImageFormat(await make(40, 40).tiff().toBuffer())).toBe('tiff');
    expect(sniffImageFormat(Buffer.from('%PDF-1.7 not an image at all'))).toBeNull();
    expect(sniffImageFormat(Buffer.from([0xff, 0xd8]))).toBeNull();
  });

  it('applies EXIF orientation and bounds the working copy', async () => {
    const rotated = await make(3000, 1000).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeImage(rotated);
    expect(img.original).toEqual({ width: 1000, height: 3000, format: 'jpeg' });
    expect(Math.max(img.width, img.height)).toBe(DEFAULT_IMAGE_LIMITS.workingMaxSide);
    expect(img.data.length).toBe(img.width * img.height * 3);
    expect(img.scale).toBeCloseTo(3000 / 1280, 3);
  });

  it('keeps small images as they are and drops alpha', async () => {
    const img = await decodeImage(await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } }).png().toBuffer());
    expect([img.width, img.height, img.scale]).toEqual([300, 200, 1]);
    expect(img.data.length).toBe(300 * 200 * 3);
  });

  it('enforces byte, pixel and size limits', async () => {
    const jpeg = await make(400, 300).jpeg().toBuffer();
    expect(await code(decodeImage(jpeg, { ...DEFAULT_IMAGE_LIMITS, maxBytes: 100 }))).toBe('IMAGE_TOO_LARGE');
    expect(await code(decodeImage(jpeg, { ...DEFAULT_IMAGE_LIMITS, maxPixels: 1000 }))).toBe('IMAGE_TOO_LARGE');
    expect(await code(decodeImage(await make(20, 300).png().toBuffer()))).toBe('IMAGE_TOO_SMALL');
    expect(await code(decodeImage(new Uint8Array(0)))).toBe('INVALID_IMAGE');
    expect(await code(decodeImage(Buffer.from('GIF89a-but-nothing-else-follows')))).toBe('INVALID_IMAGE');
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(64)]);
    expect(await code(decodeImage(heic))).toBe('UNSUPPORTED_FORMAT');
  });
});
