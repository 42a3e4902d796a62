-- Collaboration projects: a lifecycle, participants with roles and their
-- investment commitments (integer øre), milestones, and the history of every
-- move, in the projects schema.
CREATE TABLE projects.projects (
    id            uuid        PRIMARY KEY,
    title         text        NOT NULL,
    description   text        NOT NULL DEFAULT '',
    need_ids      uuid[]      NOT NULL DEFAULT '{}',
    solution_ids  uuid[]      NOT NULL DEFAULT '{}',
    test_bed_ids  uuid[]      NOT NULL DEFAULT '{}',
    status        text        NOT NULL,
    language      text        NOT NULL DEFAULT 'da',
    version       bigint      NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    search        tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('danish', title), 'A') ||
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('danish', description), 'B') ||
        setweight(to_tsvector('english', description), 'B')) STORED
);

CREATE INDEX ON projects.projects USING gin (search);
CREATE INDEX ON projects.projects (status);
CREATE INDEX ON projects.projects USING gin (need_ids);
CREATE INDEX ON projects.projects USING gin (solution_ids);
CREATE INDEX ON projects.projects USING gin (test_bed_ids);

-- A party is one text key ("company:<uuid>", "municipality:101",
-- "region:1084", "test_bed:<uuid>", "hospital:<name>",
-- "knowledge_institution:<name>"), so a party takes part once.
CREATE TABLE projects.participants (
    project_id     uuid    NOT NULL REFERENCES projects.projects (id) ON DELETE CASCADE,
    party          text    NOT NULL,
    position       integer NOT NULL,
    role           text    NOT NULL,
    name           text    NOT NULL DEFAULT '',
    region_code    integer,
    commitment_ore bigint  NOT NULL DEFAULT 0 CHECK (commitment_ore >= 0),
    PRIMARY KEY (project_id, party)
);
CREATE INDEX ON projects.participants (party);
CREATE INDEX ON projects.participants (region_code);
-- Exactly one lead: at most one here, at least one checked on every write.
CREATE UNIQUE INDEX participants_one_lead ON projects.participants (project_id)
    WHERE role = 'lead';

CREATE TABLE projects.history (
    project_id     uuid        NOT NULL REFERENCES projects.projects (id) ON DELETE CASCADE,
    seq            bigserial,
    kind           text        NOT NULL,
    from_status    text        NOT NULL DEFAULT '',
    to_status      text        NOT NULL DEFAULT '',
    by_principal   text        NOT NULL DEFAULT '',
    reason         text        NOT NULL DEFAULT '',
    party          text        NOT NULL DEFAULT '',
    commitment_ore bigint      NOT NULL DEFAULT 0,
    at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, seq)
);

CREATE TABLE projects.milestones (
    id          uuid    PRIMARY KEY,
    project_id  uuid    NOT NULL REFERENCES projects.projects (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    title       text    NOT NULL,
    due         date    NOT NULL,
    done        boolean NOT NULL DEFAULT false,
    responsible text    NOT NULL DEFAULT '',
    -- milestone.overdue is published once, by housekeeping.
    overdue_told boolean NOT NULL DEFAULT false
);
CREATE INDEX milestones_open_due ON projects.milestones (due) WHERE NOT done;
