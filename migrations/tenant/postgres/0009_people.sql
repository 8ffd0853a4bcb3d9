-- The people register. Every row that holds data about a person hangs off persons(id):
-- a column naming the person the row is about is `person_id` ... ON DELETE CASCADE; a column
-- naming another person (a manager) is `<role>_person_id` ... ON DELETE SET NULL. Deleting a
-- person deletes everything about them and leaves no row naming them (docs/architecture.md).
CREATE TABLE persons (
    id              TEXT PRIMARY KEY,
    -- the personnummer, sealed (crypto::FIELDS), and its blind index for lookup and uniqueness
    pnr_sealed      BYTEA NOT NULL,
    pnr_index       TEXT NOT NULL UNIQUE,
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL,
    -- lower-case "family given", for sorting and searching by name
    name_key        TEXT NOT NULL,
    email           TEXT,
    gender          TEXT NOT NULL CHECK (gender IN ('female', 'male', 'other')),
    gender_source   TEXT NOT NULL CHECK (gender_source IN ('personnummer', 'manual')),
    employee_number TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX persons_name ON persons (name_key, id);

-- Organisational units, a tree. A unit with units or employments below it cannot be deleted.
CREATE TABLE org_units (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    parent_id  TEXT REFERENCES org_units (id) ON DELETE RESTRICT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX org_units_parent ON org_units (parent_id);

CREATE TABLE employments (
    id                 TEXT PRIMARY KEY,
    person_id          TEXT NOT NULL REFERENCES persons (id) ON DELETE CASCADE,
    unit_id            TEXT NOT NULL REFERENCES org_units (id) ON DELETE RESTRICT,
    job_title          TEXT NOT NULL,
    manager_person_id  TEXT REFERENCES persons (id) ON DELETE SET NULL,
    start_date         TEXT NOT NULL,
    end_date           TEXT,
    -- employment rate in hundredths of a per cent (10000 = 100 %)
    rate_bp            BIGINT NOT NULL CHECK (rate_bp > 0 AND rate_bp <= 10000),
    monthly_salary_ore BIGINT NOT NULL CHECK (monthly_salary_ore >= 0),
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE INDEX employments_person ON employments (person_id);
CREATE INDEX employments_manager ON employments (manager_person_id);
CREATE INDEX employments_unit ON employments (unit_id);

-- An account belongs to a person; erasing the person ends the account (and so its sessions).
-- The column was a placeholder without a reference; it was never written.
ALTER TABLE users DROP COLUMN person_id;
ALTER TABLE users ADD COLUMN person_id TEXT REFERENCES persons (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX users_person ON users (person_id);

-- The organisation's saved column mapping for the CSV import of employees (column numbers by
-- field, no personal data).
CREATE TABLE import_settings (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    mapping    TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A CSV import between its upload and the admin's confirmation: one per admin, sealed (it
-- holds personnummer), deleted when applied or discarded and at the latest after an hour.
CREATE TABLE import_drafts (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    csv_sealed BYTEA NOT NULL,
    mapping    TEXT,
    created_at BIGINT NOT NULL
);
