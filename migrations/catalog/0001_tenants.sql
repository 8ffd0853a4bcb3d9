-- The catalog knows which tenants exist and where their data lives. Nothing else: no tenant data.
CREATE TABLE tenants (
    slug         TEXT PRIMARY KEY,
    display_name TEXT NOT NULL,
    storage_url  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('provisioning', 'active', 'disabled')),
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
