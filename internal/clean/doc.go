// Package clean turns article bodies into what subscribers should receive.
//
// A Cleaner (New, then Cleaner.Article) is the one cleaning step used by
// `newswire import`, the admin API and upstream ingestion. On an HTML body
// or on plain-text paragraphs (Cleaner.Paragraphs) it cuts what is not the
// story: trailing blocks opened by a marker heading (related topics, FAQ,
// additional information, share, follow us), search-engine filler, share
// and newsletter text, "Read more:" lines, generic Q/A pairs and empty
// paragraphs. Related titles become the article's related entries. It
// also sets the language of an article that declares none, marks a
// right-to-left body with dir="rtl", drops stray bidi controls and writes
// a missing summary. Report says what was cut and why.
//
// Decisions go by position (only a trailing block is cut as a block), by
// shape (headings, list items, short lines, containers) and by content
// (markers matched in arabic.Fold form, Q/A answers compared with the
// story's own terms), so a "related" box in the middle of a story, a real
// interview or a FAQ about the story stays.
//
// The package also sanitises HTML (SanitizeHTML), extracts text from it
// (HTMLToText) and writes summaries (Summary).
//
// Everything here is pure: no I/O, no clock, no project package but the
// public feeds model and internal/arabic, so its results are reproducible
// in tests.
package clean
