-- 0008: a category created only because an article named it is listed (in
-- OPML, the index, as a feed) from the moment one of its articles is public,
-- so an embargoed story's new category ("acme-globex-merger") tells nothing
-- before the embargo ends. Once listed, it stays so. Declared categories
-- (config, UpsertCategory) are listed always; so are all existing ones.
ALTER TABLE categories ADD COLUMN listed INTEGER NOT NULL DEFAULT 1;
