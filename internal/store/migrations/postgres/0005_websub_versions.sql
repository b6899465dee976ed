-- 0005 (SQLite's 0013): WebSub content carries the feed version its render
-- was built from; a subscription remembers the version last queued and last
-- delivered, so an older render never replaces a newer one and a subscriber
-- never gets a version twice or after a newer one. Deliveries queued before
-- this step become version 1, newer than anything delivered (0).
ALTER TABLE websub_subscriptions ADD COLUMN queued_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE websub_subscriptions ADD COLUMN delivered_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE websub_deliveries ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
UPDATE websub_deliveries SET version = 1;
