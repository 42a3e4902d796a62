-- The audit: every write in every service, in the same transaction as the
-- write (services/core/audit.c): who (principal and role), when, the
-- method, the request id, the record, and the names of the fields the call
-- set (never their values, so no personal data is copied here). Rows are
-- only ever added: a trigger refuses UPDATE and DELETE, so no call, and no
-- mistake in one, changes the record of what happened.
CREATE FUNCTION public.audit_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

DO $$
DECLARE
    service text;
BEGIN
    FOREACH service IN ARRAY ARRAY['companies', 'municipalities', 'projects', 'matching'] LOOP
        EXECUTE format($sql$
            CREATE TABLE %I.audit (
                seq        bigserial   PRIMARY KEY,
                at         timestamptz NOT NULL DEFAULT now(),
                actor      text        NOT NULL,
                role       text        NOT NULL,
                method     text        NOT NULL,
                request_id text        NOT NULL DEFAULT '',
                record     text        NOT NULL DEFAULT '',
                fields     text[]      NOT NULL DEFAULT '{}'
            )$sql$, service);
        EXECUTE format('CREATE INDEX ON %I.audit (record, seq)', service);
        EXECUTE format('CREATE INDEX ON %I.audit (actor, seq)', service);
        EXECUTE format($sql$
            CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE OR TRUNCATE
            ON %I.audit FOR EACH STATEMENT EXECUTE FUNCTION public.audit_is_append_only()
            $sql$, service);
    END LOOP;
END
$$;
