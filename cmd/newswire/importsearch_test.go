package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
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
