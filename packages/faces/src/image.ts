import sharp, { type Metadata } from 'sharp';
import { FaceError } from './errors.ts';

export interface ImageLimits {
  /** Largest accepted encoded size in bytes. */
  maxBytes: number;
  /** Largest accepted decoded size in pixels (width × height), checked before decoding the pixels. */
  maxPixels: number;
  /** Smallest accepted side in pixels. */
  minSide: number;
  /**
   * Longest side of the working copy the models see. Detection runs on small model inputs anyway,
   * and the embedding chip is 150 px, so more resolution only costs memory; it bounds the memory
   * per image to workingMaxSide² × 3 bytes whatever the upload.
   */
  workingMaxSide: number;
}

export const DEFAULT_IMAGE_LIMITS: ImageLimits = {
  maxBytes: 25 * 1024 * 1024,
  maxPixels: 50_000_000,
  minSide: 32,
  workingMaxSide: 1280,
};

export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' | 'heif';

/** RGB pixels of the working copy plus the scale back to the original (EXIF-rotated) image. */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
  /** Original size after EXIF orientation is applied. */
  original: { width: number; height: number; format: ImageFormat };
  /** original pixels per working pixel (≥ 1). */
  scale: number;
}

/** Sniffs the container from magic bytes: the file name and the declared MIME type are not trusted. */
export function sniffImageFormat(buf: Uint8Array): ImageFormat | null {
  const b = buf;
  if (b.length < 12) return null;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (ascii(b, 0, 4) === 'GIF8') return 'gif';
  if ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 0x2a && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 0x2a)) return 'tiff';
  if (ascii(b, 4, 4) === 'ftyp') {
    const brand = ascii(b, 8, 4);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'heif';
  }
  return null;
}

function ascii(b: Uint8Array, start: number, len: number): string {
  return String.fromCharCode(...b.subarray(start, start + len));
}

export function toUint8Array(input: unknown): Uint8Array {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw new FaceError('INVALID_INPUT', 'Expected image bytes (Buffer or Uint8Array)');
}

/**
 * Decodes an untrusted upload into a bounded RGB working copy. Every failure becomes a FaceError:
 * a corrupt or hostile file must never crash the worker.
 */
export async function decodeImage(input: Uint8Array, limits: ImageLimits = DEFAULT_IMAGE_LIMITS): Promise<DecodedImage> {
  const bytes = toUint8Array(input);
  if (bytes.length === 0) throw new FaceError('INVALID_IMAGE', 'The file is empty');
  if (bytes.length > limits.maxBytes) {
    throw new FaceError('IMAGE_TOO_LARGE', `The file is larger than ${Math.round(limits.maxBytes / 1024 / 1024)} MB`, { bytes: bytes.length, maxBytes: limits.maxBytes });
  }
  const format = sniffImageFormat(bytes);
  if (!format) throw new FaceError('UNSUPPORTED_FORMAT', 'The file is not a supported image (JPEG, PNG, WebP, GIF, TIFF, AVIF, HEIF)');

  // The pixel limit is enforced by libvips from the header, before any pixel is decoded.
  const options = { limitInputPixels: limits.maxPixels, failOn: 'error' as const, pages: 1 };
  let meta: Metadata;
  try {
    meta = await sharp(bytes, options).metadata();
  } catch (err) {
    throw decodeError(err, format);
  }
  if (!meta.width || !meta.height) throw new FaceError('INVALID_IMAGE', 'The image has no dimensions');
  if (meta.width * meta.height > limits.maxPixels) {
    throw new FaceError('IMAGE_TOO_LARGE', `The image has more than ${limits.maxPixels} pixels`, { width: meta.width, height: meta.height });
  }
  const swapped = (meta.orientation ?? 1) >= 5;
  const width = swapped ? meta.height : meta.width;
  const height = swapped ? meta.width : meta.height;
  if (Math.min(width, height) < limits.minSide) {
    throw new FaceError('IMAGE_TOO_SMALL', `The image is smaller than ${limits.minSide} pixels on a side`, { width, height });
  }

  try {
    const { data, info } = await sharp(bytes, options)
      .rotate()
      .resize(limits.workingMaxSide, limits.workingMaxSide, { fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new FaceError('INVALID_IMAGE', 'Unexpected channel count after decoding', { channels: info.channels });
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
      original: { width, height, format },
      // The longest side is resized exactly; the other is rounded to whole pixels.
      scale: Math.max(width, height) / Math.max(info.width, info.height),
    };
  } catch (err) {
    throw decodeError(err, format);
  }
}

function decodeError(err: unknown, format: ImageFormat): FaceError {
  if (err instanceof FaceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) return new FaceError('IMAGE_TOO_LARGE', 'The image has too many pixels');
  // The prebuilt libvips decodes AVIF but not HEVC-coded HEIC (patent-encumbered codec).
  if (format === 'heif') return new FaceError('UNSUPPORTED_FORMAT', 'HEIC images are not supported: please upload a JPEG or PNG');
  return new FaceError('INVALID_IMAGE', 'The image could not be decoded');
}
