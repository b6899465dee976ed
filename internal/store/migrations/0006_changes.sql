-- 0006: incremental pulls (?since=) walk articles in the order newswire
-- stored their changes, not by their own updated time: that comes from the
-- newsroom or the upstream and can lie before a partner's cursor (a story
-- ingested late, with its upstream dates), which the partner then never saw.
-- change_seq: the global version of the transaction that last created,
-- changed, withdrew or released the article (strictly growing, whichever
-- instance wrote); changed_at: when (unix seconds), to start a pull at a time.
ALTER TABLE articles ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN changed_at INTEGER NOT NULL DEFAULT 0;
-- Stored articles: the order the old walk read them in, one number each
-- (a shared number would make a pull resumed inside them re-send the rest),
-- numbered after the current version, which then moves past them.
UPDATE articles SET changed_at = max(updated, withdrawn);
UPDATE articles SET change_seq = (SELECT value FROM meta WHERE key = 'version') + r.n
	FROM (SELECT id, row_number() OVER (ORDER BY changed_at, id) AS n FROM articles) AS r
	WHERE r.id = articles.id;
UPDATE meta SET value = value + (SELECT count(*) FROM articles) WHERE key = 'version';
CREATE INDEX articles_changes ON articles (change_seq, id);
CREATE INDEX articles_changed_at ON articles (changed_at);
-- Pulls no longer walk (updated, id).
DROP INDEX articles_since;
