-- The regions and municipalities change only by a migration or an
-- operator's hand (a municipal reform). Services that keep them (companies
-- caches the codes and their regions) learn of it as of any other change:
-- from an event of the owning service, here written by a trigger so that no
-- way of changing the table can forget it.
CREATE FUNCTION municipalities.reference_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO municipalities.events (type, subject_id)
    VALUES ('municipality.reference_changed', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER reference_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON municipalities.municipalities
FOR EACH STATEMENT EXECUTE FUNCTION municipalities.reference_changed();

CREATE TRIGGER reference_changed
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON municipalities.regions
FOR EACH STATEMENT EXECUTE FUNCTION municipalities.reference_changed();
