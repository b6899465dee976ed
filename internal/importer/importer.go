// Package importer reads the newsroom's own article files — plain text,
// Markdown with YAML front matter, and JSON — into feeds.Articles for
// `newswire import` and `newswire serve --demo`.
//
// A file either yields articles that are all valid or an error; nothing is
// half-imported. Errors are *FileError values naming the file and, where
// there is one, the line.
//
// # Identity
//
// An article keeps its GUID when an explicit one is given (guid in front
// matter or JSON). Otherwise a file holding one article is identified by its
// file name without extension: FileGUID("news/2026/000_bcfca962802f740c.txt")
// is "tag:newswire,2026:000_bcfca962802f740c". That is path-independent
// (moving the folder does not duplicate the article) and survives edits to
// the title and body (importing an edited file updates the article), which
// a hash of the content would not. The price is that two files with the
// same name in different folders are the same article: give such files
// distinct names or explicit GUIDs. Articles in a JSON array without a guid
// use their url, else the file's GUID plus a hash of their title.
//
// # Cleaning
//
// Every article, whatever its format, goes through one content.Cleaner:
// plain-text paragraphs as one <p> each, Markdown rendered and sanitised,
// JSON content_html sanitised. What was cut is reported to
// Options.Explain; an article that is only boilerplate is a *FileError
// wrapping ErrNoContent, at the line of its first cut block.
//
// # Dates
//
// Plain text carries no date, so a plain-text article is published at its
// file's modification time (UTC, whole seconds); Markdown and JSON use
// their date/published field and fall back to the same. Updated defaults
// to published.
package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/newsroom"
)

// Errors callers may branch on; they are wrapped in a *FileError.
var (
	ErrUnsupported = errors.New("unsupported file type (want .txt, .md, .markdown or .json)")
	ErrNoTitle     = errors.New("no title")
	ErrNoContent   = errors.New("no article text")
	ErrTooLarge    = errors.New("file too large")
)

// GUIDPrefix starts every GUID the importer derives (see FileGUID).
const GUIDPrefix = "tag:newswire,2026:"

// maxFileBytes bounds one article file; real ones are tens of kilobytes.
const maxFileBytes = 16 << 20

// Options controls how files become articles.
type Options struct {
	// Categories are given to every article whose file names none
	// (`--category`); a plain-text article never names any.
	Categories []string
	// Cleaner cleans every article, whatever its format: boilerplate cut,
	// related entries kept, language, direction and summary set. Build it
	// once per import with content.New; nil means a Cleaner built from
	// Markers for each file.
	Cleaner *content.Cleaner
	// Markers are used only when Cleaner is nil; the zero value means
	// content.DefaultMarkers().
	Markers content.Markers
	// Explain, when set, is called with what cleaning did to each article
	// of a file, including one rejected as only boilerplate (`newswire
	// import --explain`). guid is the article's final GUID, or what the
	// file gave when the article was rejected.
	Explain func(path, guid string, r content.Report)
	// Now is the clock for an article with no date whose file has no
	// modification time; nil means time.Now.
	Now func() time.Time
}

func (o Options) cleaner() *content.Cleaner {
	if o.Cleaner != nil {
		return o.Cleaner
	}
	return content.New(content.Options{Markers: o.Markers})
}

// explained is an article and what cleaning did to it, for Options.Explain.
type explained struct {
	a *feeds.Article
	r content.Report
}

// cleanedText is the text of arts[i]'s cleaned body from its cleaning in
// ex (the cleaner's own pass), or "" where ex does not line up with arts.
func cleanedText(arts []*feeds.Article, ex []explained, i int) string {
	if len(ex) == len(arts) && ex[i].a == arts[i] {
		return ex[i].r.Text
	}
	return ""
}

// cleanArticle runs c on a. An article with nothing left is an
// ErrNoContent error, "where" saying where the text was missing; the
// caller puts it in a FileError with the line.
func cleanArticle(c *content.Cleaner, a *feeds.Article, where string) (content.Report, error) {
	r, err := c.Article(a)
	switch {
	case err == nil:
		return r, nil
	case errors.Is(err, content.ErrEmpty) && len(r.Cuts) > 0:
		return r, fmt.Errorf("%w%s: only boilerplate (%d blocks cut; --explain shows them)", ErrNoContent, where, len(r.Cuts))
	case errors.Is(err, content.ErrEmpty):
		return r, fmt.Errorf("%w%s", ErrNoContent, where)
	}
	return r, err
}

