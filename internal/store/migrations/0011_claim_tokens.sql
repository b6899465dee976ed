-- 0011: a claim on a queued WebSub request or delivery carries a token
-- (random, per claim); finishing, retrying or dropping it checks the token,
-- so an instance whose claim lapsed and was taken over by another cannot
-- act on it as well. 0 is no claim.
ALTER TABLE websub_intents ADD COLUMN claim_token INTEGER NOT NULL DEFAULT 0;
ALTER TABLE websub_deliveries ADD COLUMN claim_token INTEGER NOT NULL DEFAULT 0;
