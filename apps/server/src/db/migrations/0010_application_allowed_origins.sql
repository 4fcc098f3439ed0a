-- The web origins (scheme://host[:port], normalised: lowercase, no path) allowed to embed the hosted
-- flow of this application in an iframe through the web SDK. Empty means any origin may embed it, which
-- is how every application behaved before this column existed.
ALTER TABLE applications ADD COLUMN allowed_origins text[] NOT NULL DEFAULT '{}';
