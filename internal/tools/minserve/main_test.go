package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

const feedBody = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>سياسة</title></channel></rss>`

// newTestServer serves a directory with feeds/politics.rss, its .gz and a
// lone notes.txt.
func newTestServer(t *testing.T) (*httptest.Server, []byte) {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "feeds"), 0o755); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := zw.Write([]byte(feedBody)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"feeds/politics.rss":    []byte(feedBody),
		"feeds/politics.rss.gz": gz.Bytes(),
		"notes.txt":             []byte("hello\n"),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h, err := newHandler(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, gz.Bytes()
}

// get sends a request without the transport's automatic gzip handling, so
// the test sees the bytes on the wire.
func get(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func TestServe(t *testing.T) {
	srv, gz := newTestServer(t)
	plainETag := etagOf([]byte(feedBody))
	gzETag := etagOf(gz)

	tests := []struct {
		name         string
		path         string
		hdr          map[string]string
		wantStatus   int
		wantBody     []byte
		wantEncoding string
		wantType     string
		wantETag     string
	}{
		{"plain feed", "/feeds/politics.rss", nil, 200, []byte(feedBody), "", "application/rss+xml; charset=utf-8", plainETag},
		{"gzip when accepted", "/feeds/politics.rss", map[string]string{"Accept-Encoding": "gzip, deflate"}, 200, gz, "gzip", "application/rss+xml; charset=utf-8", gzETag},
		{"gzip refused with q=0", "/feeds/politics.rss", map[string]string{"Accept-Encoding": "gzip;q=0"}, 200, []byte(feedBody), "", "application/rss+xml; charset=utf-8", plainETag},
		{"304 on matching ETag", "/feeds/politics.rss", map[string]string{"If-None-Match": plainETag}, 304, nil, "", "", plainETag},
		{"304 on gzip ETag with gzip", "/feeds/politics.rss", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gzETag}, 304, nil, "", "", gzETag},
		{"200 when plain ETag is sent with gzip", "/feeds/politics.rss", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": plainETag}, 200, gz, "gzip", "application/rss+xml; charset=utf-8", gzETag},
		{"200 on stale ETag", "/feeds/politics.rss", map[string]string{"If-None-Match": `"stale"`}, 200, []byte(feedBody), "", "application/rss+xml; charset=utf-8", plainETag},
		{"type from system table", "/notes.txt", nil, 200, []byte("hello\n"), "", "text/plain; charset=utf-8", etagOf([]byte("hello\n"))},
		{"unknown path", "/feeds/world.rss", nil, 404, nil, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, srv.URL+tt.path, tt.hdr)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
			}
			if tt.wantStatus == 404 {
				return
			}
			if !bytes.Equal(body, tt.wantBody) {
				t.Errorf("body %q, want %q", body, tt.wantBody)
			}
			if got := resp.Header.Get("Content-Encoding"); got != tt.wantEncoding {
				t.Errorf("Content-Encoding %q, want %q", got, tt.wantEncoding)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type %q, want %q", got, tt.wantType)
			}
			if got := resp.Header.Get("ETag"); got != tt.wantETag {
				t.Errorf("ETag %q, want %q", got, tt.wantETag)
			}
		})
	}
}

func TestGzipBodyDecodes(t *testing.T) {
	srv, _ := newTestServer(t)
	_, body := get(t, srv.URL+"/feeds/politics.rss", map[string]string{"Accept-Encoding": "gzip"})
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != feedBody {
		t.Errorf("gunzipped %q, want %q", got, feedBody)
	}
}

func TestMethodNotAllowed(t *testing.T) {
	srv, _ := newTestServer(t)
	resp, err := http.Post(srv.URL+"/feeds/politics.rss", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("status %d, want 405", resp.StatusCode)
	}
}

// With -header and -header-200, minserve sends fixed fields as newswire
// sends its own: the first kind on every response, the second on 200s.
func TestFixedHeaders(t *testing.T) {
	srv, _ := newTestServer(t)
	h := srv.Config.Handler.(*handler)
	for _, s := range []string{"cache-control: public, max-age=300", "Surrogate-Key: feeds feeds/politics"} {
		if err := h.always.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.only200.Set("Link: <https://news.example/feeds/politics.rss>; rel=\"self\""); err != nil {
		t.Fatal(err)
	}
	if err := h.only200.Set("no colon"); err == nil {
		t.Error(`"no colon" accepted`)
	}
	resp, _ := get(t, srv.URL+"/feeds/politics.rss", nil)
	if resp.Header.Get("Cache-Control") != "public, max-age=300" || resp.Header.Get("Surrogate-Key") != "feeds feeds/politics" ||
		resp.Header.Get("Link") == "" {
		t.Errorf("200 headers: %v", resp.Header)
	}
	resp, _ = get(t, srv.URL+"/feeds/politics.rss", map[string]string{"If-None-Match": etagOf([]byte(feedBody))})
	if resp.StatusCode != 304 || resp.Header.Get("Cache-Control") == "" || resp.Header.Get("Link") != "" {
		t.Errorf("304: status %d, headers %v", resp.StatusCode, resp.Header)
	}
}
