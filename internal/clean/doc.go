// Package clean turns article bodies into what subscribers should receive:
// it cuts the trailing search-engine blocks newsroom copy often carries
// (an "additional information" heading with filler, a "related topics"
// list, a generic FAQ), sanitises HTML, extracts text from HTML and writes
// plain-text summaries.
//
// Everything here is pure: no I/O, no clocks, no project packages, so the
// importer, the admin API and upstream ingestion can share it and its
// results are reproducible in tests.
package clean
