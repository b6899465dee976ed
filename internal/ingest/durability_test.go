package ingest_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/fetch"
	"github.com/newswire/newswire/internal/ingest"
	"github.com/newswire/newswire/internal/newsroom"
	"github.com/newswire/newswire/internal/store"
)

const (
	helperDBEnv  = "NEWSWIRE_INGEST_HELPER_DB"
	helperURLEnv = "NEWSWIRE_INGEST_HELPER_URL"
	itemsPerPoll = 5 // the growing feed adds this many items per request
)

// growingFeed answers its n-th request with items 0 … n*itemsPerPoll-1,
// newest (highest) first.
func growingFeed(n int) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>growing</title><link>https://grow.example/</link><description>d</description>`)
	for k := n*itemsPerPoll - 1; k >= 0; k-- {
		fmt.Fprintf(&b, `<item><title>بند %d</title><link>https://grow.example/%d</link><guid>grow-%d</guid><pubDate>%s</pubDate><description>نص البند %d.</description></item>`,
			k, k, k, time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(k)*time.Minute).Format(time.RFC1123Z), k)
	}
	b.WriteString(`</channel></rss>`)
	return []byte(b.String())
}

// TestIngestHelperProcess is the child of TestKilledProcessLosesNoAckedItem:
// it runs passes forever, printing "acked N" after the N-th pass returns.
func TestIngestHelperProcess(t *testing.T) {
	path, url := os.Getenv(helperDBEnv), os.Getenv(helperURLEnv)
	if path == "" {
		t.Skip("helper process for TestKilledProcessLosesNoAckedItem")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if _, err := st.UpsertSource(ctx, newsroom.Source{Name: "grow", URL: url, Categories: []string{"world"},
		Enabled: true, AllowPrivate: true}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	in := ingest.New(st, ingest.Options{Client: fetch.New(fetch.Options{}), MaxNewPerPass: 1000})
	for n := 1; n <= 10_000; n++ { // bounded even if nobody kills us
		res := in.RunOne(ctx, "grow")
		if res.Err != nil || res.New != itemsPerPoll {
			fmt.Fprintf(os.Stderr, "pass %d: %+v\n", n, res)
			os.Exit(2)
		}
		fmt.Printf("acked %d\n", n) // unbuffered: one write(2) per line
	}
	os.Exit(0)
}

// A process killed with SIGKILL in the middle of ingesting loses no item a
// pass reported as stored.
func TestKilledProcessLosesNoAckedItem(t *testing.T) {
	var polls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(growingFeed(int(polls.Add(1))))
	}))
	defer srv.Close()

	path := filepath.Join(t.TempDir(), "n.db")
	// Only a bound on a runaway child (it is killed at its killAfter-th ack,
	// or when the test returns): generous, as the child does real work.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestIngestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperDBEnv+"="+path, helperURLEnv+"="+srv.URL+"/feed")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const killAfter = 25
	acked := 0
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		s, ok := strings.CutPrefix(sc.Text(), "acked ")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n != acked+1 {
			t.Fatalf("ack %q after %d", s, acked)
		}
		acked = n
		if acked == killAfter {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}
	}
	waitErr := cmd.Wait()
	if acked < killAfter {
		t.Fatalf("child stopped after %d passes (%v): %s", acked, waitErr, stderr.String())
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed: %v", waitErr)
	}

	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	as, err := st.LatestArticles(context.Background(), "world", 500)
	if err != nil {
		t.Fatal(err)
	}
	have := make(map[string]bool, len(as))
	for _, a := range as {
		have[a.URL] = true
	}
	for k := range acked * itemsPerPoll {
		if !have[fmt.Sprintf("https://grow.example/%d", k)] {
			t.Errorf("item %d of an acknowledged pass is lost", k)
		}
	}
	src, err := st.SourceByName(context.Background(), "grow")
	if err != nil || src.LastSuccess.IsZero() {
		t.Errorf("source state lost: %+v, %v", src, err)
	}
	t.Logf("%d acknowledged passes (%d items), all present after kill -9", acked, acked*itemsPerPoll)
}
