package demo

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteArticlesCopiesEveryFile(t *testing.T) {
	want, err := filepath.Glob(filepath.Join("articles", "*"))
	if err != nil || len(want) == 0 {
		t.Fatalf("articles/: %v %v", want, err)
	}
	dir := t.TempDir()
	if err := WriteArticles(dir); err != nil {
		t.Fatal(err)
	}
	for _, p := range want {
		orig, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, filepath.Base(p)))
		if err != nil || string(got) != string(orig) {
			t.Errorf("%s: copy differs or is missing: %v", p, err)
		}
	}
}
