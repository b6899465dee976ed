-- 0013: WebSub content carries the feed version (change number) its render
-- was built from. A subscription remembers the version last queued and last
-- delivered to it, so an older render never replaces a newer one and a
-- subscriber never gets a version twice or after a newer one, however many
-- instances publish. Deliveries queued before this step have no version:
-- they become version 1, newer than anything delivered (0), so they still go.
ALTER TABLE websub_subscriptions ADD COLUMN queued_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE websub_subscriptions ADD COLUMN delivered_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE websub_deliveries ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
UPDATE websub_deliveries SET version = 1;
