// Package demo carries the sample articles of `newswire serve --demo` in
// the binary, so the demo works from any folder. Tests that need real
// newsroom files read them from articles/ beside this file.
package demo

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

//go:embed articles
var files embed.FS

// Articles is the folder of sample articles: text, Markdown and JSON files.
func Articles() fs.FS {
	sub, err := fs.Sub(files, "articles")
	if err != nil {
		panic(err) // the folder is embedded above: cannot happen
	}
	return sub
}

// WriteArticles copies the sample articles into dir, which must exist, so
// the importer reads them like any newsroom's files. The copies get the
// current time as their modification time, which dates the articles that
// give no date of their own.
func WriteArticles(dir string) error {
	return fs.WalkDir(Articles(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(path))
		if d.IsDir() {
			if path == "." {
				return nil
			}
			return os.MkdirAll(target, 0o755)
		}
		data, err := fs.ReadFile(Articles(), path)
		if err != nil {
			return fmt.Errorf("read sample %s: %w", path, err)
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			return fmt.Errorf("write sample %s: %w", path, err)
		}
		return nil
	})
}
