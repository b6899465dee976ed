// Command seed writes N realistic news articles, Arabic and English, of
// about 3 KB each, as JSON files that `newswire import` reads: arrays of
// -per-file articles with the fields guid, title, summary, content_html, url,
// language, published, updated, categories and authors. The output depends
// only on the flags: the same flags give the same bytes, and article i is
// the same whatever N, so a larger seed extends a smaller one.
//
// Usage:
//
//	seed -out DIR [-n 5000] [-per-file 100] [-categories politics,world,economy,sports]
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("seed", flag.ContinueOnError)
	fset.SetOutput(stderr)
	var o Options
	out := fset.String("out", "", "directory to write the JSON files into (created; required)")
	fset.IntVar(&o.N, "n", 5000, "number of articles")
	fset.IntVar(&o.PerFile, "per-file", 100, "articles per JSON file (an array)")
	cats := fset.String("categories", strings.Join(DefaultCategories, ","), "category slugs, comma-separated")
	fset.Uint64Var(&o.Seed, "seed", 1, "random seed")
	start := fset.String("start", "2025-01-01T00:00:00Z", "publication time of the first article (RFC 3339)")
	fset.DurationVar(&o.Step, "step", 3*time.Minute, "time between consecutive articles")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *out == "" || fset.NArg() > 0 {
		fset.Usage()
		return fmt.Errorf("usage: seed -out DIR [flags]: %w", flag.ErrHelp)
	}
	t, err := time.Parse(time.RFC3339, *start)
	if err != nil {
		return fmt.Errorf("-start %q: %w", *start, err)
	}
	o.Start = t
	for _, c := range strings.Split(*cats, ",") {
		if c = strings.TrimSpace(c); c != "" {
			o.Categories = append(o.Categories, c)
		}
	}
	files, err := WriteFiles(*out, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d articles in %d files to %s\n", o.N, len(files), *out)
	return nil
}
