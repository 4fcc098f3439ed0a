-- Verification core: flows and their versions, levels, applicants, sessions, links, step submissions,
-- files, documents, warnings, comments, events, OTP challenges.

CREATE TABLE flows (
  id                text PRIMARY KEY,
  org_id            text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  mode              text NOT NULL CHECK (mode IN ('live', 'test')),
  name              text NOT NULL,
  kind              text NOT NULL DEFAULT 'regular' CHECK (kind IN ('regular', 'on_demand')),
  status            text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  draft             jsonb NOT NULL,
  current_version   integer,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX flows_scope_idx ON flows (org_id, mode);

CREATE TABLE flow_versions (
  id            text PRIMARY KEY,
  flow_id       text NOT NULL REFERENCES flows(id) ON DELETE CASCADE,
  org_id        text NOT NULL,
  mode          text NOT NULL,
  version       integer NOT NULL,
  definition    jsonb NOT NULL,
  published_by  text,
  published_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (flow_id, version)
);

CREATE TABLE levels (
  id          text PRIMARY KEY,
  org_id      text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  mode        text NOT NULL CHECK (mode IN ('live', 'test')),
  name        text NOT NULL,
  flow_id     text NOT NULL REFERENCES flows(id),
  rank        integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, mode, name)
);

-- Personal data lives only in the *_enc columns (AES-256-GCM bound to the applicant id); searchable
-- fields are reachable through keyed blind indexes (search_index), never in clear.
CREATE TABLE applicants (
  id                 text PRIMARY KEY,
  org_id             text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  mode               text NOT NULL CHECK (mode IN ('live', 'test')),
  type               text NOT NULL DEFAULT 'individual' CHECK (type IN ('individual', 'company')),
  external_user_id   text NOT NULL,
  application_id     text,
  flow_id            text NOT NULL REFERENCES flows(id),
  flow_version_id    text NOT NULL REFERENCES flow_versions(id),
  level_id           text REFERENCES levels(id),
  status             text NOT NULL DEFAULT 'INIT'
                     CHECK (status IN ('INIT', 'INCOMPLETE', 'IN_PROGRESS', 'ON_HOLD', 'COMPLETED', 'APPROVED', 'DECLINED')),
  lang               text,
  email_enc          text,
  phone_enc          text,
  fixed_info_enc     text,
  info_enc           text,
  tags               text[] NOT NULL DEFAULT '{}',
  metadata           jsonb NOT NULL DEFAULT '{}',
  search_index       text[] NOT NULL DEFAULT '{}',
  country            text,
  reviewer_id        text REFERENCES users(id) ON DELETE SET NULL,
  review             jsonb,
  event_seq          integer NOT NULL DEFAULT 0,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  started_at         timestamptz,
  completed_at       timestamptz,
  decided_at         timestamptz,
  delete_requested_at timestamptz,
  erase_after        timestamptz,
  erased_at          timestamptz,
  UNIQUE (org_id, mode, external_user_id)
);
CREATE INDEX applicants_list_idx ON applicants (org_id, mode, created_at DESC, id DESC);
CREATE INDEX applicants_status_idx ON applicants (org_id, mode, status);
CREATE INDEX applicants_search_idx ON applicants USING gin (search_index);
CREATE INDEX applicants_tags_idx ON applicants USING gin (tags);
CREATE INDEX applicants_erase_idx ON applicants (erase_after) WHERE erase_after IS NOT NULL AND erased_at IS NULL;

CREATE TABLE applicant_sessions (
  id              text PRIMARY KEY,
  org_id          text NOT NULL,
  mode            text NOT NULL,
  applicant_id    text NOT NULL REFERENCES applicants(id) ON DELETE CASCADE,
  -- Set for on-demand requests: the session walks this flow version instead of the applicant's own.
  flow_version_id text REFERENCES flow_versions(id),
  token_hash      text NOT NULL UNIQUE,
  lang            text,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'completed', 'expired', 'frozen', 'revoked')),
  link_id         text,
  parent_id       text,
  handoff_code_hash text UNIQUE,
  handoff_expires_at timestamptz,
  critical_errors integer NOT NULL DEFAULT 0,
  device_enc      text,
  ip_country      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  opened_at       timestamptz,
  last_seen_at    timestamptz,
  expires_at      timestamptz NOT NULL,
  frozen_at       timestamptz
);
CREATE INDEX applicant_sessions_applicant_idx ON applicant_sessions (applicant_id);

CREATE TABLE links (
  id            text PRIMARY KEY,
  org_id        text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  mode          text NOT NULL CHECK (mode IN ('live', 'test')),
  flow_id       text NOT NULL REFERENCES flows(id),
  batch_id      text NOT NULL,
  token_hash    text NOT NULL UNIQUE,
  token_enc     text NOT NULL,
  lang          text,
  status        text NOT NULL DEFAULT 'created' CHECK (status IN ('created', 'opened', 'in_progress', 'completed', 'failed', 'expired')),
  applicant_id  text,
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  redeemed_at   timestamptz
);
CREATE INDEX links_scope_idx ON links (org_id, mode, created_at DESC);

