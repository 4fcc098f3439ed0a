import { z } from 'zod';
import { EVENT_TYPES } from '../event/event-service.ts';

// The signature contract and the transport own these; a custom header may not replace them.
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'user-agent', 'connection', 'transfer-encoding', 'keep-alive', 'expect', 'te', 'upgrade']);

export function reservedHeader(name: string): boolean {
  const n = name.toLowerCase();
  return RESERVED_HEADERS.has(n) || n.startsWith('webhook-');
}

export const ZWebhookHeaders = z
  .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'invalid header name'), z.string().max(1024).regex(/^[^\r\n]*$/, 'header values are one line'))
  .refine((h) => Object.keys(h).length <= 20, 'at most 20 headers')
  .refine((h) => !Object.keys(h).some(reservedHeader), 'content-type, host, user-agent and webhook-* headers are set by Tessera');

export const ZEventType = z.enum(EVENT_TYPES);

const ZWebhookUrl = z.url({ protocol: /^https?$/ }).max(2048).describe('http(s) URL on a public address');

export const ZCreateEndpoint = z.strictObject({
  url: ZWebhookUrl,
  description: z.string().max(500).optional(),
  events: z.array(ZEventType).max(EVENT_TYPES.length).optional().describe('Event types to send; absent or empty: all'),
  headers: ZWebhookHeaders.optional().describe('Sent with every delivery, e.g. your own authorisation header'),
  encrypt: z.boolean().optional().describe("Encrypt bodies with the application's crypto key (AES-256-CBC)"),
  noPersonalData: z.boolean().optional().describe('Statuses and ids only; no externalUserId or free text'),
  finalOnly: z.boolean().optional().describe('Only final verdicts: approved, declined, review completed'),
  applicationId: z.string().max(40).optional().describe("Whose crypto key encrypts payloads (an API key's own application by default)"),
});
export type TCreateEndpoint = z.infer<typeof ZCreateEndpoint>;

export const ZUpdateEndpoint = ZCreateEndpoint.omit({ applicationId: true }).partial();
export type TUpdateEndpoint = z.infer<typeof ZUpdateEndpoint>;

export const ZEndpoint = z.object({
  id: z.string(),
  mode: z.enum(['live', 'test']),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  headers: z.record(z.string(), z.string()),
  encrypt: z.boolean(),
  noPersonalData: z.boolean(),
  finalOnly: z.boolean(),
  applicationId: z.string().nullable(),
  managed: z.boolean().describe("True for the endpoint that mirrors an application's webhook URL setting"),
  status: z.enum(['active', 'disabled']),
  disabledReason: z.enum(['manual', 'gone', 'failing']).nullable(),
  disabledAt: z.string().nullable(),
  failingSince: z.string().nullable(),
  secretHint: z.string().describe('The start of the signing secret'),
  previousSecretExpiresAt: z.string().nullable().describe('Until then the previous secret also signs'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const ZEndpointWithSecret = ZEndpoint.extend({ secret: z.string().describe('whsec_… signing secret; shown only on creation and rotation') });

export const ZDelivery = z.object({
  id: z.string().describe('Also the webhook-id header: the same on every attempt'),
  endpointId: z.string(),
  eventId: z.string().nullable(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  attemptLimit: z.number(),
  nextAttemptAt: z.string().nullable(),
  responseStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
});

export const ZAttempt = z.object({
  attemptNo: z.number(),
  attemptedAt: z.string(),
  webhookTimestamp: z.number(),
  url: z.string(),
  statusCode: z.number().nullable(),
  latencyMs: z.number(),
  responseSnippet: z.string().nullable(),
  error: z.string().nullable(),
  success: z.boolean(),
  nextAttemptAt: z.string().nullable(),
});

export const ZDeliveryQuery = z.object({
  endpointId: z.string().max(40).optional(),
  applicationId: z.string().max(40).optional(),
  eventId: z.string().max(40).optional(),
  status: z.enum(['pending', 'delivered', 'failed', 'undelivered']).optional().describe('undelivered = pending or failed'),
  cursor: z.string().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type TDeliveryQuery = z.infer<typeof ZDeliveryQuery>;
