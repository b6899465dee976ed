package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/disktest"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

func smallDisk(t *testing.T, size string) string { return disktest.Small(t, size) }

func fillDisk(t *testing.T, dir string) string { return disktest.Fill(t, dir) }

func bigArticles(n int) []*feeds.Article {
	as := make([]*feeds.Article, n)
	for i := range as {
		as[i] = article(fmt.Sprintf("big-%d", i), t0, "world")
		as[i].ContentHTML = arabicBody(uint64(i), 16<<10)
	}
	return as
}

// On a full disk a write fails with ErrStorage (FaultFull) and writes
// nothing, the store says writes fail, reads go on, and once space is
// freed the probe finds writes work again.
func TestFullDiskIsAStorageFaultAndTheProbeRecovers(t *testing.T) {
	ctx := context.Background()
	// Room for the schema (each migration adds to it) and for the batch
	// saved once space is freed; fillDisk fills whatever is left.
	dir := smallDisk(t, "2m")
	st, _ := mustOpenAt(t, filepath.Join(dir, "n.db"), fixedClock)
	if _, err := st.SaveArticle(ctx, article("kept", t0, "world")); err != nil {
		t.Fatal(err)
	}
	filler := fillDisk(t, dir)

	_, err := st.SaveArticles(ctx, bigArticles(30))
	var se *newsroom.StorageError
	if !errors.Is(err, newsroom.ErrStorage) || !errors.As(err, &se) || se.Fault != newsroom.FaultFull {
		t.Fatalf("save on a full disk: %v, want a newsroom.StorageError of FaultFull", err)
	}
	h := st.WriteHealth()
	if h.Writable || h.Failures == 0 || h.Fault == nil || h.Fault.Fault != newsroom.FaultFull {
		t.Errorf("write health on a full disk: %+v", h)
	}
	as, err := st.LatestArticles(ctx, "world", 50)
	if err != nil || len(as) != 1 {
		t.Fatalf("reads on a full disk: %d articles, %v; want the one stored", len(as), err)
	}
	if err := st.ProbeWrites(ctx); err == nil && st.WriteHealth().Writable {
		t.Error("the first probe after a failed write already says writes work")
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	// The probe after a failure waits for one without failures in between.
	for i := 0; i < 3 && !st.WriteHealth().Writable; i++ {
		if err := st.ProbeWrites(ctx); err != nil {
			t.Fatalf("probe with free space: %v", err)
		}
	}
	if h := st.WriteHealth(); !h.Writable || h.Fault != nil {
		t.Fatalf("write health after space was freed: %+v", h)
	}
	if _, err := st.SaveArticles(ctx, bigArticles(30)); err != nil {
		t.Fatalf("save after space was freed: %v", err)
	}
}

// A database that cannot be written but has migrations pending cannot be
// served: Open says so, instead of failing inside a migration.
func TestOpenWithPendingMigrationsOnAFullDiskSaysWhy(t *testing.T) {
	ctx := context.Background()
	dir := smallDisk(t, "1m")
	path := filepath.Join(dir, "n.db")
	db := rawDB(t, path)
	fsys := fstest.MapFS{}
	for _, name := range []string{"0001_init.sql", "0002_sources.sql"} {
		b, err := os.ReadFile(filepath.Join("migrations", name))
		if err != nil {
			t.Fatal(err)
		}
		fsys["migrations/"+name] = &fstest.MapFile{Data: b}
	}
	if err := store.Migrate(ctx, db, fsys); err != nil {
		t.Fatal(err)
	}
	db.Close()
	fillDisk(t, dir)

	st, err := store.Open(ctx, path)
	if err == nil {
		st.Close()
		t.Fatal("opened a database with pending migrations on a full disk")
	}
	if !errors.Is(err, newsroom.ErrStorage) || !strings.Contains(err.Error(), "pending migrations") {
		t.Errorf("open: %v; want a storage fault that names the pending migrations", err)
	}
}