// FileError is a problem with one file, at a line when there is one.
type FileError struct {
	Path  string
	Line  int    // 1-based; 0 when the problem has no line
	Field string // the article field at fault ("published", "image"), when one is
	// Item is the 1-based place of the article in a JSON array, 0 when the
	// problem is not one article's of an array: a CMS writes its batches
	// on one line, where the line names no article.
	Item int
	Err  error
}

// Error formats e as "path:line: message", or "path: message" without a
// line; "article N: " precedes the message for an article of an array.
func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Message())
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Message())
}

// Message is the problem without the path and line: the cause, after
// "article N: " for an article of an array.
func (e *FileError) Message() string {
	if e.Item > 0 {
		return fmt.Sprintf("article %d: %v", e.Item, e.Err)
	}
	return e.Err.Error()
}

// Unwrap returns the cause.
func (e *FileError) Unwrap() error { return e.Err }

// format is a kind of article file.
type format int

const (
	formatUnknown format = iota
	formatText
	formatMarkdown
	formatJSON
)

func formatOf(path string) format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".txt":
		return formatText
	case ".md", ".markdown":
		return formatMarkdown
	case ".json":
		return formatJSON
	}
	return formatUnknown
}

// Supported reports whether path has an extension ReadFile reads.
func Supported(path string) bool { return formatOf(path) != formatUnknown }

// FileGUID is the GUID of the article in the file at path when the file
// gives none: GUIDPrefix plus the file name without its extension,
// percent-escaped where a URI needs it. See the package documentation for
// why the name and not the content.
func FileGUID(path string) string {
	base := filepath.Base(path)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	return GUIDPrefix + url.PathEscape(stem)
}

// ReadFile reads the article file at path; its extension chooses the
// format (.txt, .md/.markdown, .json). Every error is a *FileError, or
// several joined, naming path.
func ReadFile(path string, opts Options) ([]*feeds.Article, error) {
	cs, err := ReadCleaned(path, opts)
	if err != nil {
		return nil, err
	}
	return newsroom.Articles(cs), nil
}

