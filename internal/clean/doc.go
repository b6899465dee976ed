// Package clean turns article bodies into what subscribers should receive.
//
// A Cleaner (New, then Cleaner.Article) is the one cleaning step used by
// `newswire import`, the admin API and upstream ingestion. On an HTML body
// or on plain-text paragraphs (Cleaner.Paragraphs) it cuts what is not the
// story: the trailing block that a marker heading opens (related topics,
// FAQ, additional information, share, follow us), search-engine filler,
// share and newsletter text, "Read more:" lines, feed footers ("The post
// <a>…</a> appeared first on <a>…</a>.", a block by itself with its
// links) and empty paragraphs.
// Related titles under a related heading, and "Read more:" lines, become
// the article's related entries. It also sets the language of an article
// that declares none (and puts a declared tag in canonical form), marks a
// right-to-left body (feeds.Direction) with dir="rtl", drops
// stray bidi controls and writes a missing summary. Report says what was
// cut and why.
//
// Decisions go by position (only a trailing block that a marker heading
// opens is cut as a block, and only when it holds what its heading
// announces), by shape (headings, list items, short lines, containers)
// and by content (markers matched in arabic.Fold form, Q/A answers
// compared with the story's own terms). Anything that cuts more than the
// one block it recognised needs a marker heading: a "read more" line, a
// share bar or a list of links cuts nothing but itself, and Q/A pairs
// are cut only under a heading such as "FAQ", so an interview, a "related"
// box in the middle of a story or a FAQ about the story stays. When in
// doubt, cleaning keeps: a lost line of story is worse than a kept line
// of filler.
//
// The package also sanitises HTML (SanitizeHTML), extracts text from it
// (HTMLToText) and writes summaries (Summary).
//
// Everything here is pure: no I/O, no clock, no project package but the
// public feeds model and internal/arabic, so its results are reproducible
// in tests.
package clean
