-- The companies service keeps the published solutions' search vectors in
-- memory (services/core/search_index.c), so that a search ranks its
-- matches without reading a table row per match. Each instance follows
-- the table by a generation: every transaction that writes a solution's
-- name, description or status (or deletes one) takes the next generation
-- once, stamps the rows it writes with it, and holds the counter's row
-- lock until it commits. Generations therefore become visible in the
-- order they were given out, so "the rows stamped after the generation I
-- have" misses none, as a sequence (whose numbers commit out of order)
-- would. The price: transactions that write solutions run one at a time.
CREATE TABLE companies.search_generation (
    only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    generation bigint  NOT NULL
);

INSERT INTO companies.search_generation (generation) VALUES (0);

ALTER TABLE companies.solutions ADD COLUMN search_generation bigint NOT NULL DEFAULT 0;

CREATE INDEX solutions_search_generation ON companies.solutions (search_generation);

-- Solutions are archived, not deleted; should one be deleted all the
-- same (by hand), the instances still learn of it.
CREATE TABLE companies.solutions_removed (
    id                uuid   PRIMARY KEY,
    search_generation bigint NOT NULL
);

CREATE INDEX solutions_removed_search_generation ON companies.solutions_removed (search_generation);

-- The transaction's generation: taken from the counter by its first
-- write, remembered in a transaction-local setting for the rest (an
-- import stamps 100,000 rows with one counter update).
CREATE FUNCTION companies.transaction_search_generation() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    taken bigint := nullif(current_setting('chc.search_generation', true), '')::bigint;
BEGIN
    IF taken IS NULL THEN
        UPDATE companies.search_generation SET generation = generation + 1
        RETURNING generation INTO taken;
        PERFORM set_config('chc.search_generation', taken::text, true);
    END IF;
    RETURN taken;
END
$$;

CREATE FUNCTION companies.solution_search_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO companies.solutions_removed (id, search_generation)
        VALUES (OLD.id, companies.transaction_search_generation())
        ON CONFLICT (id) DO UPDATE SET search_generation = EXCLUDED.search_generation;
        RETURN OLD;
    END IF;
    NEW.search_generation := companies.transaction_search_generation();
    RETURN NEW;
END
$$;

CREATE TRIGGER solution_search_stamp
BEFORE INSERT OR UPDATE OF name, description, status ON companies.solutions
FOR EACH ROW EXECUTE FUNCTION companies.solution_search_stamp();

CREATE TRIGGER solution_search_removed
AFTER DELETE ON companies.solutions
FOR EACH ROW EXECUTE FUNCTION companies.solution_search_stamp();
