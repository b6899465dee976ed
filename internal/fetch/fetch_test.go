package fetch_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newswire/newswire/internal/fetch"
)

// newClient returns a client whose idle connections are closed when the test ends.
func newClient(t testing.TB, opts fetch.Options) *fetch.Client {
	t.Helper()
	c := fetch.New(opts)
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func serve(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// get fetches url from a loopback server (AllowPrivate) and fails the test on error.
func get(t testing.TB, c *fetch.Client, req fetch.Request) *fetch.Result {
	t.Helper()
	req.AllowPrivate = true
	res, err := c.Fetch(context.Background(), req)
	if err != nil {
		t.Fatalf("Fetch(%s): %v", req.URL, err)
	}
	return res
}

// fetchErr fetches from a loopback server and returns the error, failing if there is none.
func fetchErr(t testing.TB, c *fetch.Client, url string) error {
	t.Helper()
	res, err := c.Fetch(context.Background(), fetch.Request{URL: url, AllowPrivate: true})
	if err == nil {
		t.Fatalf("Fetch(%s) = status %d, want an error", url, res.StatusCode)
	}
	if !strings.Contains(err.Error(), url) {
		t.Errorf("error %q does not name the URL %s", err, url)
	}
	return err
}

const plainFeed = `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title></channel></rss>`

func TestRequestHeaders(t *testing.T) {
	var got http.Header
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.Write([]byte(plainFeed))
	})
	c := newClient(t, fetch.Options{UserAgent: "newswire/1.2.3 (+https://github.com/newswire/newswire)"})
	get(t, c, fetch.Request{URL: srv.URL})

	for k, want := range map[string]string{
		"User-Agent":      "newswire/1.2.3 (+https://github.com/newswire/newswire)",
		"Accept":          "application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, */*;q=0.8",
		"Accept-Encoding": "gzip",
	} {
		if got.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, got.Get(k), want)
		}
	}
	for _, k := range []string{"If-None-Match", "If-Modified-Since"} {
		if v := got.Get(k); v != "" {
			t.Errorf("%s = %q sent without stored validators", k, v)
		}
	}
}

func TestDefaultUserAgentNamesNewswire(t *testing.T) {
	var ua string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { ua = r.UserAgent() })
	get(t, newClient(t, fetch.Options{}), fetch.Request{URL: srv.URL})
	if !strings.HasPrefix(ua, "newswire") {
		t.Errorf("User-Agent = %q, want it to name newswire", ua)
	}
}

func TestConditionalGet(t *testing.T) {
	const etag, lastMod = `"v1"`, "Sun, 09 Mar 2025 10:00:00 GMT"
	var inm, ims string
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		inm, ims = r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
		w.Header().Set("Cache-Control", "max-age=600")
		if inm == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", lastMod)
		w.Write([]byte(plainFeed))
	})
	c := newClient(t, fetch.Options{})

	first := get(t, c, fetch.Request{URL: srv.URL})
	if first.NotModified || first.StatusCode != 200 || string(first.Body) != plainFeed {
		t.Fatalf("first fetch: NotModified=%v status=%d body=%q", first.NotModified, first.StatusCode, first.Body)
	}
	if first.ETag != etag || first.LastModified != lastMod || first.MaxAge != 10*time.Minute {
		t.Errorf("first fetch validators: ETag=%q LastModified=%q MaxAge=%v", first.ETag, first.LastModified, first.MaxAge)
	}

	second := get(t, c, fetch.Request{URL: srv.URL, ETag: first.ETag, LastModified: first.LastModified})
	if inm != etag || ims != lastMod {
		t.Errorf("second fetch sent If-None-Match=%q If-Modified-Since=%q, want %q and %q", inm, ims, etag, lastMod)
	}
	if !second.NotModified || second.StatusCode != http.StatusNotModified || second.Body != nil {
		t.Errorf("second fetch: NotModified=%v status=%d body=%q, want a bodiless 304", second.NotModified, second.StatusCode, second.Body)
	}
	// The 304 carried no validators: the stored ones come back so the caller can keep them.
	if second.ETag != etag || second.LastModified != lastMod || second.MaxAge != 10*time.Minute {
		t.Errorf("304 result: ETag=%q LastModified=%q MaxAge=%v", second.ETag, second.LastModified, second.MaxAge)
	}
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// gzipServer sends body gzipped when the client accepts gzip, plainly otherwise.
func gzipServer(t testing.TB, body []byte) *httptest.Server {
	gz := gzipBytes(t, body)
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Write(body)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		w.Write(gz)
	})
}

