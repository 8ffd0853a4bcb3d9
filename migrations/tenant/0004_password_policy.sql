-- The organisation's own password policy: admins may raise the minimum length above the
-- product floor of 12 characters (NIST 800-63B: length, not composition).
ALTER TABLE organisation ADD COLUMN min_password_len INTEGER NOT NULL DEFAULT 12;
