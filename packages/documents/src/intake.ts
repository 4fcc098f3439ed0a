import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { EngineError } from './errors.ts';
import { readExifTags, type ExifSummary } from './exif.ts';

export type ImageMime = 'image/jpeg' | 'image/png' | 'image/webp';

export interface IntakeLimits {
  /** Largest accepted upload (default 15 MB). */
  maxBytes?: number;
  /** Largest accepted width × height (default 40 MP): checked from the header, before decoding. */
  maxPixels?: number;
  /** JPEG/WebP quality of the re-encoded image (default 92). */
  quality?: number;
}

export interface IntakeResult {
  /** Re-encoded image: EXIF orientation applied, all metadata stripped, trailing data gone. */
  image: Buffer;
  mime: ImageMime;
  width: number;
  height: number;
  /** What the original said about itself (no location or device serials): evidence for fraud signals. */
  original: {
    mime: ImageMime;
    bytes: number;
    exif: ExifSummary | null;
    /** Estimated JPEG quality from the quantisation tables (JPEG only). */
    jpegQuality: number | null;
  };
}

export const DEFAULT_LIMITS = { maxBytes: 15 * 1024 * 1024, maxPixels: 40_000_000, quality: 92 } as const;

/** Identifies the container from its magic bytes; the file name and declared type are never trusted. */
export function sniff(buf: Buffer): ImageMime | 'application/pdf' | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (buf.length >= 12 && buf.toString('latin1', 0, 4) === 'RIFF' && buf.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  if (buf.length >= 5 && buf.toString('latin1', 0, 5) === '%PDF-') return 'application/pdf';
  return null;
}

// Markers of content another parser would execute or unpack; none belongs in a photo.
// Patterns are long enough that compressed image data matches them by chance about never.
const ACTIVE_CONTENT = [/<script/i, /<\?php/i, /<html[\s>]/i, /<!doctype/i, /<iframe/i, /javascript:/i];

/**
 * Where the image container ends. Bytes past it are what makes a polyglot (a JPEG that is also a ZIP,
 * a PNG with an appended PHAR…): decoders ignore them, other parsers do not.
 */
function containerEnd(buf: Buffer, mime: ImageMime): number | null {
  if (mime === 'image/png') {
    let p = 8;
    while (p + 12 <= buf.length) {
      const len = buf.readUInt32BE(p);
      const type = buf.toString('latin1', p + 4, p + 8);
      p += 12 + len;
      if (type === 'IEND') return p;
    }
    return null;
  }
  if (mime === 'image/webp') return 8 + buf.readUInt32LE(4) + (buf.readUInt32LE(4) % 2);
  // JPEG: walk the segments to the start of scan, then find the EOI marker after the entropy data.
  let p = 2;
  while (p + 4 <= buf.length) {
    if (buf[p] !== 0xff) return null;
    const marker = buf[p + 1];
    if (marker === 0xd9) return p + 2;
    if (marker === 0xff) {
      p++;
      continue;
    }
    if (marker >= 0xd0 && marker <= 0xd7) {
      p += 2;
      continue;
    }
    const len = buf.readUInt16BE(p + 2);
    if (marker === 0xda) {
      let q = p + 2 + len;
      while (q + 1 < buf.length) {
        if (buf[q] === 0xff && buf[q + 1] !== 0 && !(buf[q + 1] >= 0xd0 && buf[q + 1] <= 0xd7)) {
          if (buf[q + 1] === 0xd9) return q + 2;
          if (buf[q + 1] === 0xff) {
            q++;
            continue;
          }
          // Another segment (progressive JPEGs have several scans): continue the walk from here.
          p = q;
          break;
        }
        q++;
      }
      if (q + 1 >= buf.length) return null;
      continue;
    }
    p += 2 + len;
  }
  return null;
}

// Signatures of containers and executables: what turns trailing bytes into a second file.
const FOREIGN = ['PK\x03\x04', 'PK\x05\x06', '%PDF-', 'Rar!\x1a\x07', '7z\xbc\xaf\x27\x1c', '\x7fELF', '__HALT_COMPILER', '<?php', '<script', '<html', '#!/', 'GIF8', '\x1f\x8b\x08'];

/**
 * Phones append their own data after the image (Samsung trailers, MPF previews): harmless, and
 * re-encoding drops it. Trailing data carrying another container or executable is a polyglot.
 */
function foreignTrailer(trailer: Buffer): string | null {
  const text = trailer.toString('latin1');
  if (text.startsWith('MZ')) return 'MZ';
  return FOREIGN.find((sig) => text.includes(sig)) ?? null;
}

