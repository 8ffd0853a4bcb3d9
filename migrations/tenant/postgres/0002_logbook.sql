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
    mac         BYTEA NOT NULL
);
CREATE INDEX logbook_at ON logbook (at_ms);
CREATE INDEX logbook_action ON logbook (action, at_ms);

-- The newest event's place in the chain; appenders take this row first.
CREATE TABLE logbook_head (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    mac BYTEA NOT NULL
);
INSERT INTO logbook_head (id, seq, mac) VALUES (1, 0, decode(repeat('00', 32), 'hex'));

-- The last pruned event, so the remaining chain still verifies.
CREATE TABLE logbook_checkpoint (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    mac BYTEA NOT NULL
);

-- Only the retention prune deletes (it sets samtal.logbook_prune for its own transaction), and
-- only events older than 90 days; nothing updates or truncates.
CREATE FUNCTION logbook_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('samtal.logbook_prune', true) = 'on'
           AND OLD.at_ms < (extract(epoch FROM now()) * 1000)::bigint - 90::bigint * 86400000 THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'the logbook is append-only; only the retention prune deletes, and only events older than 90 days';
END;
$$;

CREATE TRIGGER logbook_append_only BEFORE UPDATE OR DELETE ON logbook
    FOR EACH ROW EXECUTE FUNCTION logbook_guard();
CREATE TRIGGER logbook_no_truncate BEFORE TRUNCATE ON logbook
    FOR EACH STATEMENT EXECUTE FUNCTION logbook_guard();
