-- The organisation's time zone (an IANA name): every time on its pages is shown in it, with the
-- zone named. Stored data stays in UTC milliseconds.
ALTER TABLE organisation ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Stockholm';
