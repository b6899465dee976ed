package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/newsroom"
)

// jsonArticle is the JSON form of an article, shared with the admin API.
type jsonArticle struct {
	GUID        string         `json:"guid"`
	Title       string         `json:"title"`
	Summary     string         `json:"summary"`
	ContentHTML string         `json:"content_html"`
	URL         string         `json:"url"`
	Language    string         `json:"language"`
	Published   string         `json:"published"`
	Updated     string         `json:"updated"`
	PublishAt   string         `json:"publish_at"`
	Categories  []string       `json:"categories"`
	Authors     []feeds.Person `json:"authors"`
	Image       *feeds.Image   `json:"image"`
	Related     []jsonRelated  `json:"related"`
}

// jsonRelated is a related entry: a title or URL string, or {title, url}.
type jsonRelated feeds.Related

// UnmarshalJSON accepts "title", "https://…" or {"title": …, "url": …}.
func (r *jsonRelated) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*r = jsonRelated(relatedFromString(s))
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var v feeds.Related
	if err := dec.Decode(&v); err != nil {
		if unknownField.MatchString(err.Error()) {
			return err // named with its line by decodeElement
		}
		return fmt.Errorf("related: want a title, a URL or {\"title\", \"url\"}: %w", err)
	}
	*r = jsonRelated{Title: collapse(v.Title), URL: strings.TrimSpace(v.URL)}
	return nil
}

// DecodeJSON reads articles in newswire's JSON form — one object or an
// array of them, with the fields guid, title, summary, content_html, url,
// language, published and updated (RFC 3339), categories (slugs), authors
// ({name, email, url}), image ({url, type, length}) and related (titles or
// URLs) — as `newswire import` and the admin API take them. name labels
// errors (a path, or "request body").
//
// Unknown fields are errors naming the field, and every error is a
// *FileError with the line it concerns. content_html is sanitised and then
// cleaned (content.Cleaner: boilerplate cut into related entries, dir="rtl",
// a missing summary and language filled in); an article that is only
// boilerplate is an ErrNoContent error. Articles
// without guid come back with an empty GUID and articles without published
// with zero times: the caller knows what identity and clock to give them
// (ReadFile uses the file).
func DecodeJSON(r io.Reader, name string) ([]*feeds.Article, error) {
	return DecodeJSONWith(r, name, Options{})
}

// DecodeJSONWith is DecodeJSON cleaning with opts.Cleaner (or
// opts.Markers); the other options do not apply. Callers decoding many
// bodies (the admin API) should set opts.Cleaner once.
func DecodeJSONWith(r io.Reader, name string, opts Options) ([]*feeds.Article, error) {
	cs, err := DecodeCleaned(r, name, opts)
	if err != nil {
		return nil, err
	}
	return newsroom.Articles(cs), nil
}

// DecodeCleaned is DecodeJSONWith giving each article with the text of its
// body from its cleaning, for the store's search index (newsroom.Cleaned):
// the admin API saves articles so.
func DecodeCleaned(r io.Reader, name string, opts Options) ([]newsroom.Cleaned, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileBytes+1))
	if err != nil {
		return nil, &FileError{Path: name, Err: fmt.Errorf("read: %w", err)}
	}
	if len(data) > maxFileBytes {
		return nil, &FileError{Path: name, Err: fmt.Errorf("%w: over %d MiB", ErrTooLarge, maxFileBytes>>20)}
	}
	arts, ex, _, err := decodeJSON(data, name, opts.cleaner())
	if err != nil {
		return nil, err
	}
	out := make([]newsroom.Cleaned, len(arts))
	for i, a := range arts {
		// Where the cleaning's text is missing, the store reads the body.
		out[i] = newsroom.Cleaned{Article: a, Text: cleanedText(arts, ex, i)}
	}
	return out, nil
}

// element is one article object in the input and its offset.
type element struct {
	raw  []byte
	base int
	item int // 1-based place in an array; 0 for a lone object
}

// decodeJSON decodes data, reporting whether it was an array, and what
// cleaning did to every article it got that far with (failed ones too).
func decodeJSON(data []byte, name string, c *content.Cleaner) ([]*feeds.Article, []explained, bool, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, nil, false, &FileError{Path: name, Line: lineAt(data, invalidAt(data)), Err: errors.New("not valid UTF-8")}
	}
	if arts, ex, ok := decodeArray(data, c); ok {
		return arts, ex, true, nil
	}
	return decodeEach(data, name, c)
}

