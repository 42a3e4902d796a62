-- Where a service stands in another service's events: the last seq it
-- took of a kind of event (source names the service and the type). The
-- matching service takes the projects service's "interest.declined" events
-- as "not a match" feedback; the row moves in the same statement that
-- stores what the events said, so each event is taken once.
CREATE TABLE matching.consumed_events (
    source     text        PRIMARY KEY,
    seq        bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO matching.consumed_events (source, seq) VALUES ('projects:interest.declined', 0);
