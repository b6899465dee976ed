// Command minserve is the physical-limit reference for scripts/loadbench.sh:
// a minimal net/http server that answers GET and HEAD for the files of one
// directory from memory, with a Content-Type by extension, the pre-gzipped
// "<file>.gz" beside a file for clients that accept gzip, and 304 when
// If-None-Match names the ETag it computed. It does nothing else, so
// newswire's cached paths can be compared with what net/http alone costs.
//
// With -header and -header-200 it also sends fixed header fields (every
// response, or 200s only), so that loadbench can measure what net/http
// costs for a response carrying as many fields as newswire's.
//
// Usage:
//
//	minserve -dir DIR [-listen 127.0.0.1:8090] [-header 'Name: value' ...] [-header-200 'Name: value' ...]
package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	err := run(ctx, os.Args[1:], os.Stderr, log)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "minserve:", err)
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

// run parses args, loads the directory and serves until ctx is done.
func run(ctx context.Context, args []string, stderr io.Writer, log *slog.Logger) error {
	fset := flag.NewFlagSet("minserve", flag.ContinueOnError)
	fset.SetOutput(stderr)
	dir := fset.String("dir", "", "directory whose files are served (required)")
	listen := fset.String("listen", "127.0.0.1:8090", "listen address")
	var always, only200 headerFlag
	fset.Var(&always, "header", "`Name: value` sent on every response (repeatable)")
	fset.Var(&only200, "header-200", "`Name: value` sent on 200 responses only (repeatable)")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *dir == "" || fset.NArg() > 0 {
		fset.Usage()
		return fmt.Errorf("usage: minserve -dir DIR [-listen ADDR]: %w", flag.ErrHelp)
	}
	h, err := newHandler(*dir)
	if err != nil {
		return err
	}
	h.always, h.only200 = always, only200
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *listen, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "dir", *dir, "documents", len(h.docs))
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	stopCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(stopCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// doc is one file ready to serve. Header values are built once, as
// newswire's cache does, so a request assigns them without allocating.
type doc struct {
	body, gz            []byte // gz is nil when there is no .gz file
	etag, gzETag        string
	hdrType             []string
	hdrETag, hdrGzETag  []string
	hdrLength, hdrGzLen []string
}

// handler serves the documents loaded by newHandler, keyed by URL path.
type handler struct {
	docs            map[string]*doc
	always, only200 headerFlag // fixed fields, values built once
}

// headerFlag collects repeated "Name: value" flags as header fields.
type headerFlag []headerField

type headerField struct {
	name  string // canonical, as net/http keys its map
	value []string
}

func (f *headerFlag) String() string { return fmt.Sprint(len(*f), " fields") }

func (f *headerFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return fmt.Errorf("%q: want Name: value", s)
	}
	*f = append(*f, headerField{http.CanonicalHeaderKey(name), []string{strings.TrimSpace(value)}})
	return nil
}

var (
	hdrVary = []string{"Accept-Encoding"}
	hdrGzip = []string{"gzip"}
)

// newHandler reads every regular file under dir into memory. A file
// "x.gz" is the gzipped form of "x" when "x" exists, and is served on its
// own path otherwise.
func newHandler(dir string) (*handler, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files["/"+filepath.ToSlash(rel)] = b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", dir, err)
	}
	h := &handler{docs: map[string]*doc{}}
	for name, body := range files {
		if base, ok := strings.CutSuffix(name, ".gz"); ok {
			if _, plain := files[base]; plain {
				continue // the gzipped form of base, attached below
			}
		}
		d := &doc{body: body, etag: etagOf(body), hdrType: []string{contentType(name)}}
		d.hdrETag = []string{d.etag}
		d.hdrLength = []string{strconv.Itoa(len(body))}
		if gz, ok := files[name+".gz"]; ok {
			d.gz, d.gzETag = gz, etagOf(gz) // its own strong ETag: a different representation
			d.hdrGzETag = []string{d.gzETag}
			d.hdrGzLen = []string{strconv.Itoa(len(gz))}
		}
		h.docs[name] = d
	}
	return h, nil
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// contentType maps an extension to a media type; feed formats first, as
// newswire labels them, then the system table.
func contentType(name string) string {
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".rss":
		return "application/rss+xml; charset=utf-8"
	case ".atom":
		return "application/atom+xml; charset=utf-8"
	case ".json":
		return "application/feed+json; charset=utf-8"
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
	}
	return "application/octet-stream"
}

// ServeHTTP answers GET and HEAD from memory.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	d := h.docs[r.URL.Path]
	if d == nil {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	for _, f := range h.always {
		hdr[f.name] = f.value
	}
	body, etag, hdrETag, hdrLen := d.body, d.etag, d.hdrETag, d.hdrLength
	if d.gz != nil {
		hdr["Vary"] = hdrVary
		if acceptsGzip(r) {
			body, etag, hdrETag, hdrLen = d.gz, d.gzETag, d.hdrGzETag, d.hdrGzLen
			hdr["Content-Encoding"] = hdrGzip
		}
	}
	hdr["Etag"] = hdrETag
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		delete(hdr, "Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	for _, f := range h.only200 {
		hdr[f.name] = f.value
	}
	hdr["Content-Type"] = d.hdrType
	hdr["Content-Length"] = hdrLen
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// etagMatches reports whether an If-None-Match list names etag (weak
// comparison, as If-None-Match uses).
func etagMatches(list, etag string) bool {
	for list != "" {
		var tag string
		tag, list, _ = strings.Cut(list, ",")
		tag = strings.TrimSpace(tag)
		if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether Accept-Encoding lists gzip without q=0.
func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header["Accept-Encoding"] {
		for v != "" {
			var part string
			part, v, _ = strings.Cut(v, ",")
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
				continue
			}
			q, ok := strings.CutPrefix(strings.ReplaceAll(strings.TrimSpace(params), " ", ""), "q=")
			if !ok {
				return true
			}
			f, err := strconv.ParseFloat(q, 64)
			return err != nil || f > 0
		}
	}
	return false
}
