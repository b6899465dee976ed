package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"

	"net/http"
	"strings"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/importer"
	"github.com/newswire/newswire/internal/store"
)

// Admin is what the admin API needs beyond the read side of Store.
type Admin interface {
	SaveArticles(ctx context.Context, as []*feeds.Article) ([]store.SaveResult, error)
	WithdrawArticle(ctx context.Context, guid, reason string) error
	UpsertSource(ctx context.Context, src store.Source) (store.Source, error)
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
			http.Error(w, "unauthorized", http.StatusUnauthorized)
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

// apiError turns request problems into 400s that name the field, and the
// rest into writeError's statuses.
func (s *Server) apiError(w http.ResponseWriter, r *http.Request, err error) {
	var fe *importer.FileError
	var ve *store.ValidationError
	var tooBig *http.MaxBytesError
	var se *store.StorageError
	switch {
	case errors.As(err, &se):
		// Nothing was written; the same request may work once the fault
		// clears, so the client is told to come back, not that it erred.
		s.log.Error("admin write failed: storage", "method", r.Method, "path", r.URL.Path, "error", err)
		w.Header().Set("Retry-After", storageRetryAfter)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{
			"error":  "the database cannot be written (" + se.Fault.String() + "): nothing was saved; retry later",
			"reason": se.Fault.Reason()})
	case errors.As(err, &tooBig):
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("body larger than %d bytes", tooBig.Limit)})
	case errors.As(err, &ve):
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": ve.Error(), "field": ve.Field})
	case errors.As(err, &fe):
		writeJSON(w, http.StatusBadRequest, fileErrorBody(err, fe))
	case errors.Is(err, store.ErrNotFound):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
	default:
		var bad *badRequest
		var bf *badField
		if errors.As(err, &bf) {
			body := map[string]any{"error": bf.Error(), "field": bf.field}
			if bf.item > 0 {
				body["item"] = bf.item
			}
			writeJSON(w, http.StatusBadRequest, body)
			return
		}
		if errors.As(err, &bad) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": bad.msg})
			return
		}
		s.log.Error("admin request failed", "method", r.Method, "path", r.URL.Path, "error", err)
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
	}
}

// badField is a bad request about one field of the body, of its item-th
// article when the body is an array (1-based; 0 otherwise).
type badField struct {
	field, msg string
	item       int
}

func (e *badField) Error() string {
	if e.item > 0 {
		return fmt.Sprintf("article %d: %s: %s", e.item, e.field, e.msg)
	}
	return e.field + ": " + e.msg
}

// fileErrorBody is the 400 body for the decoder's errors: every problem,
// each with its line (and its article, in an array), and the field and
// item (the article's 1-based place in the array) of the first. A request
// with several problems learns them all at once.
func fileErrorBody(err error, first *importer.FileError) map[string]any {
	var msgs []string
	var walk func(error)
	walk = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		var fe *importer.FileError
		if errors.As(err, &fe) {
			msg := fe.Message()
			if fe.Line > 0 {
				msg = fmt.Sprintf("line %d: %s", fe.Line, msg)
			}
			msgs = append(msgs, msg)
		}
	}
	walk(err)
	body := map[string]any{"error": strings.Join(msgs, "; ")}
	if first.Field != "" {
		body["field"] = first.Field
	}
	if first.Item > 0 {
		body["item"] = first.Item
	}
	return body
}

type savedArticle struct {
	GUID   string `json:"guid"`
	Result string `json:"result"` // created, updated, unchanged
	URL    string `json:"url"`
}

// apiSaveArticles creates or updates articles by GUID, with the same JSON
// as `newswire import`: one object or an array, all saved or none.
func (s *Server) apiSaveArticles(w http.ResponseWriter, r *http.Request) {
	as, err := importer.DecodeJSONWith(r.Body, "request body", importer.Options{Cleaner: s.cleaner})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if len(as) == 0 {
		s.apiError(w, r, &badRequest{"no articles in the body"})
		return
	}
	now := time.Now().UTC().Truncate(time.Second)
	for i, a := range as {
		if a.GUID == "" {
			bf := &badField{field: "guid", msg: "required (the CMS's stable id)"}
			if len(as) > 1 {
				bf.item = i + 1
			}
			s.apiError(w, r, bf)
			return
		}
		// A CMS id such as "cms-42" becomes a tag: URI, the same one the
		// DELETE route derives from it.
		a.GUID = feeds.StableID(a.GUID)
		if a.Published.IsZero() {
			a.Published = now
		}
	}
	res, err := s.saveArticles(r.Context(), as)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]savedArticle, len(as))
	status := http.StatusOK
	for i, a := range as {
		out[i] = savedArticle{GUID: a.GUID, Result: res[i].String(), URL: s.articleURL(a.GUID)}
		if res[i] == store.Created {
			status = http.StatusCreated
		}
	}
	s.Invalidate(r.Context()) // our own feeds now, WebSub subscribers through OnChange
	writeJSON(w, status, out)
}

