// Package content is the article pipeline: every body newswire stores,
// whether fetched upstream (internal/ingest), imported (`newswire
// import`) or posted to the admin API (internal/importer), goes through
// it, in this order:
//
//  1. SanitizeHTML (html.go): bluemonday's own pass, which keeps only safe
//     markup. It has no token-level API, so it parses on its own.
//  2. Read (text.go): the sanitised HTML is tokenized once, by the string
//     tokenizer in tokenize.go (held token for token to x/net/html's), into
//     blocks (htmlbody.go): paragraphs, headings, list items, runs of text,
//     the containers around them. The same pass records the rewrites that
//     make relative URLs absolute (resolve.go).
//  3. From that one pass come the body's text (Body.Text, Text: one line
//     per block, for titles, summaries, language detection, dedupe keys
//     and search), its HTML with URLs resolved (Body.HTML), and its
//     cleaning (Cleaner.Clean).
//  4. Summary and Sentences (summary.go) cut text into summaries.
//
// "Clean" means one thing here: cutting what is not the story. A Cleaner
// (New, then Cleaner.Clean on a Body, or Cleaner.Article on an article)
// cuts, on an HTML body or on plain-text paragraphs (Cleaner.Paragraphs),
// the trailing block that a marker heading opens (related topics,
// FAQ, additional information, share, follow us), search-engine filler,
// share and newsletter text, "Read more:" lines, feed footers ("The post
// <a>…</a> appeared first on <a>…</a>.", a block by itself with its
// links) and empty paragraphs.
// Related titles under a related heading, and "Read more:" lines, become
// the article's related entries. It also sets the language of an article
// that declares none (and puts a declared tag in canonical form), marks a
// right-to-left body (feeds.Direction) with dir="rtl", drops
// stray bidi controls and writes a missing summary. Report says what was
// cut and why, and gives the cleaned body's text.
//
// Decisions go by position (only a trailing block that a marker heading
// opens is cut as a block, and only when it holds what its heading
// announces), by shape (headings, list items, short lines, containers)
// and by content (markers matched in arabic.Fold form, Q/A answers
// compared with the story's own terms and read for facts). Anything that cuts more than the
// one block it recognised needs a marker heading: a "read more" line, a
// share bar or a list of links cuts nothing but itself, and Q/A pairs
// are cut only under a heading such as "FAQ", so an interview, a "related"
// box in the middle of a story or a FAQ about the story stays. When in
// doubt, cleaning keeps: a lost line of story is worse than a kept line
// of filler.
//
// Making text safe for XML is the public feeds package's (feeds.XMLSafe),
// which renders standalone; bidi normalisation is internal/arabic's.
//
// Everything here is pure: no I/O, no clock, no project package but the
// public feeds model and internal/arabic, so its results are reproducible
// in tests.
package content
