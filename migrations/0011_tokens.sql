-- Tokens: who may call the services. Every service reads this one table
-- (through its cache) to turn the token of a call into a principal; only
-- the SHA-256 of a token is kept, so the table gives away no secret.
CREATE SCHEMA IF NOT EXISTS auth;

CREATE TABLE auth.tokens (
    id           uuid        PRIMARY KEY,
    secret_hash  bytea       NOT NULL UNIQUE,
    role         text        NOT NULL
                 CHECK (role IN ('reader', 'partner', 'secretariat', 'admin', 'service')),
    -- A partner's organisation ("company:<uuid>", "municipality:101",
    -- "region:1084"); empty for every other role.
    organisation text        NOT NULL DEFAULT '',
    name         text        NOT NULL DEFAULT '',
    created_by   text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    CHECK ((role = 'partner') = (organisation <> ''))
);

CREATE INDEX tokens_listed ON auth.tokens (created_at, id);
