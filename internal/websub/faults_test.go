package websub_test

import (
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A subscription request that cannot be stored because the database cannot
// be written is the hub's trouble, not the subscriber's, and a passing one:
// 503 with Retry-After and the reason, as the admin API answers, not a bare
// 500 "internal error" the subscriber cannot act on.
func TestSubscribeWhileTheDiskIsFullIsRetryLater(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("a real full disk needs a tmpfs mount, which needs root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { // registered first: runs after the store closes
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount: %v: %s", err, out)
		}
	})
	e := newEnv(t)
	e.hub = e.newHub(openStore(t, filepath.Join(dir, "n.db")))
	fill(t, dir)

	for _, mode := range []string{"subscribe", "unsubscribe"} {
		w := e.request(url.Values{"hub.mode": {mode}, "hub.topic": {topicPolitics}, "hub.callback": {"http://127.0.0.1:1/cb"}})
		if w.Code != http.StatusServiceUnavailable {
			t.Errorf("%s on a full disk: %d %q, want 503", mode, w.Code, w.Body)
		}
		if w.Header().Get("Retry-After") == "" {
			t.Errorf("%s on a full disk: no Retry-After", mode)
		}
		if !strings.Contains(w.Body.String(), "disk full") {
			t.Errorf("%s on a full disk: body %q does not say why", mode, w.Body)
		}
	}
}

// fill writes a file in dir until the disk is full.
func fill(t *testing.T, dir string) {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatal(err)
			}
			return
		}
	}
}
