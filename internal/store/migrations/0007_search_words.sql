-- 0007: search words are now split at punctuation before folding (so
-- «القاهرة» is indexed as قاهره, like القاهرة): rebuild the index on open.
UPDATE meta SET value = 0 WHERE key = 'search_indexed';
