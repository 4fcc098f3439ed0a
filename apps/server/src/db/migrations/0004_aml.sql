-- AML screening: the list registry (installation-wide public data), entity versions and their diffs,
-- saved scans with their matches, match review history, monitoring runs.

CREATE TABLE aml_lists (
  source          text PRIMARY KEY,
  name            text NOT NULL,
  url             text,
  refresh_enabled boolean NOT NULL DEFAULT false,
  current_version integer,
  last_error      text,
  last_attempt_at timestamptz,
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE aml_list_versions (
  id            text PRIMARY KEY,
  source        text NOT NULL REFERENCES aml_lists(source),
  version       integer NOT NULL,
  status        text NOT NULL CHECK (status IN ('importing', 'live', 'failed', 'superseded')),
  origin        text NOT NULL,
  files         jsonb NOT NULL DEFAULT '[]',
  entity_count  integer NOT NULL DEFAULT 0,
  added         integer NOT NULL DEFAULT 0,
  changed       integer NOT NULL DEFAULT 0,
  removed       integer NOT NULL DEFAULT 0,
  error         text,
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  UNIQUE (source, version)
);

-- The current content of every list; removed entities keep their row (removed_version set) so a
-- version's diff and old matches stay explainable.
CREATE TABLE aml_entities (
  id               text PRIMARY KEY,
  source           text NOT NULL REFERENCES aml_lists(source),
  hash             text NOT NULL,
  data             jsonb NOT NULL,
  added_version    integer NOT NULL,
  changed_version  integer NOT NULL,
  removed_version  integer
);
CREATE INDEX aml_entities_live_idx ON aml_entities (source) WHERE removed_version IS NULL;

-- Entities of a version being imported, written in small batches; merged into aml_entities in one
-- statement at the end, so a failed or interrupted import leaves the live version untouched.
CREATE TABLE aml_staging (
  version_id  text NOT NULL,
  entity_id   text NOT NULL,
  hash        text NOT NULL,
  data        jsonb NOT NULL,
  PRIMARY KEY (version_id, entity_id)
);

-- Every entity a version added, changed or removed: what monitoring re-screens against.
CREATE TABLE aml_changes (
  seq         bigserial PRIMARY KEY,
  source      text NOT NULL,
  version     integer NOT NULL,
  entity_id   text NOT NULL,
  change      text NOT NULL CHECK (change IN ('added', 'changed', 'removed'))
);
CREATE INDEX aml_changes_version_idx ON aml_changes (source, version);

CREATE TABLE aml_scans (
  id              text PRIMARY KEY,
  org_id          text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  mode            text NOT NULL CHECK (mode IN ('live', 'test')),
  kind            text NOT NULL CHECK (kind IN ('applicant', 'manual')),
  applicant_id    text REFERENCES applicants(id) ON DELETE CASCADE,
  submission_id   text,
  schema          text NOT NULL,
  query_enc       text NOT NULL,
  label_enc       text,
  threshold       real NOT NULL,
  hits            integer NOT NULL DEFAULT 0,
  matches         integer NOT NULL DEFAULT 0,
  monitoring      boolean NOT NULL DEFAULT false,
  periodicity     text CHECK (periodicity IN ('daily', 'weekly', 'monthly')),
  next_run_at     timestamptz,
  last_run_at     timestamptz,
  created_by      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX aml_scans_scope_idx ON aml_scans (org_id, mode, created_at DESC);
CREATE INDEX aml_scans_monitoring_idx ON aml_scans (next_run_at) WHERE monitoring;
CREATE INDEX aml_scans_applicant_idx ON aml_scans (applicant_id);

CREATE TABLE aml_matches (
  id            text PRIMARY KEY,
  scan_id       text NOT NULL REFERENCES aml_scans(id) ON DELETE CASCADE,
  org_id        text NOT NULL,
  mode          text NOT NULL,
  applicant_id  text,
  entity_id     text NOT NULL,
  caption       text NOT NULL,
  source        text NOT NULL,
  score         real NOT NULL,
  hit           boolean NOT NULL,
  status        text NOT NULL DEFAULT 'unknown'
                CHECK (status IN ('unknown', 'no_match', 'potential_match', 'false_positive', 'true_positive', 'true_positive_approve', 'true_positive_reject')),
  match_enc     text NOT NULL,
  found_by      text NOT NULL DEFAULT 'scan' CHECK (found_by IN ('scan', 'monitoring', 'rescreen')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (scan_id, entity_id)
);
CREATE INDEX aml_matches_scan_idx ON aml_matches (scan_id, score DESC);

CREATE TABLE aml_match_history (
  id          text PRIMARY KEY,
  match_id    text NOT NULL REFERENCES aml_matches(id) ON DELETE CASCADE,
  org_id      text NOT NULL,
  from_status text,
  to_status   text,
  comment_enc text,
  actor_id    text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX aml_match_history_match_idx ON aml_match_history (match_id, created_at);

CREATE TABLE aml_rescreen_runs (
  id          text PRIMARY KEY,
  kind        text NOT NULL CHECK (kind IN ('delta', 'periodic')),
  source      text,
  version     integer,
  status      text NOT NULL CHECK (status IN ('running', 'done', 'failed')),
  total       integer NOT NULL DEFAULT 0,
  done        integer NOT NULL DEFAULT 0,
  new_hits    integer NOT NULL DEFAULT 0,
  error       text,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  UNIQUE (kind, source, version)
);
