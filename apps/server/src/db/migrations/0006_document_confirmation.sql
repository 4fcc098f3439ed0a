-- OCR prefill: what the applicant confirmed or corrected of the extracted document data, kept beside
-- the engine's reading (fields_enc) and a reviewer's amendments (amended_enc).
ALTER TABLE documents ADD COLUMN confirmed_enc text;
ALTER TABLE documents ADD COLUMN confirmed_at timestamptz;
