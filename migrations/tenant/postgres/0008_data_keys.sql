-- The tenant's data keys, each stored only wrapped (AES-256-GCM) under the tenant's
-- key-encryption key, which is derived from the master key and never stored anywhere.
-- purpose 'data' encrypts fields (versioned, one current); 'index' makes blind indexes;
-- 'logbook' is the logbook's MAC key, pinned by the first master-key rotation.
CREATE TABLE data_keys (
    purpose      TEXT NOT NULL CHECK (purpose IN ('data', 'index', 'logbook')),
    version      BIGINT NOT NULL CHECK (version >= 1),
    wrapped      BYTEA NOT NULL,
    -- which key-encryption key wrapped it (a fingerprint, not the key), so a master key
    -- rotation can tell what it has already rewrapped
    kek_id       TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('current', 'old', 'retired')),
    -- encryptions reserved under this key; it is rotated long before 2^32
    sealed_count BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    retired_at   BIGINT,
    PRIMARY KEY (purpose, version)
);
CREATE UNIQUE INDEX data_keys_one_current ON data_keys (purpose) WHERE state = 'current';

-- Where a rewrap (re-encryption of fields under the current key) has got to, per column, so a
-- killed run resumes instead of starting over.
CREATE TABLE rewrap_progress (
    table_name     TEXT NOT NULL,
    column_name    TEXT NOT NULL,
    target_version BIGINT NOT NULL,
    last_id        TEXT NOT NULL,
    done           BIGINT NOT NULL,
    PRIMARY KEY (table_name, column_name)
);
