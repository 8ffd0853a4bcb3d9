-- How long a person's data is kept after their last employment ends (GDPR Art. 5(1)(e)), in
-- months, and whether the daily job erases them when it has passed (each with a receipt), or
-- only lists them for an admin.
ALTER TABLE organisation ADD COLUMN retention_months BIGINT NOT NULL DEFAULT 24;
ALTER TABLE organisation ADD COLUMN auto_erase BIGINT NOT NULL DEFAULT 0;
