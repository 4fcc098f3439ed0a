-- Face templates (biometric data) and customer face lists (blacklists and others).
-- embedding_enc is the canonical template, AES-256-GCM encrypted. `search` is a keyed orthogonal
-- transform of it (see biometrics/template-protection.ts): cosine distances are unchanged, so 1:N
-- search works on it (pgvector HNSW where available), but it is not a usable template without the key.

CREATE TABLE face_lists (
  id           text PRIMARY KEY,
  org_id       text NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  mode         text NOT NULL CHECK (mode IN ('live', 'test')),
  name         text NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('blacklist', 'custom')),
  description  text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (org_id, mode, name)
);

CREATE TABLE face_embeddings (
  id             text PRIMARY KEY,
  org_id         text NOT NULL,
  mode           text NOT NULL,
  applicant_id   text REFERENCES applicants(id) ON DELETE CASCADE,
  submission_id  text,
  list_id        text REFERENCES face_lists(id) ON DELETE CASCADE,
  source         text NOT NULL CHECK (source IN ('document', 'selfie', 'liveness', 'selfie_with_document', 'held_document', 'external', 'list')),
  model          text NOT NULL,
  embedding_enc  text NOT NULL,
  search         real[] NOT NULL,
  label_enc      text,
  quality        real,
  created_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((applicant_id IS NULL) <> (list_id IS NULL))
);
CREATE INDEX face_embeddings_scope_idx ON face_embeddings (org_id, mode);
CREATE INDEX face_embeddings_applicant_idx ON face_embeddings (applicant_id);
CREATE INDEX face_embeddings_submission_idx ON face_embeddings (submission_id);
CREATE INDEX face_embeddings_list_idx ON face_embeddings (list_id);
