import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Row types, camelCase (the CamelCasePlugin maps them to the snake_case columns of the migrations). */

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;

export type Mode = 'live' | 'test';

export interface OrganisationsTable {
  id: string;
  name: string;
  address: string | null;
  phone: string | null;
  email: string | null;
  contact: string | null;
  info: string | null;
  status: Generated<'active' | 'suspended'>;
  clientKey: string;
  settings: Json<Record<string, unknown>>;
  isDemo: Generated<boolean>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface RolesTable {
  id: string;
  orgId: string;
  name: string;
  description: Generated<string>;
  permissions: string[];
  builtin: string | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface UsersTable {
  id: string;
  orgId: string;
  email: string;
  name: string;
  passwordHash: string | null;
  language: Generated<string>;
  roleId: string;
  status: Generated<'active' | 'deactivated'>;
  totpSecret: string | null;
  totpEnabled: Generated<boolean>;
  lastLoginAt: Date | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface UserSessionsTable {
  id: string;
  userId: string;
  tokenHash: string;
  csrfToken: string;
  mfaPending: Generated<boolean>;
  ip: string | null;
  userAgent: string | null;
  createdAt: CreatedAt;
  lastSeenAt: Timestamp;
  expiresAt: Timestamp;
  revokedAt: Date | null;
}

export interface OneTimeTokensTable {
  tokenHash: string;
  purpose: 'password_reset' | 'invite';
  orgId: string;
  userId: string | null;
  email: string | null;
  roleId: string | null;
  inviteId: string | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  expiresAt: Timestamp;
  usedAt: Date | null;
}

export interface InvitesTable {
  id: string;
  orgId: string;
  email: string;
  roleId: string;
  status: Generated<'pending' | 'accepted' | 'revoked' | 'expired'>;
  invitedBy: string | null;
  expiresAt: Timestamp;
  createdAt: CreatedAt;
  acceptedAt: Date | null;
}

export interface AuthThrottleTable {
  key: string;
  windowStart: Timestamp;
  failures: number;
}

export interface ApplicationsTable {
  id: string;
  orgId: string;
  mode: Mode;
  name: string;
  description: Generated<string>;
  clientKey: string;
  cryptoKey: string;
  webhookUrl: string | null;
  webhookHeaders: string | null;
  redirectUrl: string | null;
  status: Generated<'active' | 'disabled'>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  orgId: string;
  mode: Mode;
  applicationId: string;
  name: Generated<string>;
  prefix: string;
  keyHash: string;
  rateLimitPerMinute: number | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface AuditLogTable {
  orgId: string;
  seq: number;
  id: string;
  at: Date;
  mode: Mode | null;
  actorType: 'user' | 'api_key' | 'system' | 'applicant';
  actorId: string | null;
  actorLabel: string | null;
  ip: string | null;
  userAgent: string | null;
  os: string | null;
  browser: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: Json | null;
  after: Json | null;
  prevHash: string;
  hash: string;
}

export interface AuditHeadsTable {
  orgId: string;
  seq: number;
  hash: string;
}

export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  requestHash: string;
  state: Generated<'in_progress' | 'done'>;
  responseStatus: number | null;
  responseBody: string | null;
  createdAt: CreatedAt;
}

export interface MailMessagesTable {
  id: string;
  orgId: string | null;
  toAddress: string;
  subject: string;
  textBody: string;
  htmlBody: string | null;
  status: Generated<'queued' | 'sent' | 'stored' | 'failed'>;
  error: string | null;
  createdAt: CreatedAt;
  sentAt: Date | null;
}

export interface DB {
  organisations: OrganisationsTable;
  roles: RolesTable;
  users: UsersTable;
  userSessions: UserSessionsTable;
  oneTimeTokens: OneTimeTokensTable;
  invites: InvitesTable;
  authThrottle: AuthThrottleTable;
  applications: ApplicationsTable;
  apiKeys: ApiKeysTable;
  auditLog: AuditLogTable;
  auditHeads: AuditHeadsTable;
  idempotencyKeys: IdempotencyKeysTable;
  mailMessages: MailMessagesTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type Role = Selectable<RolesTable>;
export type User = Selectable<UsersTable>;
export type Application = Selectable<ApplicationsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
