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
  /** Origins allowed to embed the hosted flow (normalised `https://host[:port]`); empty = any origin. */
  allowedOrigins: Generated<string[]>;
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
  /** `<orgId>/<0-15>`: the hash chain the row belongs to. */
  chain: string;
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
  chain: string;
  seq: number;
  hash: string;
  /** The hash this head replaced (the new row's prev_hash); null on heads written before 0011. */
  prevHash: string | null;
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


export type ApplicantStatus = 'INIT' | 'INCOMPLETE' | 'IN_PROGRESS' | 'ON_HOLD' | 'COMPLETED' | 'APPROVED' | 'DECLINED';

export interface FlowsTable {
  id: string;
  orgId: string;
  mode: Mode;
  name: string;
  kind: Generated<'regular' | 'on_demand'>;
  status: Generated<'active' | 'archived'>;
  draft: Json<unknown>;
  currentVersion: number | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface FlowVersionsTable {
  id: string;
  flowId: string;
  orgId: string;
  mode: Mode;
  version: number;
  definition: Json<unknown>;
  publishedBy: string | null;
  publishedAt: CreatedAt;
}

export interface LevelsTable {
  id: string;
  orgId: string;
  mode: Mode;
  name: string;
  flowId: string;
  rank: Generated<number>;
  createdAt: CreatedAt;
}

export interface ApplicantsTable {
  id: string;
  orgId: string;
  mode: Mode;
  type: Generated<'individual' | 'company'>;
  externalUserId: string;
  applicationId: string | null;
  flowId: string;
  flowVersionId: string;
  levelId: string | null;
  status: Generated<ApplicantStatus>;
  lang: string | null;
  emailEnc: string | null;
  phoneEnc: string | null;
  fixedInfoEnc: string | null;
  infoEnc: string | null;
  tags: Generated<string[]>;
  metadata: Json<Record<string, unknown>>;
  searchIndex: Generated<string[]>;
  country: string | null;
  reviewerId: string | null;
  review: Json<Record<string, unknown>> | null;
  eventSeq: Generated<number>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
  startedAt: Date | null;
  completedAt: Date | null;
  decidedAt: Date | null;
  deleteRequestedAt: Date | null;
  eraseAfter: Date | null;
  erasedAt: Date | null;
}

export interface ApplicantSessionsTable {
  id: string;
  orgId: string;
  mode: Mode;
  applicantId: string;
  flowVersionId: string | null;
  tokenHash: string;
  lang: string | null;
  status: Generated<'active' | 'completed' | 'expired' | 'frozen' | 'revoked'>;
  linkId: string | null;
  parentId: string | null;
  handoffCodeHash: string | null;
  handoffExpiresAt: Date | null;
  criticalErrors: Generated<number>;
  deviceEnc: string | null;
  ipCountry: string | null;
  createdAt: CreatedAt;
  openedAt: Date | null;
  lastSeenAt: Date | null;
  expiresAt: Timestamp;
  frozenAt: Date | null;
}

export interface LinksTable {
  id: string;
  orgId: string;
  mode: Mode;
  flowId: string;
  batchId: string;
  tokenHash: string;
  tokenEnc: string;
  lang: string | null;
  status: Generated<'created' | 'opened' | 'in_progress' | 'completed' | 'failed' | 'expired'>;
  applicantId: string | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  expiresAt: Timestamp;
  redeemedAt: Date | null;
}

export type SubmissionOutcome = 'passed' | 'failed' | 'review' | 'engine_unavailable';

export interface StepSubmissionsTable {
  id: string;
  orgId: string;
  mode: Mode;
  applicantId: string;
  sessionId: string | null;
  stepId: string;
  stepType: string;
  attemptNo: number;
  status: Generated<'queued' | 'processing' | 'completed'>;
  outcome: SubmissionOutcome | null;
  reasons: Generated<string[]>;
  summary: Json<Record<string, unknown>>;
  payloadEnc: string | null;
  resultEnc: string | null;
  active: Generated<boolean>;
  source: Generated<'applicant' | 'system' | 'reviewer'>;
  createdAt: CreatedAt;
  processedAt: Date | null;
  deactivatedAt: Date | null;
  deactivatedBy: string | null;
}

export interface FilesTable {
  id: string;
  orgId: string;
  mode: Mode;
  applicantId: string;
  submissionId: string | null;
  kind: string;
  mime: string;
  width: number | null;
  height: number | null;
  bytes: number;
  sha256: string;
  storageKey: string;
  capturedAt: Date | null;
  createdAt: CreatedAt;
  erasedAt: Date | null;
}

export interface DocumentsTable {
  id: string;
  orgId: string;
  mode: Mode;
  applicantId: string;
  submissionId: string;
  documentType: string | null;
  issuingState: string | null;
  numberIndex: string | null;
  personIndex: string | null;
  fieldsEnc: string | null;
  amendedEnc: string | null;
  confirmedEnc: string | null;
  confirmedAt: Date | null;
  checks: Json<Record<string, unknown>>;
  valid: boolean | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface WarningsTable {
  id: string;
  orgId: string;
  mode: Mode;
  applicantId: string;
  stepId: string | null;
  kind: string;
  sourceKey: string;
  severity: Generated<'info' | 'warning' | 'critical'>;
  message: string;
  details: Json<Record<string, unknown>>;
  createdAt: CreatedAt;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolutionNote: string | null;
}

export interface CommentsTable {
  id: string;
  orgId: string;
  mode: Mode;
  applicantId: string;
  stepId: string | null;
  parentId: string | null;
  authorId: string | null;
  visibility: 'internal' | 'applicant';
  textEnc: string;
  createdAt: CreatedAt;
}

export interface EventsTable {
  id: string;
  orgId: string;
  mode: Mode;
  type: string;
  applicantId: string | null;
  seq: number | null;
  payload: Json<Record<string, unknown>>;
  createdAt: CreatedAt;
}

export interface OtpChallengesTable {
  id: string;
  orgId: string;
  mode: Mode;
  applicantId: string;
  stepId: string;
  channel: 'email' | 'sms' | 'call';
  targetEnc: string;
  codeHash: string;
  attempts: Generated<number>;
  maxAttempts: number;
  expiresAt: Timestamp;
  verifiedAt: Date | null;
  createdAt: CreatedAt;
}

export interface LivenessChallengesTable {
  id: string;
  orgId: string;
  mode: Mode;
  applicantId: string;
  stepId: string;
  nonce: string;
  challenge: Json<Record<string, unknown>>;
  expiresAt: Timestamp;
  usedAt: Date | null;
  createdAt: CreatedAt;
}

export interface AmlListsTable {
  source: string;
  name: string;
  url: string | null;
  refreshEnabled: Generated<boolean>;
  currentVersion: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  updatedAt: Timestamp;
}

export interface AmlListVersionsTable {
  id: string;
  source: string;
  version: number;
  status: 'importing' | 'live' | 'failed' | 'superseded';
  origin: string;
  files: Json<unknown[]>;
  entityCount: Generated<number>;
  added: Generated<number>;
  changed: Generated<number>;
  removed: Generated<number>;
  error: string | null;
  startedAt: CreatedAt;
  finishedAt: Date | null;
}

export interface AmlEntitiesTable {
  id: string;
  source: string;
  hash: string;
  data: Json<unknown>;
  addedVersion: number;
  changedVersion: number;
  removedVersion: number | null;
}

export interface AmlStagingTable {
  versionId: string;
  entityId: string;
  hash: string;
  data: Json<unknown>;
}

export interface AmlChangesTable {
  seq: Generated<number>;
  source: string;
  version: number;
  entityId: string;
  change: 'added' | 'changed' | 'removed';
}

export interface AmlScansTable {
  id: string;
  orgId: string;
  mode: Mode;
  kind: 'applicant' | 'manual';
  applicantId: string | null;
  submissionId: string | null;
  schema: string;
  queryEnc: string;
  labelEnc: string | null;
  threshold: number;
  hits: Generated<number>;
  matches: Generated<number>;
  monitoring: Generated<boolean>;
  periodicity: 'daily' | 'weekly' | 'monthly' | null;
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  createdBy: string | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export type AmlMatchStatus = 'unknown' | 'no_match' | 'potential_match' | 'false_positive' | 'true_positive' | 'true_positive_approve' | 'true_positive_reject';

export interface AmlMatchesTable {
  id: string;
  scanId: string;
  orgId: string;
  mode: Mode;
  applicantId: string | null;
  entityId: string;
  caption: string;
  source: string;
  score: number;
  hit: boolean;
  status: Generated<AmlMatchStatus>;
  matchEnc: string;
  foundBy: Generated<'scan' | 'monitoring' | 'rescreen'>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface AmlMatchHistoryTable {
  id: string;
  matchId: string;
  orgId: string;
  fromStatus: string | null;
  toStatus: string | null;
  commentEnc: string | null;
  actorId: string | null;
  createdAt: CreatedAt;
}

export interface AmlRescreenRunsTable {
  id: string;
  kind: 'delta' | 'periodic';
  source: string | null;
  version: number | null;
  status: 'running' | 'done' | 'failed';
  total: Generated<number>;
  done: Generated<number>;
  newHits: Generated<number>;
  error: string | null;
  startedAt: CreatedAt;
  finishedAt: Date | null;
}

export interface FaceListsTable {
  id: string;
  orgId: string;
  mode: Mode;
  name: string;
  kind: 'blacklist' | 'custom';
  description: Generated<string>;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export interface FaceEmbeddingsTable {
  id: string;
  orgId: string;
  mode: Mode;
  applicantId: string | null;
  submissionId: string | null;
  listId: string | null;
  source: 'document' | 'selfie' | 'liveness' | 'selfie_with_document' | 'held_document' | 'external' | 'list';
  model: string;
  embeddingEnc: string;
  search: number[];
  labelEnc: string | null;
  quality: number | null;
  /** Object storage key of a list face's photo (null: an applicant's face, or added before photos were kept). */
  imageKey: Generated<string | null>;
  createdAt: CreatedAt;
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
  flows: FlowsTable;
  flowVersions: FlowVersionsTable;
  levels: LevelsTable;
  applicants: ApplicantsTable;
  applicantSessions: ApplicantSessionsTable;
  links: LinksTable;
  stepSubmissions: StepSubmissionsTable;
  files: FilesTable;
  documents: DocumentsTable;
  warnings: WarningsTable;
  comments: CommentsTable;
  events: EventsTable;
  otpChallenges: OtpChallengesTable;
  livenessChallenges: LivenessChallengesTable;
  amlLists: AmlListsTable;
  amlListVersions: AmlListVersionsTable;
  amlEntities: AmlEntitiesTable;
  amlChanges: AmlChangesTable;
  amlStaging: AmlStagingTable;
  amlScans: AmlScansTable;
  amlMatches: AmlMatchesTable;
  amlMatchHistory: AmlMatchHistoryTable;
  amlRescreenRuns: AmlRescreenRunsTable;
  faceLists: FaceListsTable;
  faceEmbeddings: FaceEmbeddingsTable;
  webhookEndpoints: WebhookEndpointsTable;
  webhookDeliveries: WebhookDeliveriesTable;
  webhookAttempts: WebhookAttemptsTable;
}

export type Organisation = Selectable<OrganisationsTable>;
export type Role = Selectable<RolesTable>;
export type User = Selectable<UsersTable>;
export type Application = Selectable<ApplicationsTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type AuditRow = Selectable<AuditLogTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Flow = Selectable<FlowsTable>;
export type FlowVersion = Selectable<FlowVersionsTable>;
export type Applicant = Selectable<ApplicantsTable>;
export type ApplicantSession = Selectable<ApplicantSessionsTable>;
export type Submission = Selectable<StepSubmissionsTable>;
export type Warning = Selectable<WarningsTable>;
export type EventRow = Selectable<EventsTable>;
export type LinkRow = Selectable<LinksTable>;
export type FileRow = Selectable<FilesTable>;
export type DocumentRow = Selectable<DocumentsTable>;
export type AmlScan = Selectable<AmlScansTable>;
export type AmlMatchRow = Selectable<AmlMatchesTable>;

// Webhooks (migration 0003).

export interface WebhookEndpointsTable {
  id: string;
  orgId: string;
  mode: Mode;
  applicationId: string | null;
  managed: Generated<boolean>;
  url: string;
  description: Generated<string>;
  eventTypes: Generated<string[]>;
  headersEnc: string | null;
  secretEnc: string;
  secretHint: string;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
  encrypt: Generated<boolean>;
  noPersonalData: Generated<boolean>;
  finalOnly: Generated<boolean>;
  status: Generated<'active' | 'disabled'>;
  disabledReason: 'manual' | 'gone' | 'failing' | null;
  disabledAt: Date | null;
  failingSince: Date | null;
  createdAt: CreatedAt;
  updatedAt: Timestamp;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDeliveriesTable {
  id: string;
  orgId: string;
  mode: Mode;
  endpointId: string;
  eventId: string | null;
  eventType: string;
  payload: Json<Record<string, unknown>> | null;
  status: Generated<DeliveryStatus>;
  attempts: Generated<number>;
  attemptLimit: number;
  nextAttemptAt: Timestamp;
  leaseToken: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastAttemptAt: Date | null;
  deliveredAt: Date | null;
  createdAt: CreatedAt;
}

export interface WebhookAttemptsTable {
  deliveryId: string;
  attemptNo: number;
  attemptedAt: Date;
  webhookTimestamp: number;
  url: string;
  statusCode: number | null;
  latencyMs: number;
  responseSnippet: string | null;
  error: string | null;
  success: boolean;
  nextAttemptAt: Date | null;
}


export type WebhookEndpoint = Selectable<WebhookEndpointsTable>;
export type WebhookDelivery = Selectable<WebhookDeliveriesTable>;
export type WebhookAttempt = Selectable<WebhookAttemptsTable>;