-- One row per submission attempt of a step. The active attempt of each step is its current result;
-- deactivated attempts are the step's history.
CREATE TABLE step_submissions (
  id              text PRIMARY KEY,
  org_id          text NOT NULL,
  mode            text NOT NULL,
  applicant_id    text NOT NULL REFERENCES applicants(id) ON DELETE CASCADE,
  session_id      text,
  step_id         text NOT NULL,
  step_type       text NOT NULL,
  attempt_no      integer NOT NULL,
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'processing', 'completed')),
  outcome         text CHECK (outcome IN ('passed', 'failed', 'review', 'engine_unavailable')),
  reasons         text[] NOT NULL DEFAULT '{}',
  summary         jsonb NOT NULL DEFAULT '{}',
  payload_enc     text,
  result_enc      text,
  active          boolean NOT NULL DEFAULT true,
  source          text NOT NULL DEFAULT 'applicant' CHECK (source IN ('applicant', 'system', 'reviewer')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  processed_at    timestamptz,
  deactivated_at  timestamptz,
  deactivated_by  text
);
CREATE INDEX step_submissions_applicant_idx ON step_submissions (applicant_id, step_id, created_at);

CREATE TABLE files (
  id              text PRIMARY KEY,
  org_id          text NOT NULL,
  mode            text NOT NULL,
  applicant_id    text NOT NULL REFERENCES applicants(id) ON DELETE CASCADE,
  submission_id   text,
  kind            text NOT NULL,
  mime            text NOT NULL,
  width           integer,
  height          integer,
  bytes           integer NOT NULL,
  sha256          text NOT NULL,
  storage_key     text NOT NULL,
  captured_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  erased_at       timestamptz
);
CREATE INDEX files_applicant_idx ON files (applicant_id);

CREATE TABLE documents (
  id              text PRIMARY KEY,
  org_id          text NOT NULL,
  mode            text NOT NULL,
  applicant_id    text NOT NULL REFERENCES applicants(id) ON DELETE CASCADE,
  submission_id   text NOT NULL,
  document_type   text,
  issuing_state   text,
  number_index    text,
  person_index    text,
  fields_enc      text,
  amended_enc     text,
  checks          jsonb NOT NULL DEFAULT '{}',
  valid           boolean,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_number_idx ON documents (org_id, mode, number_index);
CREATE INDEX documents_person_idx ON documents (org_id, mode, person_index, document_type);
CREATE INDEX documents_applicant_idx ON documents (applicant_id);

CREATE TABLE warnings (
  id              text PRIMARY KEY,
  org_id          text NOT NULL,
  mode            text NOT NULL,
  applicant_id    text NOT NULL REFERENCES applicants(id) ON DELETE CASCADE,
  step_id         text,
  kind            text NOT NULL,
  source_key      text NOT NULL,
  severity        text NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
  message         text NOT NULL,
  details         jsonb NOT NULL DEFAULT '{}',
  created_at      timestamptz NOT NULL DEFAULT now(),
  resolved_at     timestamptz,
  resolved_by     text,
  resolution_note text,
  UNIQUE (applicant_id, kind, source_key)
);

CREATE TABLE comments (
  id              text PRIMARY KEY,
  org_id          text NOT NULL,
  mode            text NOT NULL,
  applicant_id    text NOT NULL REFERENCES applicants(id) ON DELETE CASCADE,
  step_id         text,
  parent_id       text,
  author_id       text,
  visibility      text NOT NULL CHECK (visibility IN ('internal', 'applicant')),
  text_enc        text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX comments_applicant_idx ON comments (applicant_id, created_at);

-- Events are written in the transaction of the change that causes them; seq orders one applicant's events.
CREATE TABLE events (
  id              text PRIMARY KEY,
  org_id          text NOT NULL,
  mode            text NOT NULL,
  type            text NOT NULL,
  applicant_id    text,
  seq             integer,
  payload         jsonb NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_scope_idx ON events (org_id, mode, created_at DESC, id DESC);
CREATE INDEX events_applicant_idx ON events (applicant_id, seq);

CREATE TABLE otp_challenges (
  id              text PRIMARY KEY,
  org_id          text NOT NULL,
  mode            text NOT NULL,
  applicant_id    text NOT NULL REFERENCES applicants(id) ON DELETE CASCADE,
  step_id         text NOT NULL,
  channel         text NOT NULL CHECK (channel IN ('email', 'sms', 'call')),
  target_enc      text NOT NULL,
  code_hash       text NOT NULL,
  attempts        integer NOT NULL DEFAULT 0,
  max_attempts    integer NOT NULL,
  expires_at      timestamptz NOT NULL,
  verified_at     timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX otp_challenges_applicant_idx ON otp_challenges (applicant_id, step_id, created_at DESC);

-- Active liveness: the random action sequence the server issued, with its nonce; used once.
CREATE TABLE liveness_challenges (
  id              text PRIMARY KEY,
  org_id          text NOT NULL,
  mode            text NOT NULL,
  applicant_id    text NOT NULL REFERENCES applicants(id) ON DELETE CASCADE,
  step_id         text NOT NULL,
  nonce           text NOT NULL UNIQUE,
  challenge       jsonb NOT NULL,
  expires_at      timestamptz NOT NULL,
  used_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
