-- Each organisation's audit log is kept as 16 hash chains instead of one, chosen by the entry's target:
-- appends to one chain are serialised by its head lock (held until commit), so one chain per organisation
-- capped its write rate at one commit at a time. An object's entries always share a chain, in order.
ALTER TABLE audit_log ADD COLUMN chain text;
ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
UPDATE audit_log SET chain = org_id;
ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
ALTER TABLE audit_log ALTER COLUMN chain SET NOT NULL;
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey;
ALTER TABLE audit_log ADD PRIMARY KEY (chain, seq);
CREATE INDEX audit_log_org_idx ON audit_log (org_id, id DESC);
ALTER TABLE audit_heads RENAME COLUMN org_id TO chain;
