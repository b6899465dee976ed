package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/importer"
	"github.com/newswire/newswire/internal/newsroom"
)

// Admin is what the admin API needs beyond the read side of Store.
type Admin interface {
	// SaveCleaned saves articles with the text their cleaning read, which
	// the search index takes instead of reading each body again.
	SaveCleaned(ctx context.Context, items []newsroom.Cleaned) ([]newsroom.SaveResult, error)
	WithdrawArticle(ctx context.Context, guid, reason string) error
	UpsertSource(ctx context.Context, src newsroom.Source) (newsroom.Source, error)
	SourceByName(ctx context.Context, name string) (newsroom.Source, error)
	DeleteSource(ctx context.Context, name string) error
	// CategorySlugs lists every category, listed or not, for the bound on
	// the categories the API creates.
	CategorySlugs(ctx context.Context) (map[string]bool, error)
}

// maxAPIBody bounds an admin request body: a batch of full articles.
const maxAPIBody = 8 << 20

// apiRoutes adds the admin API (for the newsroom's CMS) to mux. Without a
// token the API is off: its routes do not exist.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	if s.opts.AdminToken == "" || s.opts.Admin == nil {
		return
	}
	sum := sha256.Sum256([]byte(s.opts.AdminToken))
	s.tokenSum = sum[:]
	mux.Handle("POST /api/articles", s.authed(s.apiSaveArticles))
	mux.Handle("DELETE /api/articles/{guid...}", s.authed(s.apiWithdraw))
	mux.Handle("GET /api/sources", s.authed(s.apiListSources))
	mux.Handle("POST /api/sources", s.authed(s.apiSaveSource))
	mux.Handle("DELETE /api/sources/{name}", s.authed(s.apiDeleteSource))
	// The mux's own 404 and 405 are plain text; the API's answers are JSON
	// like every other 4xx it gives. A method-less pattern catches the
	// methods the routes above lack.
	for path, allow := range map[string]string{
		"/api/articles":           "POST",
		"/api/articles/{guid...}": "DELETE",
		"/api/sources":            "GET, HEAD, POST",
		"/api/sources/{name}":     "DELETE",
	} {
		mux.Handle(path, s.authed(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeJSON(w, http.StatusMethodNotAllowed, Problem{Error: r.Method + " is not allowed here; allowed: " + allow})
		}))
	}
	mux.Handle("/api/", s.authed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, Problem{Error: "no such API endpoint: " + r.URL.Path})
	}))
}

