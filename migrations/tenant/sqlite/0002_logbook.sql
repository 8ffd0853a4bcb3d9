-- The logbook: who did what and when, never the data itself. Append-only, HMAC-chained.
CREATE TABLE logbook (
    seq         BIGINT PRIMARY KEY,
    at_ms       BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    target_type TEXT,
    target_id   TEXT,
    outcome     TEXT NOT NULL,
    ip          TEXT,
    user_agent  TEXT,
    request_id  TEXT,
    mac         BLOB NOT NULL
);
CREATE INDEX logbook_at ON logbook (at_ms);
CREATE INDEX logbook_action ON logbook (action, at_ms);

-- The newest event's place in the chain; appenders take this row first.
CREATE TABLE logbook_head (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    mac BLOB NOT NULL
);
INSERT INTO logbook_head (id, seq, mac) VALUES (1, 0, zeroblob(32));

-- The last pruned event, so the remaining chain still verifies.
CREATE TABLE logbook_checkpoint (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    mac BLOB NOT NULL
);

-- Opened only inside the retention prune's transaction.
CREATE TABLE logbook_gate (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    open INTEGER NOT NULL
);
INSERT INTO logbook_gate (id, open) VALUES (1, 0);

CREATE TRIGGER logbook_no_update BEFORE UPDATE ON logbook
BEGIN
    SELECT RAISE(ABORT, 'the logbook is append-only');
END;

CREATE TRIGGER logbook_no_delete BEFORE DELETE ON logbook
WHEN (SELECT open FROM logbook_gate WHERE id = 1) = 0
  OR OLD.at_ms >= (CAST(strftime('%s', 'now') AS INTEGER) - 90 * 86400) * 1000
BEGIN
    SELECT RAISE(ABORT, 'the logbook is append-only; only the retention prune deletes, and only events older than 90 days');
END;
