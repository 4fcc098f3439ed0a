import { deflateSync, crc32 } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../src/errors.ts';
import { estimateJpegQuality, intake } from '../src/intake.ts';

const photo = (format: 'jpeg' | 'png' | 'webp', w = 40, h = 20): Promise<Buffer> =>
  sharp({ create: { width: w, height: h, channels: 3, background: { r: 200, g: 100, b: 50 } } })[format]().toBuffer();

async function rejects(buf: Buffer, code: string, limits = {}): Promise<void> {
  const err = await intake(buf, limits).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(EngineError);
  expect((err as EngineError).code).toBe(code);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td) >>> 0);
  return Buffer.concat([len, td, crc]);
}

/** A valid-looking PNG header declaring huge dimensions: a decompression bomb's calling card. */
function bombPng(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  const row = Buffer.alloc(1 + w);
  const idat = deflateSync(Buffer.concat(Array.from({ length: 4 }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

describe('intake', () => {
  it('accepts JPEG, PNG and WebP by their magic bytes and re-encodes them', async () => {
    for (const f of ['jpeg', 'png', 'webp'] as const) {
      const r = await intake(await photo(f));
      expect(r.mime).toBe(`image/${f}`);
      expect([r.width, r.height]).toEqual([40, 20]);
    }
  });

  it('rejects other types with a clear code, PDFs included', async () => {
    await rejects(Buffer.from('%PDF-1.7\n...'), 'unsupported_type');
    await rejects(Buffer.from('GIF89a......'), 'unsupported_type');
    await rejects(Buffer.from('hello'), 'unsupported_type');
    await rejects(Buffer.alloc(0), 'empty_file');
  });

  it('enforces byte and pixel limits before decoding', async () => {
    await rejects(await photo('png'), 'too_large', { maxBytes: 10 });
    await rejects(bombPng(60_000, 60_000), 'too_many_pixels');
    await rejects(await photo('png', 300, 300), 'too_many_pixels', { maxPixels: 10_000 });
  });

  it('rejects truncated and corrupt files without crashing', async () => {
    const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().toBuffer();
    await rejects(jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'corrupt_image');
    const png = await photo('png');
    await rejects(png.subarray(0, png.length - 20), 'corrupt_image');
    const garbage = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.alloc(200, 7)]);
    await rejects(garbage, 'corrupt_image');
  });

  it('accepts camera trailers after the image and drops them', async () => {
    const trailer = Buffer.concat([Buffer.from('SEFH', 'latin1'), Buffer.alloc(64, 3), Buffer.from('SEFT', 'latin1')]);
    const r = await intake(Buffer.concat([await photo('jpeg'), trailer]));
    expect(r.image.includes(Buffer.from('SEFH'))).toBe(false);
  });

  it('rejects polyglots: appended archives and embedded script', async () => {
    const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(100, 1)]);
    await rejects(Buffer.concat([await photo('jpeg'), zip]), 'polyglot');
    await rejects(Buffer.concat([await photo('png'), zip]), 'polyglot');
    const jpeg = await photo('jpeg');
    const comment = Buffer.from('<script>alert(1)</script>', 'latin1');
    const com = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00, comment.length + 2]), comment]);
    await rejects(Buffer.concat([jpeg.subarray(0, 2), com, jpeg.subarray(2)]), 'polyglot');
  });

  it('applies EXIF orientation, then strips metadata, keeping what forensics need', async () => {
    const rotated = await sharp(await photo('jpeg', 40, 20)).withMetadata({ orientation: 6 }).withExifMerge({ IFD0: { Software: 'Adobe Photoshop 25.0' } }).jpeg().toBuffer();
    const r = await intake(rotated);
    expect([r.width, r.height]).toEqual([20, 40]);
    const meta = await sharp(r.image).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.orientation).toBeUndefined();
    expect(r.original.exif?.software).toBe('Adobe Photoshop 25.0');
  });

  it('estimates the JPEG quality an image was saved at', async () => {
    const img = sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } });
    expect(estimateJpegQuality(await img.clone().jpeg({ quality: 35 }).toBuffer())).toBeCloseTo(35, -1);
    expect(estimateJpegQuality(await img.clone().jpeg({ quality: 90 }).toBuffer())).toBeCloseTo(90, -1);
  });
});
