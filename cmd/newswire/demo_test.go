package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// buildBinary builds the newswire binary into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := filepath.Join(t.TempDir(), "newswire")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// The demo's sample articles are in the binary: `newswire serve --demo`
// run from a folder that has no testdata/ serves them.
func TestDemoServesBuiltInArticlesFromAnyFolder(t *testing.T) {
	bin := buildBinary(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve", "--demo", "--listen", "127.0.0.1:0")
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "NEWSWIRE_DB=", "NEWSWIRE_CONFIG=", "NEWSWIRE_LISTEN=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()

	// Read the log until the listening line; keep draining after it.
	listening := regexp.MustCompile(`msg=listening .*\baddr=(\S+)`)
	addr := make(chan string, 1)
	var logged strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			logged.WriteString(sc.Text() + "\n")
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		close(addr)
	}()
	var a string
	select {
	case a = <-addr:
	case <-time.After(2 * time.Minute): // generous: the demo import takes a second
	}
	if a == "" {
		cmd.Process.Kill()
		<-addr // the log is complete
		t.Fatalf("serve --demo did not listen:\n%s", logged.String())
	}
	base := "http://" + a
	resp, err := http.Get(base + "/feeds/economy.rss")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "دعم الخبز") {
		t.Fatalf("economy feed: %d, has the bread-subsidy sample: %v\n%s", resp.StatusCode, strings.Contains(string(body), "دعم الخبز"), body)
	}
	// The site is dated by its articles, not by the Unix epoch.
	resp, err = http.Get(base + "/feeds/all.atom")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	lm, err := http.ParseTime(resp.Header.Get("Last-Modified"))
	if err != nil || lm.Year() < 2000 {
		t.Errorf("all.atom Last-Modified %q: %v", resp.Header.Get("Last-Modified"), err)
	}
}