// authed requires "Authorization: Bearer <token>". The comparison takes the
// same time whatever the guess (hashes of equal length, constant-time
// compare), and a failure says nothing more than 401; the header is never
// logged.
func (s *Server) authed(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The scheme is case-insensitive (RFC 9110, 11.1).
		scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		ok = ok && strings.EqualFold(scheme, "Bearer")
		sum := sha256.Sum256([]byte(token))
		if !ok || subtle.ConstantTimeCompare(sum[:], s.tokenSum) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="newswire"`)
			writeJSON(w, http.StatusUnauthorized, Problem{Error: "unauthorized"})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxAPIBody)
		h(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// Problem is the JSON body of every 4xx the admin API answers: a sentence
// in error, the field at fault when there is one, and for an item of an
// array body its index (0-based).
type Problem struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
	Index *int   `json:"index,omitempty"`
}

// FieldError is a problem with one field of a request body: a 400 naming
// the field (a JSON key: "url", "categories[1]").
type FieldError struct {
	Field string
	Err   error
}

// Error returns the cause, which names the field as the user wrote it.
func (e *FieldError) Error() string { return e.Err.Error() }

// Unwrap returns the cause.
func (e *FieldError) Unwrap() error { return e.Err }

// ItemError is a problem with the item at Index (0-based) of an array
// body; the answer names the index.
type ItemError struct {
	Index int
	Err   error
}

// Error names the item, 1-based as people count.
func (e *ItemError) Error() string { return fmt.Sprintf("item %d: %v", e.Index+1, e.Err) }

// Unwrap returns the cause.
func (e *ItemError) Unwrap() error { return e.Err }

// apiError turns request problems into 4xx bodies that name the field and
// item, and the rest into 500s, logged.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	var tooBig *http.MaxBytesError
	var se *newsroom.StorageError
	switch {
	case errors.As(err, &se):
		// Nothing was written; the same request may work once the fault
		// clears, so the client is told to come back, not that it erred.
		s.faults.Error(se.Fault.Reason(), "admin request failed: storage", err, "method", r.Method, "path", r.URL.Path)
		msg := "the database cannot be written (" + se.Fault.String() + "): nothing was saved; retry later"
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			msg = "the database cannot be read (" + se.Fault.String() + "): retry later"
		}
		w.Header().Set("Retry-After", storageRetryAfter)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": msg, "reason": se.Fault.Reason()})
	case errors.As(err, &tooBig):
		writeJSON(w, http.StatusRequestEntityTooLarge, Problem{Error: fmt.Sprintf("body larger than %d bytes", tooBig.Limit)})
	case errors.Is(err, newsroom.ErrNotFound):
		writeJSON(w, http.StatusNotFound, Problem{Error: err.Error()})
	default:
		if p, ok := requestProblem(err); ok {
			writeJSON(w, http.StatusBadRequest, p)
			return
		}
		s.log.Error("admin request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		writeJSON(w, http.StatusInternalServerError, Problem{Error: "internal error"})
	}
}

// requestProblem describes err when it is the request's fault: every
// problem it joins, in one line, and the field and index of the first.
func requestProblem(err error) (Problem, bool) {
	var p Problem
	var msgs []string
	var walk func(err error, index *int)
	walk = func(err error, index *int) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e, index)
			}
			return
		}
		var item *ItemError
		if errors.As(err, &item) {
			walk(item.Err, &item.Index)
			return
		}
		var ife *importer.FileError
		if errors.As(err, &ife) && ife.Item > 0 && index == nil {
			// The importer counts the articles of an array from 1.
			i := ife.Item - 1
			index = &i
		}
		msg, field, ok := fieldOf(err)
		if !ok {
			return
		}
		if index != nil && !strings.HasPrefix(msg, "item ") {
			msg = fmt.Sprintf("item %d: %s", *index+1, msg)
		}
		msgs = append(msgs, msg)
		if len(msgs) == 1 {
			p.Field, p.Index = field, index
		}
	}
	walk(err, nil)
	if len(msgs) == 0 {
		return Problem{}, false
	}
	p.Error = strings.Join(msgs, "; ")
	return p, true
}

// fieldOf returns the message and field of one request problem.
func fieldOf(err error) (msg, field string, ok bool) {
	var fe *FieldError
	var ife *importer.FileError
	var ve *newsroom.ValidationError
	var bad *badRequest
	switch {
	case errors.As(err, &fe):
		return fe.Error(), fe.Field, true
	case errors.As(err, &ve):
		return ve.Field + ": " + ve.Reason, ve.Field, true
	case errors.As(err, &ife):
		msg := ife.Err.Error()
		if ife.Line > 0 {
			msg = fmt.Sprintf("line %d: %s", ife.Line, msg)
		}
		return msg, ife.Field, true
	case errors.As(err, &bad):
		return bad.msg, "", true
	}
	return "", "", false
}

type savedArticle struct {
	GUID   string `json:"guid"`
	Result string `json:"result"` // created, updated, unchanged
	URL    string `json:"url"`
}

// apiSaveArticles creates or updates articles by GUID, with the same JSON
// as `newswire import`: one object or an array, all saved or none.
func (s *Server) apiSaveArticles(w http.ResponseWriter, r *http.Request) {
	items, err := importer.DecodeCleaned(r.Body, "request body", importer.Options{Cleaner: s.cleaner})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	as := newsroom.Articles(items)
	if len(as) == 0 {
		s.apiError(w, r, &badRequest{"no articles in the body"})
		return
	}
	now := time.Now().UTC().Truncate(time.Second)
	var missing []error
	for i, a := range as {
		if a.GUID == "" {
			missing = append(missing, &ItemError{i, &FieldError{"guid", errors.New("guid: required (the CMS's stable id)")}})
			continue
		}
		// A CMS id such as "cms-42" becomes a tag: URI, the same one the
		// DELETE route derives from it.
		a.GUID = feeds.StableID(a.GUID)
		if a.Published.IsZero() {
			// A re-post without a date keeps the date the article was first
			// published with: an unchanged article stays unchanged, whatever
			// second the CMS sends it again in.
			a.Published = now
			if old, err := s.st.Article(r.Context(), a.GUID); err == nil && !old.Published.IsZero() {
				a.Published = old.Published
			}
		}
		if len(a.Categories) == 0 {
			a.Categories = []string{feeds.Uncategorized}
		}
	}
	if len(missing) > 0 {
		s.apiError(w, r, errors.Join(missing...))
		return
	}
	// The same rule as `newswire import`: a repeated guid would make the
	// later copy replace the earlier one unseen.
	if err := importer.CheckUniqueGUIDs("request body", as); err != nil {
		s.apiError(w, r, err)
		return
	}
	res, err := s.saveArticles(r.Context(), items)
	if err != nil {
		s.apiError(w, r, indexByGUID(err, as))
		return
	}
	out := make([]savedArticle, len(as))
	status := http.StatusOK
	for i, a := range as {
		out[i] = savedArticle{GUID: a.GUID, Result: res[i].String(), URL: s.articleURL(a.GUID)}
		if res[i] == newsroom.Created {
			status = http.StatusCreated
		}
	}
	s.Invalidate(r.Context()) // our own feeds now, WebSub subscribers through OnChange
	writeJSON(w, status, out)
}

// indexByGUID names the item of a store validation error by its index in
// the request.
func indexByGUID(err error, as []*feeds.Article) error {
	var ve *newsroom.ValidationError
	if len(as) < 2 || !errors.As(err, &ve) {
		return err
	}
	for i, a := range as {
		if a.GUID == ve.GUID {
			return &ItemError{i, err}
		}
	}
	return err
}

// saveArticles saves as unless they would create more categories than
// importer.MaxCategories allows. Saves through this server take turns, so
// two requests cannot both pass the bound; another process writing the
// same database at once can take it past by one request's categories.
func (s *Server) saveArticles(ctx context.Context, items []newsroom.Cleaned) ([]newsroom.SaveResult, error) {
	as := newsroom.Articles(items)
	s.apiSaveMu.Lock()
	defer s.apiSaveMu.Unlock()
	have, err := s.opts.Admin.CategorySlugs(ctx)
	if err != nil {
		return nil, err
	}
	if err := importer.CheckNewCategories("request body", as, have, importer.MaxCategories); err != nil {
		return nil, err
	}
	return s.opts.Admin.SaveCleaned(ctx, items)
}

// apiWithdraw takes an article out of every feed; feeds carry a tombstone.
func (s *Server) apiWithdraw(w http.ResponseWriter, r *http.Request) {
	guid := feeds.StableID(r.PathValue("guid"))
	reason := r.URL.Query().Get("reason")
	if err := s.opts.Admin.WithdrawArticle(r.Context(), guid, reason); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.Invalidate(r.Context())
	w.WriteHeader(http.StatusNoContent)
}

// SourceJSON is a source in JSON, the one shape for sources everywhere:
// the admin API's requests and answers and `newswire sources list --json`.
type SourceJSON struct {
	Name         string          `json:"name"`
	URL          string          `json:"url"`
	Schedule     string          `json:"schedule,omitempty"`
	Categories   []string        `json:"categories,omitempty"`
	Rules        []newsroom.Rule `json:"rules,omitempty"`
	Enabled      *bool           `json:"enabled,omitempty"`
	AllowPrivate bool            `json:"allow_private,omitempty"`

	// State, in answers only.
	Origin         string     `json:"origin,omitempty"` // the door that created it: "config", "cli" (sources add, opml import) or "api"
	LastAttempt    *time.Time `json:"last_attempt,omitempty"`
	LastSuccess    *time.Time `json:"last_success,omitempty"`
	NextRun        *time.Time `json:"next_run,omitempty"`
	LastError      string     `json:"last_error,omitempty"`
	Failures       int        `json:"failures,omitempty"`
	LastNew        int        `json:"last_new,omitempty"`
	LastUpdated    int        `json:"last_updated,omitempty"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	Note           string     `json:"note,omitempty"`
	MovedFrom      string     `json:"moved_from,omitempty"`
	// Result is what a POST did: created, updated or unchanged.
	Result string `json:"result,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// NewSourceJSON returns src in the JSON shape.
func NewSourceJSON(src newsroom.Source) SourceJSON {
	enabled := src.Enabled
	return SourceJSON{Name: src.Name, URL: src.URL, Schedule: src.Schedule, Categories: src.Categories,
		Rules: src.Rules, Enabled: &enabled, AllowPrivate: src.AllowPrivate, Origin: src.Origin,
		LastAttempt: timePtr(src.LastAttempt), LastSuccess: timePtr(src.LastSuccess), NextRun: timePtr(src.NextRun),
		LastError: src.LastError, Failures: src.Failures, LastNew: src.LastNew, LastUpdated: src.LastUpdated,
		DisabledReason: src.DisabledReason, Note: src.Note, MovedFrom: src.URLChangedFrom}
}

// Source is the source j describes, as the admin API creates it (origin
// "api"); apiSaveSource keeps an existing source's origin.
func (j SourceJSON) Source() newsroom.Source {
	return newsroom.Source{Name: j.Name, URL: j.URL, Schedule: j.Schedule, Categories: j.Categories,
		Rules: j.Rules, Enabled: j.Enabled == nil || *j.Enabled, AllowPrivate: j.AllowPrivate, Origin: newsroom.OriginAPI}
}

// SourceOutcome says what saving a source did: "created" when there was
// none (had false), "unchanged" when its definition is the same as
// before, "updated" otherwise.
func SourceOutcome(before newsroom.Source, had bool, after newsroom.Source) string {
	switch {
	case !had:
		return newsroom.Created.String()
	case before.URL == after.URL && before.Schedule == after.Schedule && before.Enabled == after.Enabled &&
		before.AllowPrivate == after.AllowPrivate && before.Origin == after.Origin &&
		slices.Equal(before.Categories, after.Categories) && slices.Equal(before.Rules, after.Rules):
		return newsroom.Unchanged.String()
	}
	return newsroom.Updated.String()
}

func (s *Server) apiListSources(w http.ResponseWriter, r *http.Request) {
	srcs, err := s.st.Sources(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]SourceJSON, 0, len(srcs))
	for _, src := range srcs {
		out = append(out, NewSourceJSON(src))
	}
	writeJSON(w, http.StatusOK, out)
}

// apiSaveSource adds or changes a source, or each of an array of them; the
// scheduler picks them up from the database. Every item is checked before
// any is saved. 201 when one was created, 200 when every one was updated
// or unchanged; each answer item says which.
func (s *Server) apiSaveSource(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	isArray := bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("["))
	var in []SourceJSON
	if err := decodeSources(body, isArray, &in); err != nil {
		s.apiError(w, r, err)
		return
	}
	if len(in) == 0 {
		s.apiError(w, r, &badRequest{"no sources in the body"})
		return
	}
	var errs []error
	type pending struct {
		src    newsroom.Source
		before newsroom.Source
		had    bool
	}
	todo := make([]pending, len(in))
	for i, j := range in {
		src := j.Source()
		before, err := s.opts.Admin.SourceByName(r.Context(), src.Name)
		had := err == nil
		if err != nil && !errors.Is(err, newsroom.ErrNotFound) {
			s.apiError(w, r, err)
			return
		}
		if had && before.Origin != "" {
			// Origin says which door created a source: a change through
			// the API keeps it (a config source stays the config's).
			src.Origin = before.Origin
		}
		todo[i] = pending{src, before, had}
		if s.opts.CheckSource != nil {
			if err := s.opts.CheckSource(src, !had); err != nil {
				if isArray {
					err = &ItemError{i, err}
				}
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		s.apiError(w, r, errors.Join(errs...))
		return
	}
	status := http.StatusOK
	out := make([]SourceJSON, len(todo))
	for i, p := range todo {
		saved, err := s.opts.Admin.UpsertSource(r.Context(), p.src)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		out[i] = NewSourceJSON(saved)
		out[i].Result = SourceOutcome(p.before, p.had, saved)
		if !p.had {
			status = http.StatusCreated
		}
	}
	s.notifySourcesChanged()
	if isArray {
		writeJSON(w, status, out)
		return
	}
	writeJSON(w, status, out[0])
}

// decodeSources reads one source object or an array of them; an unknown
// or mistyped field is a 400 naming it.
func decodeSources(body []byte, isArray bool, out *[]SourceJSON) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var err error
	if isArray {
		err = dec.Decode(out)
	} else {
		var one SourceJSON
		if err = dec.Decode(&one); err == nil {
			*out = []SourceJSON{one}
		}
	}
	if err == nil {
		return nil
	}
	var tooBig *http.MaxBytesError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return err
	case errors.As(err, &te) && te.Field != "":
		return &FieldError{te.Field, fmt.Errorf("%s: want %s, not %s", te.Field, te.Type, te.Value)}
	}
	if m := unknownJSONField.FindStringSubmatch(err.Error()); m != nil {
		return &FieldError{m[1], fmt.Errorf("unknown field %q (known: name, url, schedule, categories, rules, enabled, allow_private)", m[1])}
	}
	return &badRequest{"invalid JSON: " + strings.TrimPrefix(err.Error(), "json: ")}
}

// unknownJSONField matches encoding/json's error for a field the struct lacks.
var unknownJSONField = regexp.MustCompile(`unknown field "((?:[^"\\]|\\.)*)"`)

func (s *Server) apiDeleteSource(w http.ResponseWriter, r *http.Request) {
	if err := s.opts.Admin.DeleteSource(r.Context(), r.PathValue("name")); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.notifySourcesChanged()
	w.WriteHeader(http.StatusNoContent)
}
