package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Storage-fault tests run the real binary in its own process: a read-only
// database file is a real fault only for a user other than root, so under
// root (as CI runs) the process runs as nobody.

const (
	nobodyID   = 65534
	faultToken = "fault-test-token"
	// faultBound bounds each wait for an event; no loaded machine takes it.
	faultBound = 60 * time.Second
)

// buildNewswire builds this command into a directory any user may read.
func buildNewswire(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := openDir(t)
	bin := filepath.Join(dir, "newswire")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// openDir is a temporary directory the process under test may use: under
// root, owned by nobody.
func openDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	// t.TempDir's parent is 0700.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if os.Geteuid() == 0 {
		if err := os.Chown(dir, nobodyID, nobodyID); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// handOver gives the files to the user the process runs as.
func handOver(t *testing.T, paths ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return
	}
	for _, p := range paths {
		if err := os.Chown(p, nobodyID, nobodyID); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}

type serveProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	logs *lockedBuffer
	base string
	done chan error
}

// startServe starts `newswire serve` with extra arguments and waits until
// it listens, or exits (then base is "" and exited reports the error).
func startServe(t *testing.T, bin, config string, extra ...string) *serveProc {
	t.Helper()
	p := &serveProc{t: t, logs: &lockedBuffer{}, done: make(chan error, 1)}
	args := []string{"serve", "--config", config, "--listen", "127.0.0.1:0", "--log-format", "json", "--log-level", "debug"}
	p.cmd = exec.Command(bin, append(args, extra...)...)
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Dir(config)}
	if os.Geteuid() == 0 {
		p.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobodyID, Gid: nobodyID}}
	}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			_, _ = p.logs.Write(append(append([]byte{}, line...), '\n'))
			var rec struct{ Msg, Addr string }
			if json.Unmarshal(line, &rec) == nil && rec.Msg == "listening" {
				addr <- rec.Addr
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("serve log:\n%s", p.log())
		}
	})
	select {
	case a := <-addr:
		p.base = "http://" + a
	case err := <-p.done:
		p.done <- err
	case <-time.After(faultBound):
		t.Fatalf("serve did not start:\n%s", p.log())
	}
	return p
}

func (p *serveProc) log() string {
	p.logs.mu.Lock()
	defer p.logs.mu.Unlock()
	return p.logs.b.String()
}

// exited reports whether serve has exited, and how.
func (p *serveProc) exited() (bool, error) {
	select {
	case err := <-p.done:
		p.done <- err
		return true, err
	default:
		return false, nil
	}
}

// stop ends serve as an operator would (SIGTERM) and waits for it.
func (p *serveProc) stop() {
	if done, _ := p.exited(); done {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		p.done <- err
	case <-time.After(faultBound):
		_ = p.cmd.Process.Kill()
		p.t.Errorf("serve did not stop on SIGTERM")
	}
}

