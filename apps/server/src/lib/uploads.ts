import type { FastifyRequest } from 'fastify';
import { intake, type IntakeResult } from '@tessera/documents';
import { AppError, badRequest } from './errors.ts';

export type Upload = { field: string; image: Buffer; mime: string; width: number; height: number; original: IntakeResult['original'] };

const INTAKE_ERRORS: Record<string, [number, string]> = {
  too_large: [413, 'The file is too large.'],
  too_many_pixels: [413, 'The image has too many pixels.'],
  unsupported_type: [415, 'Upload a JPEG, PNG or WebP photo.'],
  corrupt_image: [400, 'The image is damaged or incomplete.'],
};

/**
 * Reads a multipart request: files are size-limited by the multipart plugin, then sniffed, pixel-limited,
 * EXIF-rotated, stripped and re-encoded by the document engine's intake before anything stores them.
 */
export async function readUploads(req: FastifyRequest, opts: { files: string[]; maxFiles?: number }): Promise<{ uploads: Upload[]; fields: Record<string, string> }> {
  if (!req.isMultipart()) throw new AppError(415, 'unsupported_media_type', 'Send the images as multipart/form-data.');
  const uploads: Upload[] = [];
  const fields: Record<string, string> = {};
  for await (const part of req.parts()) {
    if (part.type === 'file') {
      const base = part.fieldname.replace(/\[\d*\]$/, '');
      if (!opts.files.includes(base)) {
        await part.toBuffer().catch(() => undefined);
        throw badRequest('unexpected_file', `Unexpected file field "${part.fieldname}"; expected ${opts.files.join(', ')}.`);
      }
      if (uploads.length >= (opts.maxFiles ?? 10)) throw new AppError(413, 'too_many_files', 'Too many files in one request.');
      const buf = await part.toBuffer();
      try {
        const r = await intake(buf);
        uploads.push({ field: base, image: r.image, mime: r.mime, width: r.width, height: r.height, original: r.original });
      } catch (e) {
        const code = (e as { code?: string }).code ?? 'corrupt_image';
        const [status, message] = INTAKE_ERRORS[code] ?? [400, (e as Error).message];
        throw new AppError(status, code, `${part.fieldname}: ${message}`);
      }
    } else {
      fields[part.fieldname] = String(part.value).slice(0, 10_000);
    }
  }
  return { uploads, fields };
}
