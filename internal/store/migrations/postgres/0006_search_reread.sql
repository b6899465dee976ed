-- 0006: the index is rebuilt once from the bodies as content.Text reads them
-- (see the SQLite step 0016): rows stored before were read with a space at
-- every tag.
UPDATE meta SET value = 0 WHERE key = 'search_indexed';
