-- One schema per service: each service writes only in its own.
-- Every schema has the two tables the core uses: idempotency_keys (the
-- stored replies of writes) and events (domain events, written in the same
-- transaction as the change they describe; seq orders them for catch-up).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE SCHEMA IF NOT EXISTS companies;
CREATE SCHEMA IF NOT EXISTS municipalities;
CREATE SCHEMA IF NOT EXISTS projects;
CREATE SCHEMA IF NOT EXISTS matching;

DO $$
DECLARE
    service text;
BEGIN
    FOREACH service IN ARRAY ARRAY['companies', 'municipalities', 'projects', 'matching'] LOOP
        EXECUTE format($sql$
            CREATE TABLE %I.idempotency_keys (
                subject      text        NOT NULL,
                key          text        NOT NULL,
                method       text        NOT NULL,
                request_hash bytea       NOT NULL,
                response     bytea       NOT NULL,
                created_at   timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (subject, key)
            )$sql$, service);
        EXECUTE format('CREATE INDEX ON %I.idempotency_keys (created_at)', service);
        EXECUTE format($sql$
            CREATE TABLE %I.events (
                seq        bigserial   PRIMARY KEY,
                type       text        NOT NULL,
                subject_id text        NOT NULL,
                audience   text[]      NOT NULL DEFAULT '{}',
                payload    jsonb       NOT NULL DEFAULT '{}',
                created_at timestamptz NOT NULL DEFAULT now()
            )$sql$, service);
    END LOOP;
END
$$;
