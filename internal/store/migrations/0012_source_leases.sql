-- 0012: per-source leases, so that of several instances on one database
-- exactly one polls a source at a time. claimed_by names the instance
-- holding the lease ('' when none), claimed_until is when it lapses (unix
-- seconds, from the database's clock, never an instance's; 0 when none),
-- claim_token is random per claim (0 when none): the pass that holds the
-- lease checks it before writing and clears all three in the transaction
-- that writes next_run.
ALTER TABLE sources ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN claimed_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN claim_token INTEGER NOT NULL DEFAULT 0;
