-- The photo a face was added to a list with is kept (envelope-encrypted in object storage, like selfies)
-- so a reviewer can see whom an applicant matched. This is its object key; null for applicants' faces and
-- for list faces added before photos were kept.
ALTER TABLE face_embeddings ADD COLUMN image_key text;
