-- The organisation's default language ('sv' or 'en'): what Samtal speaks until a person picks
-- a language of their own (a cookie, see docs/decisions.md).
ALTER TABLE organisation ADD COLUMN language TEXT NOT NULL DEFAULT 'sv';
