-- 0015: FTS5 merges the index's segments once 8 of a level exist, not 4.
-- Saving many articles (an import of 100,000) spent about 40 % of the
-- writer's time in those merges; with 8 it writes 15 % faster, and searches
-- over 100,000 articles take the same time (BENCHMARKS.md). The setting is
-- stored in the index's own config table, so every writer applies it.
INSERT INTO article_fts(article_fts, rank) VALUES ('automerge', 8);
