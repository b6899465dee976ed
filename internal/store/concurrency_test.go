package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/newsroom"
)

// Readers run against the reader pool while the writer saves batches; every
// read must see whole articles (body and categories of the same version) in
// feed order, and counts must never go back.
func TestConcurrentReadersWhileWriting(t *testing.T) {
	forEachBackend(t, func(t *testing.T, db testDB) {
		st := db.open(t)
		ctx := context.Background()
		const batches, perBatch, readers = 20, 10, 4

		var wg sync.WaitGroup
		done := make(chan struct{})
		errs := make(chan error, readers+1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(done)
			for b := range batches {
				as := make([]*feeds.Article, perBatch)
				for i := range as {
					n := b*perBatch + i
					as[i] = article(fmt.Sprintf("c-%03d", n), t0.Add(time.Duration(n)*time.Minute), []string{"politics", "sports"}[n%2])
					as[i].Categories = append(as[i].Categories, "all-news")
				}
				if _, err := st.SaveArticles(ctx, as); err != nil {
					errs <- err
					return
				}
			}
		}()
		for r := range readers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := readLoop(ctx, st, r, done); err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		if n, err := st.CountArticles(ctx); err != nil || n != batches*perBatch {
			t.Errorf("count = %d, %v; want %d", n, err, batches*perBatch)
		}
	})
}

func readLoop(ctx context.Context, st interface {
	LatestArticles(context.Context, string, int) ([]*feeds.Article, error)
	CountArticles(context.Context) (int, error)
	Versions(context.Context) (map[string]int64, error)
}, r int, done <-chan struct{}) error {
	lastCount, lastVersion := 0, int64(0)
	for i := 0; ; i++ {
		select {
		case <-done:
			if i > 0 {
				return nil
			}
		default:
		}
		cat := []string{"", "politics", "all-news"}[(r+i)%3]
		as, err := st.LatestArticles(ctx, cat, 20)
		if err != nil && !(cat != "" && errors.Is(err, newsroom.ErrNotFound)) { // the category may not exist yet
			return err
		}
		for j, a := range as {
			if !strings.Contains(a.ContentHTML, a.GUID) || a.Title != "عنوان الخبر "+a.GUID || len(a.Categories) != 2 {
				return fmt.Errorf("torn article %+v", a)
			}
			if j > 0 && a.Published.After(as[j-1].Published) {
				return fmt.Errorf("%s: out of order at %d", cat, j)
			}
		}
		n, err := st.CountArticles(ctx)
		if err != nil {
			return err
		}
		vs, err := st.Versions(ctx)
		if err != nil {
			return err
		}
		if n < lastCount || vs[""] < lastVersion {
			return fmt.Errorf("went back: count %d -> %d, version %d -> %d", lastCount, n, lastVersion, vs[""])
		}
		lastCount, lastVersion = n, vs[""]
	}
}