// waitFor polls cond until it holds; the bound is for a hung test only.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(faultBound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", faultBound, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func writeFaultConfig(t *testing.T, dir, db string, categories ...string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "database: %q\nadmin:\n  token: %q\nwebsub:\n  disabled: true\nlimits:\n  disabled: true\ncategories:\n", db, faultToken)
	for _, c := range categories {
		fmt.Fprintf(&b, "  - slug: %s\n", c)
	}
	path := filepath.Join(dir, "newswire.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// storedDatabase is a database with the seed article in "world", owned by
// the user serve runs as.
func storedDatabase(t *testing.T, dir string) string {
	t.Helper()
	db := filepath.Join(dir, "n.db")
	if _, errOut, err := run(t, nil, "import", "--db", db, "--category", "world", seedPath); err != nil {
		t.Fatalf("import: %v\n%s", err, errOut)
	}
	handOver(t, db, db+"-wal", db+"-shm")
	return db
}

func postArticle(t *testing.T, base, guid string) (*http.Response, []byte) {
	t.Helper()
	body := fmt.Sprintf(`{"guid": %q, "title": "Fault test", "content_html": "<p>Story.</p>", "categories": ["world"]}`, guid)
	req, err := http.NewRequest(http.MethodPost, base+"/api/articles", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+faultToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func status(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, body := get(t, url)
	return resp.StatusCode, string(body)
}

// A database that cannot be written does not stop serve: it serves what is
// stored, says so on /healthz (still 200), /healthz/writes (503), /status
// and /metrics, answers admin writes 503 with Retry-After, and picks up
// writing, with the start-up writes it skipped, once the fault clears.
func TestServeStartsReadOnlyAndRecovers(t *testing.T) {
	bin := buildNewswire(t)
	dir := openDir(t)
	db := storedDatabase(t, dir)
	config := writeFaultConfig(t, dir, db, "world", "sport")
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}

	p := startServe(t, bin, config)
	if p.base == "" {
		_, err := p.exited()
		t.Fatalf("serve did not start on a read-only database: %v", err)
	}
	// serve listens a moment before its scheduler runs: 503 until then.
	var code int
	var body string
	waitFor(t, "/healthz to answer 200", func() bool {
		code, body = status(t, p.base+"/healthz")
		return code == 200
	})
	if !strings.Contains(body, "degraded") || !strings.Contains(body, "read-only") {
		t.Errorf("/healthz: %d %q, want 200 degraded naming read-only", code, body)
	}
	resp, b := get(t, p.base+"/healthz/writes")
	if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(b), "read-only") {
		t.Errorf("/healthz/writes: %d Retry-After %q %q, want 503 naming read-only", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	if code, body := status(t, p.base+"/feeds/world.rss"); code != 200 || !strings.Contains(body, seedTitle) {
		t.Errorf("stored feed: %d, want 200 with the stored article", code)
	}
	if code, body := status(t, p.base+"/status"); code != 200 || !strings.Contains(body, "cannot be written") {
		t.Errorf("/status: %d, does not say writes fail:\n%s", code, body)
	}
	if _, body := status(t, p.base+"/metrics"); !strings.Contains(body, "newswire_store_writable 0") {
		t.Error("/metrics lacks newswire_store_writable 0")
	}
	resp, b = postArticle(t, p.base, "fault-1")
	var apiErr struct{ Error, Reason string }
	if err := json.Unmarshal(b, &apiErr); err != nil || resp.StatusCode != 503 ||
		resp.Header.Get("Retry-After") == "" || apiErr.Reason != "read_only" {
		t.Errorf("POST /api/articles: %d Retry-After %q %s, want 503 with a reason", resp.StatusCode, resp.Header.Get("Retry-After"), b)
	}
	if code, _ := status(t, p.base+"/feeds/sport.rss"); code != 404 {
		t.Errorf("sport feed before its category could be written: %d", code)
	}
	if !strings.Contains(p.log(), "database writes fail") {
		t.Error("no log line says database writes fail")
	}

	// The operator fixes the file; serve notices by itself.
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "/healthz/writes 200", func() bool { c, _ := status(t, p.base+"/healthz/writes"); return c == 200 })
	if code, body := status(t, p.base+"/healthz"); code != 200 || body != "ok\n" {
		t.Errorf("/healthz after recovery: %d %q", code, body)
	}
	waitFor(t, "the config's category written on recovery", func() bool {
		c, _ := status(t, p.base+"/feeds/sport.rss")
		return c == 200
	})
	if resp, b := postArticle(t, p.base, "fault-2"); resp.StatusCode != 201 {
		t.Errorf("POST /api/articles after recovery: %d %s", resp.StatusCode, b)
	}
	if _, body := status(t, p.base+"/metrics"); !strings.Contains(body, "newswire_store_writable 1") ||
		!strings.Contains(body, "newswire_store_write_failures_total") {
		t.Error("/metrics lacks newswire_store_writable 1 or the failure counter")
	}
}

// A run on a read-only database file (a failed start, on old versions)
// leaves -wal and -shm files with the file's mode; the next start on the
// writable file must write, not fail with a misleading "migrate:" error.
func TestReadOnlyRunLeavesNoUnwritableSideFiles(t *testing.T) {
	bin := buildNewswire(t)
	dir := openDir(t)
	db := storedDatabase(t, dir)
	config := writeFaultConfig(t, dir, db, "world")
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	p := startServe(t, bin, config)
	if p.base != "" {
		// It served the stored feeds; the operator stops it.
		if code, _ := status(t, p.base+"/feeds/world.rss"); code != 200 {
			t.Errorf("stored feed on a read-only file: %d", code)
		}
		p.stop()
		if _, err := p.exited(); err != nil {
			t.Errorf("serve on a read-only file did not shut down cleanly: %v", err)
		}
	}
	for _, side := range []string{db + "-wal", db + "-shm"} {
		if fi, err := os.Stat(side); err == nil {
			t.Logf("left after the read-only run: %s %v", filepath.Base(side), fi.Mode())
		}
	}

	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	p = startServe(t, bin, config)
	if p.base == "" {
		_, err := p.exited()
		t.Fatalf("serve did not start on the writable file: %v", err)
	}
	waitFor(t, "/healthz/writes 200", func() bool { c, _ := status(t, p.base+"/healthz/writes"); return c == 200 })
	if resp, b := postArticle(t, p.base, "after-read-only-run"); resp.StatusCode != 201 {
		t.Errorf("POST /api/articles: %d %s", resp.StatusCode, b)
	}
}

// A WAL database after a clean shutdown has no -wal or -shm file, and SQLite
// needs a -shm even to read it: on a read-only mount, or in a folder the
// user cannot write, it can create none. serve starts all the same, serves
// what is stored, and once the folder is writable again writes, and reads
// what it wrote (reads are no longer immutable).
func TestServeStartsOnAnUnwritableFolderAndRecovers(t *testing.T) {
	bin := buildNewswire(t)
	for _, c := range []struct {
		name         string
		lock, unlock func(t *testing.T, dir, db string)
	}{
		{"read-only mount", mountReadOnly, remountWritable},
		{"folder without write permission", func(t *testing.T, dir, db string) {
			chmod(t, 0o555, dir)
			chmod(t, 0o444, db)
		}, func(t *testing.T, dir, db string) {
			chmod(t, 0o755, dir)
			chmod(t, 0o644, db)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			top := openDir(t)
			dir := filepath.Join(top, "db")
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			handOver(t, dir)
			db := storedDatabase(t, dir)
			for _, side := range []string{db + "-wal", db + "-shm"} {
				if _, err := os.Stat(side); err == nil {
					t.Fatalf("%s left by a clean shutdown", side)
				}
			}
			config := writeFaultConfig(t, top, db, "world", "sport")
			c.lock(t, dir, db)

			p := startServe(t, bin, config)
			if p.base == "" {
				_, err := p.exited()
				t.Fatalf("serve did not start: %v\n%s", err, p.log())
			}
			var code int
			var body string
			waitFor(t, "/healthz to answer 200", func() bool {
				code, body = status(t, p.base+"/healthz")
				return code == 200
			})
			if !strings.Contains(body, "degraded") || !strings.Contains(body, "read-only") {
				t.Errorf("/healthz: %d %q, want 200 degraded naming read-only", code, body)
			}
			if code, _ := status(t, p.base+"/healthz/writes"); code != 503 {
				t.Errorf("/healthz/writes: %d, want 503", code)
			}
			if code, body := status(t, p.base+"/feeds/world.rss"); code != 200 || !strings.Contains(body, seedTitle) {
				t.Errorf("stored feed: %d, want 200 with the stored article", code)
			}
			if resp, b := postArticle(t, p.base, "unwritable-1"); resp.StatusCode != 503 {
				t.Errorf("POST /api/articles: %d %s, want 503", resp.StatusCode, b)
			}

			c.unlock(t, dir, db)
			waitFor(t, "/healthz/writes 200", func() bool { c, _ := status(t, p.base+"/healthz/writes"); return c == 200 })
			waitFor(t, "the config's category written on recovery", func() bool {
				c, _ := status(t, p.base+"/feeds/sport.rss")
				return c == 200
			})
			resp, b := postArticle(t, p.base, "unwritable-2")
			if resp.StatusCode != 201 {
				t.Fatalf("POST /api/articles after recovery: %d %s", resp.StatusCode, b)
			}
			// Immutable reads would not see what the WAL now holds.
			var created []struct{ URL string }
			if err := json.Unmarshal(b, &created); err != nil || len(created) != 1 {
				t.Fatalf("POST /api/articles answer %s: %v", b, err)
			}
			if code, body := status(t, created[0].URL); code != 200 {
				t.Errorf("article written after recovery: %d %s", code, body)
			}
			if _, body := status(t, p.base+"/feeds/world.json"); !strings.Contains(body, "unwritable-2") {
				t.Errorf("the world feed after recovery lacks the article written then:\n%s", body)
			}
		})
	}
}

func chmod(t *testing.T, mode os.FileMode, path string) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// mountReadOnly makes dir a read-only bind mount of itself; it skips where
// mounting is not permitted, and unmounts when the test ends.
func mountReadOnly(t *testing.T, dir, _ string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("a read-only mount needs root")
	}
	if out, err := exec.Command("mount", "--bind", dir, dir).CombinedOutput(); err != nil {
		t.Skipf("mount --bind: %v: %s", err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount: %v: %s", err, out)
		}
	})
	if out, err := exec.Command("mount", "-o", "remount,ro,bind", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v: %s", err, out)
	}
}

func remountWritable(t *testing.T, dir, _ string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,rw,bind", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount writable: %v: %s", err, out)
	}
}
