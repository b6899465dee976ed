-- 0004 (SQLite's 0012): per-source leases, so that of several instances on
-- one database exactly one polls a source at a time. claimed_by names the
-- instance holding the lease ('' when none), claimed_until is when it
-- lapses (unix seconds by the database's clock; 0 when none), claim_token
-- is random per claim (0 when none): the pass holding the lease checks it
-- before writing and clears all three in the transaction that writes
-- next_run.
ALTER TABLE sources ADD COLUMN claimed_by TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN claimed_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN claim_token BIGINT NOT NULL DEFAULT 0;
