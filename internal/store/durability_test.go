package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/store"
)

const helperEnv = "NEWSWIRE_STORE_HELPER_DB"

// TestHelperProcess is the child of TestAckedWritesSurviveKill: it saves
// articles forever, printing "acked GUID" after each commit returns.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv(helperEnv)
	if path == "" {
		t.Skip("helper process for TestAckedWritesSurviveKill")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 0; i < 100_000; i++ { // bounded even if nobody kills us
		var as []*feeds.Article
		for j := range 1 + i%4 { // single saves and small batches
			as = append(as, bigArticle(i*10+j, "politics"))
		}
		if _, err := st.SaveArticles(ctx, as); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		for _, a := range as {
			fmt.Printf("acked %s\n", a.GUID) // unbuffered: one write(2) per line
		}
	}
	os.Exit(0)
}

func TestAckedWritesSurviveKill(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.db")
	// Only a bound on a runaway child (it is killed at its killAfter-th ack,
	// or when the test returns): generous, as the child does real work.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}

	const killAfter = 40
	var acked []string
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		guid, ok := strings.CutPrefix(sc.Text(), "acked ")
		if !ok {
			continue // the test framework's own output
		}
		acked = append(acked, guid)
		if len(acked) == killAfter {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Lines written before the kill landed are acks too; the scanner read them all.
	waitErr := cmd.Wait()
	if len(acked) < killAfter {
		t.Fatalf("child stopped after %d acks (%v): %s", len(acked), waitErr, stderr.String())
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child was not killed: %v", waitErr)
	}

	st, _ := mustOpenAt(t, path, fixedClock)
	for _, guid := range acked {
		a, err := st.Article(ctx, guid)
		if err != nil {
			t.Errorf("acked article lost: %v", err)
			continue
		}
		if len(a.ContentHTML) < 3000 || a.Categories[0] != "politics" {
			t.Errorf("%s came back incomplete", guid)
		}
	}
	var check string
	if err := rawDB(t, path).QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	t.Logf("%d acked articles, all present after kill -9", len(acked))
}
