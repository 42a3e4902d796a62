-- The matching service: test beds, durable matchmaking jobs, their results
-- and exports, and "not a match" feedback. Enumerations are stored as the
-- slugs of their proto enums, like the other services.

CREATE TABLE matching.test_beds (
    id                      uuid        PRIMARY KEY,
    name                    text        NOT NULL,
    description             text        NOT NULL DEFAULT '',
    owner_kind              text        NOT NULL,
    owner_municipality_code integer,
    owner_region_code       integer,
    organisation            text        NOT NULL DEFAULT '',
    type                    text        NOT NULL,
    care_areas              text[]      NOT NULL,
    trl_min                 integer     NOT NULL CHECK (trl_min BETWEEN 1 AND 9),
    trl_max                 integer     NOT NULL CHECK (trl_max BETWEEN 1 AND 9),
    capacity_per_period     integer     NOT NULL CHECK (capacity_per_period >= 0),
    periods                 text[]      NOT NULL DEFAULT '{}',
    region_code             integer     NOT NULL CHECK (region_code BETWEEN 1081 AND 1085),
    fee_dkk                 bigint      NOT NULL DEFAULT 0 CHECK (fee_dkk >= 0),
    max_device_class        text        NOT NULL,
    dpa_required            boolean     NOT NULL DEFAULT false,
    standards               text[]      NOT NULL DEFAULT '{}',
    preference              text        NOT NULL,
    status                  text        NOT NULL,
    version                 bigint      NOT NULL DEFAULT 1,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CHECK (trl_min <= trl_max)
);

CREATE INDEX ON matching.test_beds (region_code);
CREATE INDEX ON matching.test_beds USING gin (care_areas);
CREATE INDEX ON matching.test_beds (name, id);

-- A job is a row: claimed with FOR UPDATE SKIP LOCKED under a lease its
-- worker renews, so a job whose worker died is taken up again when the
-- lease runs out, and several instances share one queue.
CREATE TABLE matching.jobs (
    id                uuid        PRIMARY KEY,
    kind              text        NOT NULL,
    parameters        bytea       NOT NULL,  -- packed chc.v1.JobParameters
    state             text        NOT NULL DEFAULT 'queued',
    phase             text        NOT NULL DEFAULT '',
    done              bigint      NOT NULL DEFAULT 0,
    total             bigint      NOT NULL DEFAULT 0,
    error             text        NOT NULL DEFAULT '',
    cancel_requested  boolean     NOT NULL DEFAULT false,
    attempts          integer     NOT NULL DEFAULT 0,
    result_count      bigint      NOT NULL DEFAULT 0,
    algorithm_version text        NOT NULL DEFAULT '',
    summary           text        NOT NULL DEFAULT '',
    -- What the job read (packed chc.v1.JobInputs), kept before the work
    -- starts: a job taken up again runs on the same inputs.
    inputs            bytea,
    lease_owner       text,
    lease_expires_at  timestamptz,
    submitted_by      text        NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    finished_at       timestamptz
);

CREATE INDEX ON matching.jobs (created_at, id);
CREATE INDEX jobs_claimable ON matching.jobs (created_at)
    WHERE state IN ('queued', 'running');

-- Results in their order; the packed chc.v1.JobResult beside the columns
-- the filters of ListJobResults use.
CREATE TABLE matching.job_results (
    job_id      uuid    NOT NULL REFERENCES matching.jobs (id) ON DELETE CASCADE,
    position    integer NOT NULL,
    kind        text    NOT NULL,
    need_id     text    NOT NULL DEFAULT '',
    solution_id text    NOT NULL DEFAULT '',
    test_bed_id text    NOT NULL DEFAULT '',
    result      bytea   NOT NULL,
    PRIMARY KEY (job_id, position)
);

-- An export is made once, on its first request, and read in chunks.
CREATE TABLE matching.job_exports (
    job_id  uuid   NOT NULL REFERENCES matching.jobs (id) ON DELETE CASCADE,
    format  text   NOT NULL,
    body    bytea  NOT NULL,
    sha256  text   NOT NULL,
    PRIMARY KEY (job_id, format)
);

-- "Not a match": every later need_solution job scores the pair 0.
CREATE TABLE matching.feedback (
    need_id     uuid        NOT NULL,
    solution_id uuid        NOT NULL,
    reason      text        NOT NULL,
    recorded_by text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (need_id, solution_id)
);
