-- Events are kept CHC_EVENTS_RETENTION_DAYS (housekeeping deletes older
-- ones); the index makes that delete read only what it removes.
DO $$
DECLARE
    service text;
BEGIN
    FOREACH service IN ARRAY ARRAY['companies', 'municipalities', 'projects', 'matching'] LOOP
        EXECUTE format('CREATE INDEX ON %I.events (created_at)', service);
    END LOOP;
END
$$;