// decodeEach is decodeJSON one element at a time, each error where it is.
func decodeEach(data []byte, name string, c *content.Cleaner) ([]*feeds.Article, []explained, bool, error) {
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, nil, false, &FileError{Path: name, Line: lineAt(data, int(se.Offset)), Err: fmt.Errorf("invalid JSON: %v", se)}
		}
		return nil, nil, false, &FileError{Path: name, Err: fmt.Errorf("invalid JSON: %v", err)}
	}
	start := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
	var elems []element
	isArray := false
	switch data[start] {
	case '{':
		elems = []element{{data[start:], start, 0}}
	case '[':
		isArray = true
		dec := json.NewDecoder(bytes.NewReader(data))
		if _, err := dec.Token(); err != nil { // the '['
			return nil, nil, true, &FileError{Path: name, Err: err}
		}
		for dec.More() {
			off := int(dec.InputOffset())
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, nil, true, &FileError{Path: name, Line: lineAt(data, off), Err: err}
			}
			off += len(data[off:]) - len(bytes.TrimLeft(data[off:], " \t\r\n,"))
			elems = append(elems, element{raw, off, len(elems) + 1})
		}
		if len(elems) == 0 {
			return nil, nil, true, &FileError{Path: name, Line: lineAt(data, start), Err: errors.New("empty array: no articles")}
		}
	default:
		return nil, nil, false, &FileError{Path: name, Line: lineAt(data, start), Err: errors.New("want an article object or an array of them")}
	}

	var arts []*feeds.Article
	var ex []explained
	var errs []error
	for _, e := range elems {
		x, err := decodeElement(data, e, name, c)
		if x != nil {
			ex = append(ex, *x)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		arts = append(arts, x.a)
	}
	if len(errs) > 0 {
		return nil, ex, isArray, errors.Join(errs...)
	}
	return arts, ex, isArray, nil
}

// unknownField matches encoding/json's error for a field the struct lacks.
var unknownField = regexp.MustCompile(`unknown field "((?:[^"\\]|\\.)*)"`)

// knownFields lists the fields of the article object and of its nested
// objects, for error messages.
var knownFields = map[string]string{
	"":        "guid, title, summary, content_html, url, language, published, updated, publish_at, categories, authors, image, related",
	"authors": "name, email, url",
	"image":   "url, type, length",
	"related": "title, url",
}

// unknownFieldError says where the unknown field f sits: at the top level
// of the article or inside one of its nested objects.
func unknownFieldError(raw []byte, f string) error {
	var top map[string]json.RawMessage
	_ = json.Unmarshal(raw, &top) // raw is a valid object
	if _, ok := top[f]; !ok {
		for _, parent := range []string{"authors", "image", "related"} {
			if bytes.Contains(top[parent], []byte(`"`+f+`"`)) {
				return fmt.Errorf("%s: unknown field %q (known: %s)", parent, f, knownFields[parent])
			}
		}
	}
	return fmt.Errorf("unknown field %q (known: %s)", f, knownFields[""])
}

// decodeElement decodes, cleans and checks one article object. The result
// is nil when the object could not be decoded.
func decodeElement(data []byte, e element, name string, c *content.Cleaner) (*explained, error) {
	fail := func(line int, err error) error { return &FileError{Path: name, Line: line, Item: e.item, Err: err} }
	failField := func(field string, err error) error {
		return &FileError{Path: name, Line: keyLine(data, e, field), Field: field, Item: e.item, Err: err}
	}
	if len(e.raw) == 0 || e.raw[0] != '{' {
		return nil, fail(lineAt(data, e.base), errors.New("want an article object"))
	}
	dec := json.NewDecoder(bytes.NewReader(e.raw))
	dec.DisallowUnknownFields()
	ja := new(jsonArticle)
	if err := dec.Decode(ja); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = "article"
			}
			return nil, &FileError{Path: name, Line: lineAt(data, e.base+int(te.Offset)), Field: field, Item: e.item,
				Err: fmt.Errorf("field %s: want %s, not %s", field, jsonType(te.Type.String()), te.Value)}
		case unknownField.MatchString(err.Error()):
			f := unknownField.FindStringSubmatch(err.Error())[1]
			return nil, failField(f, unknownFieldError(e.raw, f))
		}
		return nil, fail(lineAt(data, e.base), err)
	}
	return buildArticle(ja, c, failField)
}