func TestGzip(t *testing.T) {
	body := []byte(rssDoc(`<?xml version="1.0" encoding="UTF-8"?>`))
	srv := gzipServer(t, body)
	res := get(t, newClient(t, fetch.Options{}), fetch.Request{URL: srv.URL})
	if !bytes.Equal(res.Body, body) {
		t.Errorf("body = %q, want the decompressed feed", res.Body)
	}
}

func TestBodyLimit(t *testing.T) {
	const limit = 64 << 10
	big := bytes.Repeat([]byte("a"), limit+1)
	exact := bytes.Repeat([]byte("a"), limit)
	tests := []struct {
		name    string
		handler http.HandlerFunc
		wantErr bool
	}{
		{"content-length over the limit", func(w http.ResponseWriter, r *http.Request) {
			w.Write(big)
		}, true},
		{"chunked without content-length", func(w http.ResponseWriter, r *http.Request) {
			for i := 0; i < len(big); i += 4096 {
				w.Write(big[i:min(i+4096, len(big))])
				w.(http.Flusher).Flush() // forces chunked encoding
			}
		}, true},
		{"gzip bomb", func() http.HandlerFunc {
			bomb := gzipBytes(t, make([]byte, 10<<20)) // 10 MiB of zeros, about 10 KB on the wire
			return func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Encoding", "gzip")
				w.Write(bomb)
			}
		}(), true},
		{"exactly the limit", func(w http.ResponseWriter, r *http.Request) {
			w.Write(exact)
		}, false},
	}
	c := newClient(t, fetch.Options{MaxBytes: limit})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			res, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL, AllowPrivate: true})
			if !tt.wantErr {
				if err != nil || len(res.Body) != limit {
					t.Fatalf("Fetch: err=%v, want %d bytes", err, limit)
				}
				return
			}
			if !errors.Is(err, fetch.ErrTooLarge) {
				t.Fatalf("Fetch error = %v, want ErrTooLarge", err)
			}
		})
	}
	// The largest limit a config can give must not overflow into "too large".
	huge := newClient(t, fetch.Options{MaxBytes: math.MaxInt64})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(exact) })
	if res, err := huge.Fetch(context.Background(), fetch.Request{URL: srv.URL, AllowPrivate: true}); err != nil || len(res.Body) != limit {
		t.Errorf("MaxBytes = MaxInt64: %v", err)
	}
}

func TestTimeout(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"no response headers", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}},
		{"body stalls", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<rss>"))
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}},
	}
	c := newClient(t, fetch.Options{Timeout: 200 * time.Millisecond})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			err := fetchErr(t, c, srv.URL)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error = %v, want context.DeadlineExceeded", err)
			}
		})
	}
}

func TestContextCancelAborts(t *testing.T) {
	started := make(chan struct{})
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-r.Context().Done()
	})
	c := newClient(t, fetch.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-started
		cancel()
	}()
	_, err := c.Fetch(ctx, fetch.Request{URL: srv.URL, AllowPrivate: true})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error = %v, want context.Canceled", err)
	}
}

// redirectServer answers /final with a feed and /<code>/<rest> with a <code> redirect to
// /<rest>, so "/301/308/final" is a two-hop chain. It records the If-None-Match /final saw.
func redirectServer(t testing.TB, finalINM *string) *httptest.Server {
	return serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/final" {
			if finalINM != nil {
				*finalINM = r.Header.Get("If-None-Match")
			}
			w.Write([]byte(plainFeed))
			return
		}
		code, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		var n int
		fmt.Sscan(code, &n)
		http.Redirect(w, r, "/"+rest, n) // a relative Location, resolved by the client
	})
}

func TestRedirects(t *testing.T) {
	var inm string
	srv := redirectServer(t, &inm)
	c := newClient(t, fetch.Options{})
	tests := []struct {
		path          string
		wantPermanent bool
	}{
		{"/final", false},
		{"/301/final", true},
		{"/301/308/final", true},
		{"/301/301/301/301/301/final", true}, // exactly MaxRedirects hops
		{"/301/302/final", false},
		{"/307/final", false},
		{"/303/301/final", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res := get(t, c, fetch.Request{URL: srv.URL + tt.path, ETag: `"e"`})
			if res.FinalURL != srv.URL+"/final" {
				t.Errorf("FinalURL = %q, want %q", res.FinalURL, srv.URL+"/final")
			}
			want := ""
			if tt.wantPermanent {
				want = srv.URL + "/final"
			}
			if res.PermanentRedirect != want {
				t.Errorf("PermanentRedirect = %q, want %q", res.PermanentRedirect, want)
			}
			if inm != `"e"` {
				t.Errorf("final hop got If-None-Match %q, want the stored validator", inm)
			}
		})
	}
}

