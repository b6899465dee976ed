-- 0002 (SQLite's 0010): when the database was created (unix seconds), for
-- the feeds that span every category while none exists; see SQLite's 0010.
INSERT INTO meta (key, value)
	SELECT 'created', coalesce((SELECT min(created_at) FROM categories WHERE created_at > 0),
		extract(epoch FROM now())::bigint);
