-- What stays of an erased person for the organisation's pay statistics (GDPR erasure, issue 13):
-- the gender, a ten-year birth band and each employment's unit, months, rate and salary. No
-- name, personnummer, e-mail, job title (free text can name someone), manager, exact date or
-- time of the erasure, and no id that leads back to the person (docs/decisions.md).
CREATE TABLE person_remnants (
    id         TEXT PRIMARY KEY,
    gender     TEXT NOT NULL CHECK (gender IN ('female', 'male', 'other')),
    -- the first year of the band: 1960 for someone born 1960–1969
    birth_band BIGINT NOT NULL CHECK (birth_band % 10 = 0)
);

CREATE TABLE remnant_employments (
    id                 TEXT PRIMARY KEY,
    remnant_id         TEXT NOT NULL REFERENCES person_remnants (id) ON DELETE CASCADE,
    unit_id            TEXT REFERENCES org_units (id) ON DELETE SET NULL,
    -- YYYY-MM
    start_month        TEXT NOT NULL,
    end_month          TEXT,
    rate_bp            BIGINT NOT NULL CHECK (rate_bp > 0 AND rate_bp <= 10000),
    monthly_salary_ore BIGINT NOT NULL CHECK (monthly_salary_ore >= 0)
);
CREATE INDEX remnant_employments_remnant ON remnant_employments (remnant_id);
CREATE INDEX remnant_employments_unit ON remnant_employments (unit_id);

-- What the preview, the erasure and the export look up in the logbook by: a target and an actor
-- (without these, each was a scan of the whole logbook).
CREATE INDEX logbook_target ON logbook (target_type, target_id);
CREATE INDEX logbook_actor ON logbook (actor);
