-- 0014: the index holds only arabic.FoldWords output (words of letters,
-- digits and marks, already case- and script-folded in Go, joined by single
-- ASCII spaces), and queries are folded the same way. FTS5's ascii tokenizer
-- splits that text at the spaces just as unicode61 did, without looking up
-- the Unicode category of every character: most of the index's cost per
-- article saved. The table is rebuilt empty and filled on open.
DROP TABLE article_fts;
CREATE VIRTUAL TABLE article_fts USING fts5(
	title, body,
	content = '',
	contentless_delete = 1,
	tokenize = 'ascii'
);
UPDATE meta SET value = 0 WHERE key = 'search_indexed';
