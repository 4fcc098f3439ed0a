/** Shapes of the Tessera API as the back office reads them (see /openapi.json of a running server). */
import type { Mode } from './client.ts';

export type User = {
  id: string;
  email: string;
  name: string;
  language: string;
  roleId: string;
  status: string;
  totpEnabled: boolean;
  lastLoginAt: string | null;
  createdAt: string;
  roleName?: string;
};

export type Organisation = {
  id: string;
  name: string;
  address: string | null;
  phone: string | null;
  email: string | null;
  contact: string | null;
  info: string | null;
  status: string;
  clientKey: string;
  isDemo: boolean;
  createdAt: string;
  updatedAt: string;
};

export type Me = { user: User; organisation: Organisation; role: { id: string; name: string }; permissions: string[]; mode: Mode; csrfToken: string };
export type SessionResponse = { user: User; organisation: Organisation; csrfToken: string };

export type Role = { id: string; name: string; description: string; permissions: string[]; builtin: string | null; userCount?: number; createdAt: string };
export type Invite = { id: string; email: string; roleId: string; status: string; expiresAt: string; createdAt: string; acceptedAt: string | null };

export type Application = {
  id: string;
  mode: Mode;
  name: string;
  description: string;
  clientKey: string;
  webhookUrl: string | null;
  webhookHeaders: Record<string, string> | null;
  redirectUrl: string | null;
  /** Web origins allowed to embed the hosted flow (web SDK); empty = any. */
  allowedOrigins: string[];
  status: string;
  createdAt: string;
  updatedAt: string;
};
export type ApiKey = {
  id: string;
  name: string;
  prefix: string;
  mode: Mode;
  applicationId: string;
  rateLimitPerMinute: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};

export type AuditEntry = {
  id: string;
  seq: number;
  at: string;
  mode: string | null;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  ip: string | null;
  os: string | null;
  browser: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
};
