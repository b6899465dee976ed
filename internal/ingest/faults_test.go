package ingest_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

// syncBuffer is a log destination several goroutines write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A pass whose items cannot be saved (a full disk: a real tmpfs, which
// needs root) is logged at warn or error with the source's name, whether
// or not recording the failure on the source works.
func TestFailedSaveIsLoggedWithTheSource(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("a real full disk needs a tmpfs mount, which needs root")
	}
	ctx := context.Background()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount: %v: %s", err, out)
		}
	})
	st, err := store.Open(ctx, filepath.Join(dir, "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	logs := &syncBuffer{}
	in := ingest.New(st, ingest.Options{Client: fetch.New(fetch.Options{Timeout: 10 * time.Second}),
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	up := newUpstream(t)
	up.set("/feed.xml", route{body: genFeed("first", 40, false, 4<<10)})
	if _, err := st.UpsertSource(ctx, newsroom.Source{Name: "wire-full", URL: up.URL("/feed.xml"), Schedule: "@every 10m",
		Categories: []string{"world"}, Enabled: true, AllowPrivate: true}); err != nil {
		t.Fatal(err)
	}
	// A first pass grows the WAL; after a checkpoint the next writer reuses
	// its space, so on the full disk the small write that records the
	// failure on the source fits while the items do not: the case no log
	// line named.
	if res := in.RunOne(ctx, "wire-full"); res.Err != nil || res.New == 0 {
		t.Fatalf("first pass: %d new, %v", res.New, res.Err)
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "n.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`PRAGMA wal_checkpoint(RESTART)`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	up.set("/feed.xml", route{body: genFeed("later", 60, false, 16<<10)})
	filler, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	for err == nil {
		_, err = filler.Write(make([]byte, 4096))
	}
	filler.Close()
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatal(err)
	}

	res := in.RunOne(ctx, "wire-full")
	if res.Err == nil || res.New != 0 {
		t.Fatalf("pass on a full disk: %d new, error %v", res.New, res.Err)
	}
	t.Logf("pass on a full disk: %v", res.Err)
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var rec struct{ Level, Msg, Source, Error string }
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Source == "wire-full" &&
			(rec.Level == "ERROR" || rec.Level == "WARN") && strings.Contains(rec.Error, "full") {
			return
		}
	}
	t.Errorf("no warn or error line names the source and the full disk; log:\n%s", logs.String())
}
