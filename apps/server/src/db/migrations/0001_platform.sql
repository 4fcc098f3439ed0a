-- Platform foundation: tenants, team, access, audit, idempotency, mail.
-- Conventions: public ids are prefixed text (see lib/ids.ts); every tenant-owned row carries org_id and,
-- where it lives in a mode, mode ('live' | 'test'); timestamps are timestamptz.

CREATE TABLE organisations (
  id            text PRIMARY KEY,
  name          text NOT NULL,
  address       text,
  phone         text,
  email         text,
  contact       text,
  info          text,
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  client_key    text NOT NULL UNIQUE,
  settings      jsonb NOT NULL DEFAULT '{}',
  is_demo       boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE roles (
  id            text PRIMARY KEY,
  org_id        text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  name          text NOT NULL,
  description   text NOT NULL DEFAULT '',
  permissions   text[] NOT NULL DEFAULT '{}',
  builtin       text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, name)
);

CREATE TABLE users (
  id              text PRIMARY KEY,
  org_id          text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  email           text NOT NULL UNIQUE,
  name            text NOT NULL,
  password_hash   text,
  language        text NOT NULL DEFAULT 'en',
  role_id         text NOT NULL REFERENCES roles(id),
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
  totp_secret     text,
  totp_enabled    boolean NOT NULL DEFAULT false,
  last_login_at   timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_org_idx ON users (org_id);

CREATE TABLE user_sessions (
  id            text PRIMARY KEY,
  user_id       text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash    text NOT NULL UNIQUE,
  csrf_token    text NOT NULL,
  mfa_pending   boolean NOT NULL DEFAULT false,
  ip            text,
  user_agent    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  last_seen_at  timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  revoked_at    timestamptz
);
CREATE INDEX user_sessions_user_idx ON user_sessions (user_id);

-- Single-use, hashed, expiring tokens: password reset and invitations.
CREATE TABLE one_time_tokens (
  token_hash    text PRIMARY KEY,
  purpose       text NOT NULL CHECK (purpose IN ('password_reset', 'invite')),
  org_id        text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  user_id       text REFERENCES users(id) ON DELETE CASCADE,
  email         text,
  role_id       text REFERENCES roles(id) ON DELETE CASCADE,
  invite_id     text,
  created_by    text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  used_at       timestamptz
);

CREATE TABLE invites (
  id            text PRIMARY KEY,
  org_id        text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  email         text NOT NULL,
  role_id       text NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'revoked', 'expired')),
  invited_by    text,
  expires_at    timestamptz NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  accepted_at   timestamptz
);
CREATE INDEX invites_org_idx ON invites (org_id);

-- Failed logins per key (email or ip) per window: throttling shared by every api process.
CREATE TABLE auth_throttle (
  key           text PRIMARY KEY,
  window_start  timestamptz NOT NULL,
  failures      integer NOT NULL DEFAULT 0
);

CREATE TABLE applications (
  id              text PRIMARY KEY,
  org_id          text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  mode            text NOT NULL CHECK (mode IN ('live', 'test')),
  name            text NOT NULL,
  description     text NOT NULL DEFAULT '',
  client_key      text NOT NULL UNIQUE,
  crypto_key      text NOT NULL,
  webhook_url     text,
  webhook_headers text,
  redirect_url    text,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX applications_scope_idx ON applications (org_id, mode);

CREATE TABLE api_keys (
  id                    text PRIMARY KEY,
  org_id                text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  mode                  text NOT NULL CHECK (mode IN ('live', 'test')),
  application_id        text NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  name                  text NOT NULL DEFAULT '',
  prefix                text NOT NULL,
  key_hash              text NOT NULL UNIQUE,
  rate_limit_per_minute integer,
  created_by            text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  last_used_at          timestamptz,
  revoked_at            timestamptz
);
CREATE INDEX api_keys_app_idx ON api_keys (application_id);

-- Audit log: append-only and hash-chained per organisation. seq is gap-free within an organisation, so a
-- deleted row breaks the chain; audit_heads pins the last hash so a deleted tail is detected too.
CREATE TABLE audit_log (
  org_id        text NOT NULL,
  seq           bigint NOT NULL,
  id            text NOT NULL UNIQUE,
  at            timestamptz NOT NULL,
  mode          text,
  actor_type    text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system', 'applicant')),
  actor_id      text,
  actor_label   text,
  ip            text,
  user_agent    text,
  os            text,
  browser       text,
  action        text NOT NULL,
  target_type   text,
  target_id     text,
  before        jsonb,
  after         jsonb,
  prev_hash     text NOT NULL,
  hash          text NOT NULL,
  PRIMARY KEY (org_id, seq)
);
CREATE INDEX audit_log_target_idx ON audit_log (org_id, target_id);
CREATE INDEX audit_log_at_idx ON audit_log (org_id, at);

CREATE TABLE audit_heads (
  org_id   text PRIMARY KEY,
  seq      bigint NOT NULL,
  hash     text NOT NULL
);

CREATE FUNCTION audit_log_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;

CREATE TABLE idempotency_keys (
  scope           text NOT NULL,
  key             text NOT NULL,
  request_hash    text NOT NULL,
  state           text NOT NULL DEFAULT 'in_progress' CHECK (state IN ('in_progress', 'done')),
  response_status integer,
  response_body   text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

CREATE TABLE mail_messages (
  id          text PRIMARY KEY,
  org_id      text,
  to_address  text NOT NULL,
  subject     text NOT NULL,
  text_body   text NOT NULL,
  html_body   text,
  status      text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'stored', 'failed')),
  error       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  sent_at     timestamptz
);
