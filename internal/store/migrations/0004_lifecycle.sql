-- 0004: withdrawal (tombstones), embargo, and incremental pulls.
-- withdrawn: unix time an editor withdrew the article, 0 while live. The row
-- stays, so feeds can carry an RFC 6721 tombstone and ingest does not bring
-- the story back.
-- embargo_until: unix time before which the article appears nowhere; set to
-- 0 when the embargo is released.
ALTER TABLE articles ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN withdraw_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN embargo_until INTEGER NOT NULL DEFAULT 0;

CREATE INDEX articles_embargoed ON articles (embargo_until) WHERE embargo_until > 0;
CREATE INDEX articles_withdrawn ON articles (withdrawn) WHERE withdrawn > 0;
-- ?since= walks articles in (updated, id) order.
CREATE INDEX articles_since ON articles (updated, id);
