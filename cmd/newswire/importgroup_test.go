package main

import (
	"context"
	"errors"
	"testing"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

// refusingSaver refuses every save.
type refusingSaver struct{}

func (refusingSaver) CategorySlugs(context.Context) (map[string]bool, error) {
	return map[string]bool{}, nil
}

func (refusingSaver) SaveCleaned(context.Context, []newsroom.Cleaned) ([]newsroom.SaveResult, error) {
	return nil, errors.New("refused")
}

// TestFailedFileAddsNoCategory: a file that fails to save, alone or in a
// group, leaves the categories that exist as they were: its new ones count
// neither against the bound nor as existing for the files after it.
func TestFailedFileAddsNoCategory(t *testing.T) {
	for _, n := range []int{1, 3} {
		var sum importSummary
		g := importGroup{st: refusingSaver{}, have: map[string]bool{"old": true}, sum: &sum}
		for range n {
			a := &feeds.Article{GUID: "g", Categories: []string{"old", "new"}}
			g.add("f.json", []newsroom.Cleaned{{Article: a}}, []*feeds.Article{a})
		}
		if err := g.save(context.Background()); err == nil {
			t.Fatalf("%d files: the refusal was not reported", n)
		}
		if len(g.have) != 1 || !g.have["old"] {
			t.Errorf("%d files failed: categories that exist %v, want only old", n, g.have)
		}
	}
}
