-- 0001: categories, articles (list columns apart from bodies), memberships and
-- the change counter the server polls to invalidate its rendered feeds.
-- Times are unix seconds (UTC). STRICT tables refuse a time.Time bound by mistake.

-- Named counters. 'version' is the global change version: it grows by one in
-- every transaction that changes an article or a category.
CREATE TABLE meta (
	key   TEXT    PRIMARY KEY,
	value INTEGER NOT NULL
) WITHOUT ROWID, STRICT;
INSERT INTO meta (key, value) VALUES ('version', 0);

-- version is the global version of this category's last change (so it only
-- grows and never repeats, even across categories).
CREATE TABLE categories (
	id          INTEGER PRIMARY KEY,
	slug        TEXT    NOT NULL UNIQUE,
	title       TEXT    NOT NULL,
	description TEXT    NOT NULL DEFAULT '',
	version     INTEGER NOT NULL DEFAULT 0,
	changed_at  INTEGER NOT NULL
) STRICT;

-- List columns only; the body lives in article_bodies so index walks and list
-- pages stay small. authors/related/sources are JSON arrays ('' when empty).
-- categories repeats the memberships as ordered slugs joined by U+001F (first
-- is primary) so a feed read needs no per-row subquery; article_categories
-- is the index, written in the same transaction.
CREATE TABLE articles (
	id           INTEGER PRIMARY KEY,
	guid         TEXT    NOT NULL UNIQUE,
	title        TEXT    NOT NULL,
	summary      TEXT    NOT NULL DEFAULT '',
	url          TEXT    NOT NULL DEFAULT '',
	language     TEXT    NOT NULL DEFAULT '',
	published    INTEGER NOT NULL,
	updated      INTEGER NOT NULL,
	created      INTEGER NOT NULL,
	content_hash BLOB    NOT NULL,
	image_url    TEXT    NOT NULL DEFAULT '',
	image_type   TEXT    NOT NULL DEFAULT '',
	image_length INTEGER NOT NULL DEFAULT 0,
	authors      TEXT    NOT NULL DEFAULT '',
	related      TEXT    NOT NULL DEFAULT '',
	sources      TEXT    NOT NULL DEFAULT '',
	categories   TEXT    NOT NULL
) STRICT;

-- The "all" feed: newest first, ties by id, read straight off the index.
CREATE INDEX articles_latest ON articles (published DESC, id DESC);

CREATE TABLE article_bodies (
	article_id   INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	content_html TEXT    NOT NULL
) STRICT;

-- published is copied from the article so "latest N of a category" is one
-- walk of article_categories_latest.
CREATE TABLE article_categories (
	article_id  INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
	category_id INTEGER NOT NULL REFERENCES categories (id),
	published   INTEGER NOT NULL,
	PRIMARY KEY (article_id, category_id)
) WITHOUT ROWID, STRICT;

CREATE INDEX article_categories_latest
	ON article_categories (category_id, published DESC, article_id DESC);
