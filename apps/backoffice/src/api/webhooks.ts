/** Shapes of apps/server/src/modules/webhook/webhook-types.ts (the webhook endpoints API). */
import type { Mode } from './client.ts';

/** EVENT_TYPES of apps/server/src/modules/event/event-service.ts. */
export const EVENT_TYPES = [
  'applicant.created',
  'applicant.status_changed',
  'applicant.incomplete',
  'applicant.in_progress',
  'applicant.on_hold',
  'applicant.completed',
  'applicant.approved',
  'applicant.declined',
  'applicant.in_review',
  'applicant.step_passed',
  'applicant.step_failed',
  'applicant.deleted',
  'applicant.restored',
  'document.received',
  'review.completed',
  'aml.alert',
  'link.completed',
] as const;

export type Endpoint = {
  id: string;
  mode: Mode;
  url: string;
  description: string;
  events: string[];
  headers: Record<string, string>;
  encrypt: boolean;
  noPersonalData: boolean;
  finalOnly: boolean;
  applicationId: string | null;
  /** The endpoint that mirrors an application's webhook URL: its URL and headers are edited there. */
  managed: boolean;
  status: 'active' | 'disabled';
  disabledReason: 'manual' | 'gone' | 'failing' | null;
  disabledAt: string | null;
  failingSince: string | null;
  secretHint: string;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
};
export type EndpointWithSecret = Endpoint & { secret: string };

export type EndpointInput = {
  url?: string;
  description?: string;
  events?: string[];
  headers?: Record<string, string>;
  encrypt?: boolean;
  noPersonalData?: boolean;
  finalOnly?: boolean;
  applicationId?: string;
};

export type Delivery = {
  id: string;
  endpointId: string;
  eventId: string | null;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  attemptLimit: number;
  nextAttemptAt: string | null;
  responseStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
};

export type Attempt = {
  attemptNo: number;
  attemptedAt: string;
  webhookTimestamp: number;
  url: string;
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
  success: boolean;
  nextAttemptAt: string | null;
};
export type DeliveryDetail = Delivery & { attemptLog: Attempt[] };

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'undelivered'] as const;
export type DeliveryFilter = { endpointId?: string; applicationId?: string; status?: (typeof DELIVERY_STATUSES)[number] };
