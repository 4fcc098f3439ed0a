import { z } from 'zod';

/** Shared API shapes. Request bodies are strict (a misspelt field is an error, not silently ignored). */

export const ZErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('Stable machine-readable code'),
      message: z.string().describe('Human-readable explanation'),
      details: z.unknown().optional(),
    }),
  })
  .describe('Error');

export const errorResponses = {
  400: ZErrorBody,
  401: ZErrorBody,
  403: ZErrorBody,
  404: ZErrorBody,
  409: ZErrorBody,
  422: ZErrorBody,
  429: ZErrorBody,
} as const;

export const ZMode = z.enum(['live', 'test']);
export const ZIsoDate = z.iso.datetime({ offset: true });
export const ZEmail = z.email().max(254).transform((e) => e.trim().toLowerCase());
export const ZPassword = z.string().min(10, 'must be at least 10 characters').max(200);
export const ZLimit = z.coerce.number().int().min(1).max(200).default(50);

export const ZIdParam = (prefix: string) =>
  z.object({ id: z.string().regex(new RegExp(`^${prefix}_[0-9a-z]{26}$`), `must be a ${prefix}_ id`) });

export const ZOk = z.object({ ok: z.literal(true) });

export function page<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
