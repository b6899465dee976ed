-- 0002: upstream sources with their per-source state, the items each source
-- has delivered (to recognise unchanged items before any cleaning), and the
-- keys that find the same story arriving from another source.
-- Times are unix seconds (UTC), 0 meaning "never".

-- The definition columns (name … origin) come from the config file or the
-- CLI; the state columns after them are written by ingest after every pass.
-- categories: slugs joined by U+001F, as in articles.categories.
-- rules: JSON [{"match":…,"category":…}] ('' when none).
-- id_mode: '' identifies items by GUID, 'link' by link (the feed repeated GUIDs).
-- feed_ttl: the feed's <ttl> in seconds, kept so a 304 still honours it.
-- body_hash: hash of the last body whose every item was stored; a byte-for-byte
-- identical body is not parsed again (x'' when none).
CREATE TABLE sources (
	id               INTEGER PRIMARY KEY,
	name             TEXT    NOT NULL UNIQUE,
	url              TEXT    NOT NULL,
	schedule         TEXT    NOT NULL DEFAULT '',
	categories       TEXT    NOT NULL DEFAULT '',
	rules            TEXT    NOT NULL DEFAULT '',
	enabled          INTEGER NOT NULL DEFAULT 1,
	allow_private    INTEGER NOT NULL DEFAULT 0,
	origin           TEXT    NOT NULL DEFAULT '',
	created          INTEGER NOT NULL,

	last_attempt     INTEGER NOT NULL DEFAULT 0,
	last_success     INTEGER NOT NULL DEFAULT 0,
	next_run         INTEGER NOT NULL DEFAULT 0,
	last_error       TEXT    NOT NULL DEFAULT '',
	failures         INTEGER NOT NULL DEFAULT 0,
	etag             TEXT    NOT NULL DEFAULT '',
	last_modified    TEXT    NOT NULL DEFAULT '',
	last_new         INTEGER NOT NULL DEFAULT 0,
	last_updated     INTEGER NOT NULL DEFAULT 0,
	disabled_reason  TEXT    NOT NULL DEFAULT '',
	note             TEXT    NOT NULL DEFAULT '',
	url_changed_from TEXT    NOT NULL DEFAULT '',
	id_mode          TEXT    NOT NULL DEFAULT '',
	feed_ttl         INTEGER NOT NULL DEFAULT 0,
	body_hash        BLOB    NOT NULL DEFAULT x''
) STRICT;

-- One row per upstream item a source has delivered, keyed by the source's
-- own identity for it (item_key: "guid:…", "link:…" or "hash:…").
-- raw_hash is a hash of the item as parsed, before any cleaning: an equal
-- hash means nothing to do. article_id is the article the item became or
-- was merged into (NULL once that article is deleted, so it is not brought
-- back). published is the time ingest gave it (for undated items
-- the neighbours of later items are placed by it); raw_date is the upstream's
-- own date string.
CREATE TABLE source_items (
	source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	item_key   TEXT    NOT NULL,
	raw_hash   BLOB    NOT NULL,
	article_id INTEGER REFERENCES articles (id) ON DELETE SET NULL,
	published  INTEGER NOT NULL,
	raw_date   TEXT    NOT NULL DEFAULT '',
	first_seen INTEGER NOT NULL,
	PRIMARY KEY (source_id, item_key)
) WITHOUT ROWID, STRICT;

-- Deleting an article looks its items up here.
CREATE INDEX source_items_article ON source_items (article_id);

-- Cross-source dedupe: opaque keys (hashes of a canonical link, or of the
-- folded title and text) of ingested articles. The first article to claim a
-- key keeps it.
CREATE TABLE article_keys (
	key        BLOB    PRIMARY KEY,
	article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE
) WITHOUT ROWID, STRICT;

CREATE INDEX article_keys_article ON article_keys (article_id);