// ReadCleaned is ReadFile giving each article with the text of its body
// from its cleaning, for the store's search index (newsroom.Cleaned).
func ReadCleaned(path string, opts Options) ([]newsroom.Cleaned, error) {
	kind := formatOf(path)
	if kind == formatUnknown {
		return nil, &FileError{Path: path, Err: ErrUnsupported}
	}
	data, mtime, err := readCapped(path)
	if err != nil {
		return nil, err
	}
	if mtime.IsZero() {
		now := time.Now
		if opts.Now != nil {
			now = opts.Now
		}
		mtime = now()
	}
	mtime = mtime.UTC().Truncate(time.Second)

	var arts []*feeds.Article
	var ex []explained
	var isArray bool // a JSON array: errors name the article by its place
	if opts.Explain != nil {
		defer func() {
			for _, x := range ex {
				opts.Explain(path, x.a.GUID, x.r)
			}
		}()
	}
	c := opts.cleaner()
	switch kind {
	case formatText:
		var x *explained
		x, err = parseText(path, data, c)
		if x != nil {
			ex = append(ex, *x)
			arts = []*feeds.Article{x.a}
		}
	case formatMarkdown:
		var x *explained
		x, err = parseMarkdown(path, data, c)
		if x != nil {
			ex = append(ex, *x)
			arts = []*feeds.Article{x.a}
		}
	case formatJSON:
		arts, ex, isArray, err = decodeJSON(data, path, c)
		if err == nil {
			for _, a := range arts {
				switch {
				case a.GUID != "":
				case !isArray:
					a.GUID = FileGUID(path)
				case a.URL != "":
					a.GUID = a.URL
				default:
					sum := sha256.Sum256([]byte(a.Title))
					a.GUID = FileGUID(path) + "/" + hex.EncodeToString(sum[:8])
				}
			}
		}
	}
	if err != nil {
		return nil, err
	}

	var errs []error
	out := make([]newsroom.Cleaned, len(arts))
	item := func(i int) int { // arts holds every article of the array, in order
		if isArray {
			return i + 1
		}
		return 0
	}
	for i, a := range arts {
		// An explicit id that is not a URI ("cms-42") is published as a
		// tag: URI, which Atom requires; the admin API maps it the same way.
		a.GUID = feeds.StableID(a.GUID)
		if len(a.Categories) == 0 {
			a.Categories = slices.Clone(opts.Categories)
		}
		if len(a.Categories) == 0 {
			a.Categories = []string{feeds.Uncategorized}
		}
		if a.Published.IsZero() {
			a.Published = mtime
			if !a.Updated.IsZero() {
				a.Published = a.Updated // only "updated" given
			}
		}
		if a.Updated.IsZero() {
			a.Updated = a.Published
		}
		text := cleanedText(arts, ex, i)
		if text == "" {
			text = content.Text(a.ContentHTML)
		}
		out[i] = newsroom.Cleaned{Article: a, Text: text}
		for _, p := range checkArticle(a, text) {
			errs = append(errs, &FileError{Path: path, Field: p.field, Item: item(i), Err: p.err})
		}
	}
	if err := CheckUniqueGUIDs(path, arts); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// readCapped reads a whole file of at most maxFileBytes and its
// modification time.
func readCapped(path string) ([]byte, time.Time, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, time.Time{}, &FileError{Path: path, Err: unwrapPath(err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, &FileError{Path: path, Err: unwrapPath(err)}
	}
	if !st.Mode().IsRegular() {
		return nil, time.Time{}, &FileError{Path: path, Err: errors.New("not a regular file")}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, time.Time{}, &FileError{Path: path, Err: unwrapPath(err)}
	}
	if len(data) > maxFileBytes {
		return nil, time.Time{}, &FileError{Path: path, Err: fmt.Errorf("%w: over %d MiB", ErrTooLarge, maxFileBytes>>20)}
	}
	return data, st.ModTime(), nil
}

// unwrapPath drops the path from an *fs.PathError, which FileError names
// already, and Go's operation name ("stat", "open"): what is left, "no such
// file or directory", ends a sentence about the path.
func unwrapPath(err error) error { return PathCause(err) }

// PathCause is why a file or folder could not be read, without the path
// and Go's operation name, for a message that names the path itself.
func PathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Files expands paths into the article files to import: a file is taken
// as given (an unsupported extension is an error), a folder is walked
// recursively in lexical order, skipping hidden files and folders (names
// starting with ".") and files of other types. Duplicates are dropped. The
// files found are returned even when some paths fail; the error joins a
// *FileError per failed path.
func Files(paths []string) ([]string, error) {
	var out []string
	var errs []error
	seen := map[string]bool{}
	add := func(p string) {
		key := filepath.Clean(p)
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	for _, root := range paths {
		st, err := os.Stat(root)
		if err != nil {
			errs = append(errs, &FileError{Path: root, Err: unwrapPath(err)})
			continue
		}
		if !st.IsDir() {
			if !Supported(root) {
				errs = append(errs, &FileError{Path: root, Err: ErrUnsupported})
				continue
			}
			add(root)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				errs = append(errs, &FileError{Path: p, Err: unwrapPath(err)})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !Supported(p) {
				return nil
			}
			if !d.Type().IsRegular() {
				// A symlink or other special file: take it only if it
				// leads to a regular file.
				if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
					return nil
				}
			}
			add(p)
			return nil
		})
		if err != nil {
			errs = append(errs, &FileError{Path: root, Err: err})
		}
	}
	return out, errors.Join(errs...)
}

// CheckUniqueGUIDs refuses a batch that names one GUID twice (compare GUIDs
// after feeds.StableID): saved in order, the later copy would silently
// replace the earlier one. It is the rule of both doors, `newswire import`
// (ReadFile) and the admin API. Each repeat is a *FileError with the field
// "guid" and Item its 1-based place in the batch; name labels it (a path,
// or "request body").
func CheckUniqueGUIDs(name string, arts []*feeds.Article) error {
	var errs []error
	first := make(map[string]int, len(arts))
	for i, a := range arts {
		if j, ok := first[a.GUID]; ok {
			errs = append(errs, &FileError{Path: name, Field: "guid", Item: i + 1,
				Err: fmt.Errorf("duplicate guid %q: article %d has it already", a.GUID, j+1)})
			continue
		}
		first[a.GUID] = i
	}
	return errors.Join(errs...)
}
