-- The organisation's own profile, kept in its own database (the catalog holds only routing data).
CREATE TABLE organisation (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
