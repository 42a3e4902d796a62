-- Solutions, contact persons, and what duplicate detection and bulk import
-- need on companies.

-- Names compared without legal forms and case: "ACME Health ApS" and
-- "Acme Health A/S" have the same name_key.
ALTER TABLE companies.companies
    ADD COLUMN aliases text[] NOT NULL DEFAULT '{}',
    ADD COLUMN name_key text GENERATED ALWAYS AS (
        trim(regexp_replace(
            regexp_replace(lower(name),
                '(^|[^[:alnum:]])(aps|ivs|a/s|i/s|p/s|k/s|as|ab|gmbh|b\.v\.|bv|oy|ltd|limited|inc|llc|sa|ag|ug)\.?($|[^[:alnum:]])',
                ' ', 'g'),
            '[^[:alnum:]]+', ' ', 'g'))) STORED,
    ADD COLUMN website_domain text GENERATED ALWAYS AS (
        nullif(lower(regexp_replace(website, '^([a-z]+://)?(www\.)?([^/:?#]+).*$', '\3', 'i')), '')) STORED;

CREATE INDEX ON companies.companies USING gin (name_key gin_trgm_ops);
CREATE INDEX ON companies.companies (website_domain);
-- A foreign company is known by its country and VAT number, as a Danish
-- one by its CVR: re-importing a file finds the rows it wrote before.
CREATE UNIQUE INDEX companies_foreign_vat ON companies.companies (country, vat_number)
    WHERE cvr IS NULL AND vat_number <> '';

CREATE TABLE companies.solutions (
    id                  uuid        PRIMARY KEY,
    company_id          uuid        NOT NULL REFERENCES companies.companies (id),
    name                text        NOT NULL,
    description         text        NOT NULL DEFAULT '',
    categories          text[]      NOT NULL DEFAULT '{}',
    target_groups       text[]      NOT NULL DEFAULT '{}',
    trl                 integer     NOT NULL CHECK (trl BETWEEN 1 AND 9),
    device_class        text        NOT NULL,
    ce_marked           boolean     NOT NULL DEFAULT false,
    standards           text[]      NOT NULL DEFAULT '{}',
    gdpr_dpa_available  boolean     NOT NULL DEFAULT false,
    data_hosting        text        NOT NULL DEFAULT '',
    evidence_level      text        NOT NULL DEFAULT 'unspecified',
    languages           text[]      NOT NULL DEFAULT '{}',
    price_model         text        NOT NULL DEFAULT 'unspecified',
    indicative_price_dkk bigint     NOT NULL DEFAULT 0 CHECK (indicative_price_dkk >= 0),
    deployments         text[]      NOT NULL DEFAULT '{}',  -- 'm101', 'r1084'
    -- the regions of the deployments, so a region filter reads no other
    -- service's schema
    deployment_regions  integer[]   NOT NULL DEFAULT '{}',
    status              text        NOT NULL DEFAULT 'draft',
    rejection_reason    text        NOT NULL DEFAULT '',
    reviewed_on         date,
    language            text        NOT NULL DEFAULT 'da',
    version             bigint      NOT NULL DEFAULT 1,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    search              tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('danish', name), 'A') ||
        setweight(to_tsvector('english', name), 'A') ||
        setweight(to_tsvector('danish', description), 'B') ||
        setweight(to_tsvector('english', description), 'B')) STORED
);

CREATE INDEX ON companies.solutions USING gin (search);
CREATE INDEX ON companies.solutions (company_id);
CREATE INDEX ON companies.solutions (status, reviewed_on);
CREATE INDEX ON companies.solutions USING gin (categories);
CREATE INDEX ON companies.solutions USING gin (deployment_regions);
CREATE UNIQUE INDEX solutions_company_name ON companies.solutions (company_id, lower(name));

-- The only personal data in the service: export and erasure touch this
-- table alone.
CREATE TABLE companies.contacts (
    id              uuid        PRIMARY KEY,
    company_id      uuid        NOT NULL REFERENCES companies.companies (id) ON DELETE CASCADE,
    name            text        NOT NULL,
    email           text        NOT NULL DEFAULT '',
    phone           text        NOT NULL DEFAULT '',
    role            text        NOT NULL DEFAULT '',
    consent_purpose text        NOT NULL,
    consent_at      timestamptz NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX ON companies.contacts (company_id);
