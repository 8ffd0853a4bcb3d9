-- A summary of repeated anonymous refusals stands for this many events (1 for every other).
ALTER TABLE logbook ADD COLUMN repeats BIGINT NOT NULL DEFAULT 1;
