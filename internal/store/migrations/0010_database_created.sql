-- 0010: when the database was created (unix seconds). The feeds that span
-- every category (all, search) are dated by their first category when
-- there is none and no article; before any category exists they are dated
-- by this, stored, so every instance and restart renders the same bytes
-- and ETag instead of 1970. An existing database gets its first category's
-- creation, else now (then, as for a new one, before any category).
INSERT INTO meta (key, value)
	SELECT 'created', coalesce((SELECT min(created_at) FROM categories WHERE created_at > 0), unixepoch());
