-- Expressions of interest: the way into a project, with mutual opt-in.
CREATE TABLE projects.interests (
    id             uuid        PRIMARY KEY,
    sender         text        NOT NULL,  -- a party key: "company:<id>", "municipality:101"
    sender_name    text        NOT NULL DEFAULT '',
    receiver       text        NOT NULL,
    receiver_name  text        NOT NULL DEFAULT '',
    need_id        uuid        NOT NULL,
    solution_id    uuid        NOT NULL,
    message        text        NOT NULL DEFAULT '',
    state          text        NOT NULL DEFAULT 'open',
    decline_reason text        NOT NULL DEFAULT '',
    project_id     uuid,
    card           bytea       NOT NULL,  -- packed chc.v1.AnonymousCard
    from_job_id    text        NOT NULL DEFAULT '',
    reminded       boolean     NOT NULL DEFAULT false,
    version        bigint      NOT NULL DEFAULT 1,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- One open interest per pair of need and solution.
CREATE UNIQUE INDEX interests_one_open ON projects.interests (need_id, solution_id)
    WHERE state = 'open';
CREATE INDEX ON projects.interests (sender);
CREATE INDEX ON projects.interests (receiver);
CREATE INDEX interests_open_since ON projects.interests (created_at) WHERE state = 'open';

ALTER TABLE projects.projects ADD COLUMN interest_id uuid;
