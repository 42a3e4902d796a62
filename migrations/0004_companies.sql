-- Companies: who offers digital health solutions.
CREATE TABLE companies.companies (
    id                uuid        PRIMARY KEY,
    name              text        NOT NULL,
    cvr               text        UNIQUE CHECK (cvr ~ '^[0-9]{8}$'),
    country           text        NOT NULL DEFAULT 'DK',
    vat_number        text        NOT NULL DEFAULT '',
    legal_form        text        NOT NULL DEFAULT '',
    address           text        NOT NULL DEFAULT '',
    municipality_code integer,
    region_code       integer,
    website           text        NOT NULL DEFAULT '',
    size_class        text        NOT NULL DEFAULT 'unspecified',
    founded_year      integer,
    description       text        NOT NULL DEFAULT '',
    categories        text[]      NOT NULL DEFAULT '{}',
    status            text        NOT NULL DEFAULT 'active',
    version           bigint      NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ON companies.companies USING gin (categories);
CREATE INDEX ON companies.companies (municipality_code);
CREATE INDEX ON companies.companies USING gin (lower(name) gin_trgm_ops);