// saveArticles saves as unless they would create more categories than
// importer.MaxCategories allows. Saves through this server take turns, so
// two requests cannot both pass the bound; another process writing the
// same database at once can take it past by one request's categories.
func (s *Server) saveArticles(ctx context.Context, as []*feeds.Article) ([]store.SaveResult, error) {
	s.apiSaveMu.Lock()
	defer s.apiSaveMu.Unlock()
	have, err := s.opts.Admin.CategorySlugs(ctx)
	if err != nil {
		return nil, err
	}
	if err := importer.CheckNewCategories("request body", as, have, importer.MaxCategories); err != nil {
		return nil, err
	}
	return s.opts.Admin.SaveArticles(ctx, as)
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

// apiSource is a source in the admin API's JSON.
type apiSource struct {
	Name         string       `json:"name"`
	URL          string       `json:"url"`
	Schedule     string       `json:"schedule,omitempty"`
	Categories   []string     `json:"categories,omitempty"`
	Rules        []store.Rule `json:"rules,omitempty"`
	Enabled      *bool        `json:"enabled,omitempty"`
	AllowPrivate bool         `json:"allow_private,omitempty"`

	// State, in responses only.
	LastAttempt    *time.Time `json:"last_attempt,omitempty"`
	LastSuccess    *time.Time `json:"last_success,omitempty"`
	NextRun        *time.Time `json:"next_run,omitempty"`
	LastError      string     `json:"last_error,omitempty"`
	Failures       int        `json:"failures,omitempty"`
	DisabledReason string     `json:"disabled_reason,omitempty"`
	Note           string     `json:"note,omitempty"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toAPISource(src store.Source) apiSource {
	enabled := src.Enabled
	return apiSource{Name: src.Name, URL: src.URL, Schedule: src.Schedule, Categories: src.Categories,
		Rules: src.Rules, Enabled: &enabled, AllowPrivate: src.AllowPrivate,
		LastAttempt: timePtr(src.LastAttempt), LastSuccess: timePtr(src.LastSuccess), NextRun: timePtr(src.NextRun),
		LastError: src.LastError, Failures: src.Failures, DisabledReason: src.DisabledReason, Note: src.Note}
}

func (s *Server) apiListSources(w http.ResponseWriter, r *http.Request) {
	srcs, err := s.st.Sources(r.Context())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]apiSource, 0, len(srcs))
	for _, src := range srcs {
		out = append(out, toAPISource(src))
	}
	writeJSON(w, http.StatusOK, out)
}

// apiSaveSource adds or changes a source; the scheduler picks it up from
// the database.
func (s *Server) apiSaveSource(w http.ResponseWriter, r *http.Request) {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	var in apiSource
	if err := dec.Decode(&in); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.apiError(w, r, err)
			return
		}
		s.apiError(w, r, &badRequest{"invalid JSON: " + err.Error()})
		return
	}
	src := store.Source{Name: in.Name, URL: in.URL, Schedule: in.Schedule, Categories: in.Categories,
		Rules: in.Rules, Enabled: in.Enabled == nil || *in.Enabled, AllowPrivate: in.AllowPrivate, Origin: store.OriginCLI}
	if s.opts.CheckSource != nil {
		if err := s.opts.CheckSource(src); err != nil {
			s.apiError(w, r, &badRequest{err.Error()})
			return
		}
	}
	saved, err := s.opts.Admin.UpsertSource(r.Context(), src)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	s.notifySourcesChanged()
	writeJSON(w, http.StatusOK, toAPISource(saved))
}

func (s *Server) apiDeleteSource(w http.ResponseWriter, r *http.Request) {
	if err := s.opts.Admin.DeleteSource(r.Context(), r.PathValue("name")); err != nil {
		s.apiError(w, r, err)
		return
	}
	s.notifySourcesChanged()
	w.WriteHeader(http.StatusNoContent)
}
