-- 0003 (SQLite's 0011): a claim on a queued WebSub request or delivery
-- carries a token; finishing, retrying or dropping it checks the token, so
-- an instance whose claim lapsed and was taken over cannot act on it too.
ALTER TABLE websub_intents ADD COLUMN claim_token BIGINT NOT NULL DEFAULT 0;
ALTER TABLE websub_deliveries ADD COLUMN claim_token BIGINT NOT NULL DEFAULT 0;
