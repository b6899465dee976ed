-- 0005: full-text search over the matching form of articles (Arabic folded:
-- no tashkeel or tatweel, one alef, ى/ي and ة/ه merged, a leading ال
-- dropped; see internal/arabic.FoldToken). The text is folded in Go when an
-- article is saved, so the table holds only the index (contentless); rows are
-- keyed by articles.id and deleted with contentless_delete.
CREATE VIRTUAL TABLE article_fts USING fts5(
	title, body,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 0'
);
-- Set by the store once every article is indexed (see Open).
INSERT INTO meta (key, value) VALUES ('search_indexed', 0);