func TestRedirectErrors(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a":
			http.Redirect(w, r, "/b", http.StatusFound)
		case "/b":
			http.Redirect(w, r, "/a", http.StatusMovedPermanently)
		case "/ftp":
			http.Redirect(w, r, "ftp://files.example/feed.xml", http.StatusFound)
		case "/file":
			w.Header().Set("Location", "file:///etc/passwd")
			w.WriteHeader(http.StatusMovedPermanently)
		default: // /n/k redirects to /n/k+1 forever
			var n int
			fmt.Sscanf(r.URL.Path, "/n/%d", &n)
			http.Redirect(w, r, fmt.Sprintf("/n/%d", n+1), http.StatusFound)
		}
	})
	c := newClient(t, fetch.Options{})
	tests := []struct {
		name, path, wantText string
		want                 error
	}{
		{"loop", "/a", "loop", fetch.ErrTooManyRedirects},
		{"endless chain", "/n/0", "after 5 redirects", fetch.ErrTooManyRedirects},
		{"to ftp", "/ftp", `"ftp"`, fetch.ErrUnsupportedScheme},
		{"to file", "/file", `"file"`, fetch.ErrUnsupportedScheme},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fetchErr(t, c, srv.URL+tt.path)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error = %v, want %v mentioning %s", err, tt.want, tt.wantText)
			}
		})
	}

	t.Run("no redirects allowed", func(t *testing.T) {
		c := newClient(t, fetch.Options{MaxRedirects: -1})
		err := fetchErr(t, c, srv.URL+"/n/0")
		if !errors.Is(err, fetch.ErrTooManyRedirects) {
			t.Errorf("error = %v, want ErrTooManyRedirects", err)
		}
	})
}

func TestBadURL(t *testing.T) {
	c := newClient(t, fetch.Options{})
	for _, u := range []string{"ftp://example.com/feed", "file:///etc/passwd", "feed.xml", "gopher://x", "http:///nohost"} {
		_, err := c.Fetch(context.Background(), fetch.Request{URL: u})
		if err == nil {
			t.Errorf("Fetch(%q) succeeded, want an error", u)
		}
	}
}

func TestStatusErrors(t *testing.T) {
	now := time.Date(2025, 3, 9, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name           string
		code           int
		retryAfter     string
		wantRetryAfter time.Duration
		wantGone       bool
	}{
		{"429 with seconds", http.StatusTooManyRequests, "120", 120 * time.Second, false},
		{"503 with http-date", http.StatusServiceUnavailable, now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, false},
		{"503 with garbage retry-after", http.StatusServiceUnavailable, "soon", 0, false},
		{"410 gone", http.StatusGone, "", 0, true},
		{"500", http.StatusInternalServerError, "", 0, false},
		{"404", http.StatusNotFound, "", 0, false},
		{"300 without location", http.StatusMultipleChoices, "", 0, false},
	}
	c := newClient(t, fetch.WithNow(fetch.Options{}, func() time.Time { return now }))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(tt.code)
				w.Write([]byte("error page"))
			})
			err := fetchErr(t, c, srv.URL)
			var se *fetch.StatusError
			if !errors.As(err, &se) {
				t.Fatalf("error = %v (%T), want a *StatusError", err, err)
			}
			if se.Code != tt.code || se.RetryAfter != tt.wantRetryAfter {
				t.Errorf("StatusError{Code: %d, RetryAfter: %v}, want {%d, %v}", se.Code, se.RetryAfter, tt.code, tt.wantRetryAfter)
			}
			if got := errors.Is(err, fetch.ErrGone); got != tt.wantGone {
				t.Errorf("errors.Is(err, ErrGone) = %v, want %v", got, tt.wantGone)
			}
		})
	}
}

// Shapes of the fixtures, just enough to read their titles back.
type rssTitles struct {
	Channel struct {
		Title string `xml:"title"`
		Item  struct {
			Title string `xml:"title"`
		} `xml:"item"`
	} `xml:"channel"`
}

type jsonTitles struct {
	Title string `json:"title"`
	Items []struct {
		Title string `json:"title"`
	} `json:"items"`
}