// decodeArray decodes data, an array of article objects all of which are
// valid, in one pass over it; ok is false when anything is amiss (not an
// array of objects, an unknown field, a bad value or article), and
// decodeJSON's element-by-element path then says exactly what, and where.
// The one pass is most of reading a large file: the other splits the
// array and decodes each element again.
func decodeArray(data []byte, c *content.Cleaner) (arts []*feeds.Article, ex []explained, ok bool) {
	start := len(data) - len(bytes.TrimLeft(data, " \t\r\n"))
	if start == len(data) || data[start] != '[' {
		return nil, nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var jas []*jsonArticle
	if err := dec.Decode(&jas); err != nil || len(jas) == 0 {
		return nil, nil, false
	}
	if _, err := dec.Token(); err != io.EOF { // more after the array
		return nil, nil, false
	}
	bad := errors.New("invalid")
	failField := func(string, error) error { return bad }
	arts, ex = make([]*feeds.Article, 0, len(jas)), make([]explained, 0, len(jas))
	for _, ja := range jas {
		if ja == nil { // null: not an article object
			return nil, nil, false
		}
		x, err := buildArticle(ja, c, failField)
		if err != nil {
			return nil, nil, false
		}
		arts, ex = append(arts, x.a), append(ex, *x)
	}
	return arts, ex, true
}

// buildArticle makes, cleans and checks the article of ja, and says what
// cleaning did, also when it fails; failField makes the error of a field.
func buildArticle(ja *jsonArticle, c *content.Cleaner, failField func(field string, err error) error) (*explained, error) {
	a := &feeds.Article{
		GUID:        strings.TrimSpace(ja.GUID),
		Title:       collapse(ja.Title),
		Summary:     collapse(ja.Summary),
		ContentHTML: content.SanitizeHTML(ja.ContentHTML),
		URL:         strings.TrimSpace(ja.URL),
		Language:    strings.TrimSpace(ja.Language),
		Authors:     ja.Authors,
		Image:       ja.Image,
	}
	for _, c := range ja.Categories {
		a.Categories = append(a.Categories, strings.TrimSpace(c))
	}
	for _, r := range ja.Related {
		a.Related = append(a.Related, feeds.Related(r))
	}
	if a.Image != nil {
		a.Image.URL = strings.TrimSpace(a.Image.URL)
	}
	var errs []error
	date := func(field, value string) time.Time {
		if value == "" {
			return time.Time{}
		}
		t, err := parseDate(value, true)
		if err != nil {
			errs = append(errs, failField(field, fmt.Errorf("%s: %w", field, err)))
		}
		return t
	}
	a.Published = date("published", ja.Published)
	a.Updated = date("updated", ja.Updated)
	a.PublishAt = date("publish_at", ja.PublishAt) // embargo: stored, published at that time
	rep, err := cleanArticle(c, a, "")
	x := &explained{a, rep}
	if err != nil {
		errs = append(errs, failField("content_html", err))
		return x, byLine(errs)
	}
	for _, p := range checkArticle(a, rep.Text) {
		errs = append(errs, failField(p.field, p.err))
	}
	if len(errs) > 0 {
		return x, byLine(errs)
	}
	return x, nil
}

// jsonType names a Go type the way a JSON author thinks of it.
func jsonType(goType string) string {
	switch {
	case goType == "string":
		return "a string"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "int"), strings.HasPrefix(goType, "float"):
		return "a number"
	case goType == "bool":
		return "true or false"
	}
	return "an object"
}

// lineAt is the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	off = min(max(off, 0), len(data))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// keyLine is the line of the first `"key":` in element e, else of the
// element's start. A JSON string cannot contain a bare quote, so the
// pattern only matches a real key (or a string value equal to the key
// name, which the colon rules out).
func keyLine(data []byte, e element, key string) int {
	quoted := []byte(`"` + key + `"`)
	for off := 0; ; {
		i := bytes.Index(e.raw[off:], quoted)
		if i < 0 {
			return lineAt(data, e.base)
		}
		i += off
		rest := bytes.TrimLeft(e.raw[i+len(quoted):], " \t\r\n")
		if len(rest) > 0 && rest[0] == ':' {
			return lineAt(data, e.base+i)
		}
		off = i + 1
	}
}
