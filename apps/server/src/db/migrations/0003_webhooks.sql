-- Webhooks: endpoints, one delivery row per (event, endpoint), one attempt row per HTTP attempt.
-- The delivery row is also the queue entry: it is inserted in the transaction that writes the event, and
-- workers claim due rows with FOR UPDATE SKIP LOCKED (see jobs/deliver-webhook.ts).

CREATE TABLE webhook_endpoints (
  id                        text PRIMARY KEY,
  org_id                    text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  mode                      text NOT NULL CHECK (mode IN ('live', 'test')),
  -- Whose crypto key encrypts payloads; for a managed endpoint, the application whose webhook URL it is.
  application_id            text REFERENCES applications(id) ON DELETE CASCADE,
  managed                   boolean NOT NULL DEFAULT false,
  url                       text NOT NULL,
  description               text NOT NULL DEFAULT '',
  event_types               text[] NOT NULL DEFAULT '{}',
  headers_enc               text,
  secret_enc                text NOT NULL,
  secret_hint               text NOT NULL,
  previous_secret_enc       text,
  previous_secret_expires_at timestamptz,
  encrypt                   boolean NOT NULL DEFAULT false,
  no_personal_data          boolean NOT NULL DEFAULT false,
  final_only                boolean NOT NULL DEFAULT false,
  status                    text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  disabled_reason           text CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
  disabled_at               timestamptz,
  -- First failure of the current run of failures; cleared by any success.
  failing_since             timestamptz,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_scope_idx ON webhook_endpoints (org_id, mode, status);
CREATE UNIQUE INDEX webhook_endpoints_managed_idx ON webhook_endpoints (application_id) WHERE managed;

CREATE TABLE webhook_deliveries (
  id                text PRIMARY KEY,
  org_id            text NOT NULL,
  mode              text NOT NULL,
  endpoint_id       text NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event_id          text REFERENCES events(id) ON DELETE CASCADE,
  event_type        text NOT NULL,
  -- Only for messages without an event row (test sends); event deliveries render events.payload.
  payload           jsonb,
  status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts          integer NOT NULL DEFAULT 0,
  attempt_limit     integer NOT NULL,
  -- When the next attempt is due. While a worker holds the delivery this is its lease expiry, so a
  -- delivery whose worker died becomes due again by itself.
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  lease_token       text,
  last_status_code  integer,
  last_error        text,
  last_attempt_at   timestamptz,
  delivered_at      timestamptz,
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id DESC);
CREATE INDEX webhook_deliveries_scope_idx ON webhook_deliveries (org_id, mode, id DESC);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);

CREATE TABLE webhook_attempts (
  delivery_id       text NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt_no        integer NOT NULL,
  attempted_at      timestamptz NOT NULL,
  webhook_timestamp bigint NOT NULL,
  url               text NOT NULL,
  status_code       integer,
  latency_ms        integer NOT NULL,
  response_snippet  text,
  error             text,
  success           boolean NOT NULL,
  next_attempt_at   timestamptz,
  PRIMARY KEY (delivery_id, attempt_no)
);

-- API keys and roles that manage settings may manage webhook endpoints (permission added with this module).
UPDATE roles SET permissions = array_append(permissions, 'webhooks.manage')
  WHERE 'settings.manage' = ANY (permissions) AND NOT ('webhooks.manage' = ANY (permissions));