/** Estimates JPEG quality (IJG scale) from the luminance quantisation table. */
export function estimateJpegQuality(buf: Buffer): number | null {
  const STD = [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99];
  let p = 2;
  while (p + 4 <= buf.length && buf[p] === 0xff) {
    const marker = buf[p + 1];
    const len = buf.readUInt16BE(p + 2);
    if (marker === 0xdb) {
      let q = p + 4;
      const end = p + 2 + len;
      while (q < end) {
        const pq = buf[q] >> 4;
        const tq = buf[q] & 15;
        q++;
        const vals: number[] = [];
        for (let i = 0; i < 64; i++) vals.push(pq ? buf.readUInt16BE(q + i * 2) : buf[q + i]);
        q += pq ? 128 : 64;
        if (tq === 0) {
          // Tables are stored in zigzag order; the scale factor is the same either way on average.
          const sum = vals.reduce((a, b) => a + b, 0);
          const std = STD.reduce((a, b) => a + b, 0);
          const scale = (sum * 100) / std;
          const quality = scale <= 100 ? (200 - scale) / 2 : 5000 / scale;
          return Math.max(1, Math.min(100, Math.round(quality)));
        }
      }
    }
    if (marker === 0xda) break;
    p += 2 + len;
  }
  return null;
}

/**
 * Accepts an uploaded document image: sniffs the type, enforces byte and pixel limits before
 * decoding, rejects truncated files and polyglots, applies EXIF orientation and re-encodes without
 * metadata. Throws EngineError with a stable code; never crashes on hostile input.
 */
export async function intake(buffer: Buffer, limits: IntakeLimits = {}): Promise<IntakeResult> {
  const maxBytes = limits.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const maxPixels = limits.maxPixels ?? DEFAULT_LIMITS.maxPixels;
  const quality = limits.quality ?? DEFAULT_LIMITS.quality;
  if (!buffer || buffer.length === 0) throw new EngineError('empty_file', 'the file is empty');
  if (buffer.length > maxBytes) {
    throw new EngineError('too_large', `the file is ${buffer.length} bytes; the limit is ${maxBytes}`);
  }
  const mime = sniff(buffer);
  if (mime === 'application/pdf') {
    throw new EngineError('unsupported_type', 'PDF documents are not accepted: upload a photo or scan as JPEG, PNG or WebP');
  }
  if (!mime) throw new EngineError('unsupported_type', 'not a JPEG, PNG or WebP image');

  const end = containerEnd(buffer, mime);
  if (end === null) throw new EngineError('corrupt_image', 'the image is truncated or malformed');
  if (end < buffer.length && foreignTrailer(buffer.subarray(end))) {
    throw new EngineError('polyglot', 'the file carries another file after the end of the image');
  }
  const text = buffer.toString('latin1');
  if (ACTIVE_CONTENT.some((re) => re.test(text))) {
    throw new EngineError('polyglot', 'the file embeds markup or script content');
  }

  let meta: Metadata;
  try {
    // Header only: the pixel limit is applied below with a clear code, before anything is decoded.
    meta = await sharp(buffer, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch (err) {
    throw new EngineError('corrupt_image', 'the image header cannot be read', { cause: err });
  }
  const expected = { 'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp' }[mime];
  if (meta.format !== expected) throw new EngineError('corrupt_image', `the content is ${meta.format ?? 'unknown'}, not ${expected}`);
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (!width || !height) throw new EngineError('corrupt_image', 'the image has no dimensions');
  if (width * height > maxPixels) {
    throw new EngineError('too_many_pixels', `the image has ${width}×${height} pixels; the limit is ${maxPixels}`);
  }

  let out: { data: Buffer; info: OutputInfo };
  try {
    // `failOn: 'truncated'` turns a cut-off scan into an error instead of a grey half-image.
    let pipeline = sharp(buffer, { limitInputPixels: maxPixels, failOn: 'truncated', sequentialRead: true }).rotate();
    if (mime === 'image/jpeg') pipeline = pipeline.jpeg({ quality, mozjpeg: false });
    else if (mime === 'image/png') pipeline = pipeline.png({ compressionLevel: 6 });
    else pipeline = pipeline.webp({ quality });
    out = await pipeline.toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw new EngineError('corrupt_image', 'the image data is truncated or corrupt', { cause: err });
  }
  return {
    image: out.data,
    mime,
    width: out.info.width,
    height: out.info.height,
    original: {
      mime,
      bytes: buffer.length,
      exif: meta.exif ? readExifTags(meta.exif) : null,
      jpegQuality: mime === 'image/jpeg' ? estimateJpegQuality(buffer) : null,
    },
  };
}
