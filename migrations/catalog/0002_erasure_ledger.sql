-- The one record about a tenant's people the catalog keeps: who was erased, as the person's id
-- and the blind index of their personnummer (never the number), with the signed receipt. It
-- lives here, outside the tenant's database, so that restoring that database from an earlier
-- backup cannot bring an erased person back: `samtal gdpr replay-erasures` erases again every
-- person listed here that the restored database still holds.
CREATE TABLE erasure_ledger (
    id        TEXT PRIMARY KEY,
    -- no reference to tenants: a tenant row deleted and made again must not lose its ledger
    tenant    TEXT NOT NULL,
    person_id TEXT NOT NULL,
    pnr_index TEXT NOT NULL,
    erased_at BIGINT NOT NULL,
    receipt   TEXT NOT NULL
);
CREATE INDEX erasure_ledger_tenant ON erasure_ledger (tenant, erased_at);
CREATE INDEX erasure_ledger_index ON erasure_ledger (tenant, pnr_index);
