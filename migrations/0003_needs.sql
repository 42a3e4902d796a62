-- Needs: what municipalities and regions want to buy, alone or together.
-- Enumerations are stored as the slugs of their proto enums
-- ("remote-monitoring"), so the proto files stay the one vocabulary.
CREATE TABLE municipalities.needs (
    id                 uuid        PRIMARY KEY,
    title              text        NOT NULL,
    description        text        NOT NULL DEFAULT '',
    care_area          text        NOT NULL,
    target_groups      text[]      NOT NULL DEFAULT '{}',
    min_trl            integer     NOT NULL CHECK (min_trl BETWEEN 1 AND 9),
    max_device_class   text        NOT NULL,
    required_standards text[]      NOT NULL DEFAULT '{}',
    gdpr_dpa_required  boolean     NOT NULL DEFAULT false,
    budget_min_dkk     bigint      NOT NULL DEFAULT 0 CHECK (budget_min_dkk >= 0),
    budget_max_dkk     bigint      NOT NULL DEFAULT 0 CHECK (budget_max_dkk >= 0),
    procurement_route  text        NOT NULL,
    deadline           date        NOT NULL,
    criteria           jsonb       NOT NULL DEFAULT '[]',
    contact_name       text        NOT NULL DEFAULT '',
    contact_email      text        NOT NULL DEFAULT '',
    contact_phone      text        NOT NULL DEFAULT '',
    status             text        NOT NULL,
    language           text        NOT NULL DEFAULT 'da',
    version            bigint      NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    -- Danish and English stemming both: a need written in either language
    -- is found by words in either.
    search             tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('danish', title), 'A') ||
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('danish', description), 'B') ||
        setweight(to_tsvector('english', description), 'B')) STORED,
    CHECK (budget_max_dkk = 0 OR budget_min_dkk <= budget_max_dkk)
);

CREATE INDEX ON municipalities.needs USING gin (search);
CREATE INDEX ON municipalities.needs (status, deadline);
CREATE INDEX ON municipalities.needs (care_area);

-- A need is owned by one or more municipalities and/or regions.
CREATE TABLE municipalities.need_owners (
    need_id           uuid    NOT NULL REFERENCES municipalities.needs (id) ON DELETE CASCADE,
    position          integer NOT NULL,
    municipality_code integer REFERENCES municipalities.municipalities (code),
    region_code       integer REFERENCES municipalities.regions (code),
    CHECK ((municipality_code IS NULL) <> (region_code IS NULL)),
    PRIMARY KEY (need_id, position)
);

CREATE INDEX ON municipalities.need_owners (municipality_code);
CREATE INDEX ON municipalities.need_owners (region_code);
