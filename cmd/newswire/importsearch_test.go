package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/content"
)

// What `newswire import` saved is found by search as soon as it exits: the
// search index is written in each file's transaction, in batches, for
// files larger than one batch too.
func TestImportedArticlesAreSearchable(t *testing.T) {
	dir := t.TempDir()
	var arts []map[string]any
	for i := range 300 {
		arts = append(arts, map[string]any{
			"guid": fmt.Sprintf("imp-%d", i), "title": fmt.Sprintf("مقال مستورد رقم%d", i),
			"content_html": fmt.Sprintf("<p>«القاهرة» نص%d</p>", i),
			"categories":   []string{"world"}, "published": "2026-11-01T10:00:00Z",
		})
	}
	b, err := json.Marshal(arts)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "batch.json")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "n.db")
	if _, errOut, err := run(t, nil, "import", "--db", db, file); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	st := openStore(t, db)
	for q, want := range map[string]string{"رقم0": "imp-0", "رقم299": "imp-299", "نص150": "imp-150"} {
		got, err := st.Search(context.Background(), q, 10)
		if err != nil || len(got) != 1 || got[0].GUID != "tag:newswire,2026:"+want { // the importer makes GUIDs tag URIs
			t.Errorf("search %q after import: %v, %v; want %s", q, guidsOf(got), err, want)
		}
	}
	if got, err := st.Search(context.Background(), "قاهره", 500); err != nil || len(got) != 300 {
		t.Errorf("a word of every article finds %d of 300: %v", len(got), err)
	}
}

// Files are read ahead of their saves, and still imported in order, each
// whole or not at all: a bad file among many is reported by name and
// line after the files before it and before the files after it, none of
// its articles is saved, and every other file's are.
func TestImportReadAheadKeepsFilesApart(t *testing.T) {
	dir := t.TempDir()
	for f := range 8 {
		var arts []map[string]any
		for i := range 3 {
			a := map[string]any{
				"guid": fmt.Sprintf("f%d-%d", f, i), "title": fmt.Sprintf("خبر ملف%d", f),
				"content_html": fmt.Sprintf("<p>نص الملف كلمة%d</p>", f),
				"categories":   []string{"world"}, "published": "2026-11-01T10:00:00Z",
			}
			if (f == 2 || f == 5) && i == 2 {
				a["published"] = "yesterday" // the file's last article: the others were read
			}
			arts = append(arts, a)
		}
		b, err := json.MarshalIndent(arts, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d.json", f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(t.TempDir(), "n.db")
	out, errOut, err := run(t, nil, "import", "--db", db, dir)
	if exitCode(err) != 1 {
		t.Fatalf("exit %d, want 1: %v\n%s", exitCode(err), err, errOut)
	}
	if want := "8 files read, 2 failed; 18 articles: 18 new, 0 updated, 0 unchanged"; strings.TrimSpace(out) != want {
		t.Errorf("summary %q, want %q", out, want)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], filepath.Join(dir, "02.json")+":") ||
		!strings.Contains(lines[1], filepath.Join(dir, "05.json")+":") || !strings.Contains(errOut, "article 3") {
		t.Errorf("errors %q, want 02.json then 05.json, with their lines", errOut)
	}
	st := openStore(t, db)
	for f := range 8 {
		got, err := st.Search(context.Background(), fmt.Sprintf("كلمة%d", f), 10)
		if want := map[bool]int{true: 0, false: 3}[f == 2 || f == 5]; err != nil || len(got) != want {
			t.Errorf("file %d: %d articles saved (%v), want %d", f, len(got), err, want)
		}
	}
}

// Files are saved together in one transaction; when the database refuses
// one file's article, that file fails alone, named, and the files saved
// with it are all saved.
func TestImportGroupFailureLosesNoOtherFile(t *testing.T) {
	dir := t.TempDir()
	for f := range 5 {
		var arts []map[string]any
		for i := range 3 {
			arts = append(arts, map[string]any{
				"guid": fmt.Sprintf("g%d-%d", f, i), "title": fmt.Sprintf("خبر ملف%d", f),
				"content_html": fmt.Sprintf("<p>نص الملف كلمة%d</p>", f),
				"categories":   []string{fmt.Sprintf("cat-%d", f)}, "published": "2026-11-01T10:00:00Z",
			})
		}
		b, err := json.Marshal(arts)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d.json", f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(t.TempDir(), "n.db")
	openStore(t, db).Close() // the schema, for the trigger
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = raw.Exec(`CREATE TRIGGER boom BEFORE INSERT ON articles WHEN NEW.guid = 'tag:newswire,2026:g2-1'
		BEGIN SELECT RAISE(ABORT, 'boom'); END`)
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, err := run(t, nil, "import", "--db", db, dir)
	if exitCode(err) != 1 {
		t.Fatalf("exit %d, want 1: %v\n%s", exitCode(err), err, errOut)
	}
	if want := "5 files read, 1 failed; 12 articles: 12 new, 0 updated, 0 unchanged"; strings.TrimSpace(out) != want {
		t.Errorf("summary %q, want %q", out, want)
	}
	if lines := strings.Split(strings.TrimSpace(errOut), "\n"); len(lines) != 1 ||
		!strings.Contains(lines[0], filepath.Join(dir, "02.json")) || !strings.Contains(lines[0], "boom") {
		t.Errorf("errors %q, want one naming 02.json", errOut)
	}
	st := openStore(t, db)
	for f := range 5 {
		got, err := st.Search(context.Background(), fmt.Sprintf("كلمة%d", f), 10)
		if want := map[bool]int{true: 0, false: 3}[f == 2]; err != nil || len(got) != want {
			t.Errorf("file %d: %d articles saved (%v), want %d", f, len(got), err, want)
		}
	}
	slugs, err := st.CategorySlugs(context.Background())
	if err != nil || slugs["cat-2"] || !slugs["cat-3"] {
		t.Errorf("categories %v (%v): want those of the saved files only", slugs, err)
	}
}

// An import whose context ends while files are being read ahead stops
// with the context's error: the reading goroutine, which may stop without
// handing over the file it read, does not leave it waiting.
func TestImportStopsWhenItsContextEnds(t *testing.T) {
	dir := t.TempDir()
	for f := range 6 {
		b, err := json.Marshal([]map[string]any{{
			"guid": fmt.Sprintf("c%d", f), "title": "خبر", "content_html": "<p>نص</p>",
			"categories": []string{"world"}, "published": "2026-11-01T10:00:00Z",
		}})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d.json", f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for range 20 { // the reader may see the end before or after handing a file over
		st := openStore(t, filepath.Join(t.TempDir(), "n.db"))
		ctx, cancel := context.WithCancel(context.Background())
		opts := importOptions(nil, nil)
		read := 0
		opts.Explain = func(string, string, content.Report) { // on the reading goroutine
			if read++; read == 2 {
				cancel()
			}
		}
		_, err := importPaths(ctx, st, []string{dir}, opts, &importReport{w: io.Discard})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("import: %v, want context.Canceled", err)
		}
	}
}
