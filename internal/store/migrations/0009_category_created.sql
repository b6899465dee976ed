-- 0009: when each category was created (unix seconds). An empty feed is
-- dated by it instead of 1970, and it is stored, so every instance and
-- every restart renders the same bytes and ETag.
-- Existing categories get the earliest time one of their articles was
-- stored, else the time the category last changed (for one that never had
-- an article, when it was declared or retitled): both are stored times, at
-- or after the moment it came into being, so the value stays stable.
ALTER TABLE categories ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
UPDATE categories SET created_at = min(changed_at, coalesce(
	(SELECT min(a.created) FROM article_categories ac JOIN articles a ON a.id = ac.article_id
	 WHERE ac.category_id = categories.id), changed_at));