func TestCharsets(t *testing.T) {
	tests := []struct {
		name, file, contentType string
		wantErr                 bool
	}{
		{"windows-1256 named by the xml declaration", "rss-windows-1256-xmldecl.xml", "application/rss+xml", false},
		{"windows-1256 named by the http header", "rss-windows-1256-header.xml", "application/rss+xml; charset=windows-1256", false},
		{"header charset wins over the declaration", "rss-windows-1256-xmldecl.xml", "text/xml; charset=cp1256", false},
		{"utf-16le with bom", "rss-utf-16le-bom.xml", "application/rss+xml", false},
		{"utf-16le with bom despite a utf-8 header", "rss-utf-16le-bom.xml", "text/xml; charset=utf-8", false},
		{"iso-8859-6 named by the xml declaration", "rss-iso-8859-6.xml", "application/xml", false},
		{"iso-8859-6 named by the http header", "rss-iso-8859-6.xml", `text/xml; charset="ISO-8859-6"`, false},
		{"windows-1256 declared, a server's default utf-8 in the header", "rss-windows-1256-xmldecl.xml", "text/xml; charset=utf-8", false},
		{"utf-8 declared, a server's default iso-8859-1 in the header", "rss-utf-8.xml", "text/xml; charset=ISO-8859-1", false},
		{"utf-8 declared, windows-1256 in the header", "rss-utf-8.xml", "application/rss+xml; charset=windows-1256", false},
		{"json feed utf-16be with bom", "feed-utf-16be-bom.json", "application/feed+json", false},
		{"invalid utf-8", "rss-invalid-utf-8.xml", "application/rss+xml", true},
		{"byte undefined in iso-8859-6", "rss-iso-8859-6-undefined.xml", "application/rss+xml", true},
		{"windows-1256 bytes labelled utf-8", "rss-windows-1256-header.xml", "application/rss+xml; charset=utf-8", true},
		{"unknown charset label", "rss-windows-1256-header.xml", "text/xml; charset=klingon", true},
	}
	c := newClient(t, fetch.Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := readFixture(t, tt.file)
			srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", tt.contentType)
				w.Write(body)
			})
			res, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL, AllowPrivate: true})
			if tt.wantErr {
				if !errors.Is(err, fetch.ErrCharset) {
					t.Fatalf("error = %v, want ErrCharset", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var channel, item string
			if strings.HasSuffix(tt.file, ".json") {
				var f jsonTitles
				if err := json.Unmarshal(res.Body, &f); err != nil || len(f.Items) != 1 {
					t.Fatalf("decoded JSON does not parse: %v\n%s", err, res.Body)
				}
				channel, item = f.Title, f.Items[0].Title
			} else {
				// encoding/xml refuses a declared encoding other than UTF-8 without a
				// CharsetReader, so this also proves the declaration was rewritten.
				var f rssTitles
				if err := xml.Unmarshal(res.Body, &f); err != nil {
					t.Fatalf("decoded XML does not parse: %v\n%s", err, res.Body)
				}
				channel, item = f.Channel.Title, f.Channel.Item.Title
			}
			if channel != arChannel || item != arItem {
				t.Errorf("titles = %q / %q, want %q / %q", channel, item, arChannel, arItem)
			}
		})
	}
}

// A client is shared by concurrent ingest workers.
func TestConcurrentFetches(t *testing.T) {
	var n atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		w.Write([]byte(plainFeed))
	})
	c := newClient(t, fetch.Options{})
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			_, err := c.Fetch(context.Background(), fetch.Request{URL: srv.URL, AllowPrivate: true})
			errs <- err
		}()
	}
	for range 16 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n.Load() != 16 {
		t.Errorf("server saw %d requests, want 16", n.Load())
	}
}

func TestBasicAuthFromURL(t *testing.T) {
	var user, pass string
	var ok bool
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok = r.BasicAuth()
		w.WriteHeader(http.StatusForbidden)
	})
	u := strings.Replace(srv.URL, "http://", "http://partner:s3cret@", 1)
	_, err := newClient(t, fetch.Options{}).Fetch(context.Background(), fetch.Request{URL: u, AllowPrivate: true})
	if !ok || user != "partner" || pass != "s3cret" {
		t.Errorf("server got basic auth %q/%q (present %v), want partner/s3cret", user, pass, ok)
	}
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error %v: want a 403 error that does not show the password", err)
	}
}
