-- The head also keeps the hash it replaced, so one INSERT … ON CONFLICT DO UPDATE on the head can both
-- create a chain's first head and advance an existing one, and hand the previous hash to the new row:
-- an append is then one statement in every case, and can share a statement with the change it records.
ALTER TABLE audit_heads ADD COLUMN prev_hash text;
