package server

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// The pages' 404 and 410 answers are a page of the site: HTML in the
// site's language and direction, one sentence, never a Go error or an
// empty name. Feeds keep plain-text 404s, the API its JSON, and a wrong
// method still gets 405.
func TestPageErrorsAreLocalizedPages(t *testing.T) {
	for _, tt := range []struct {
		lang, dir string
		words     []string // what the pages say, in this language
	}{
		{"ar", "rtl", []string{"غير موجود", "لا يوجد قسم باسم", "لا يوجد خبر بهذا العنوان", "لا توجد صفحة بهذا العنوان", "سُحب هذا الخبر"}},
		{"en", "ltr", []string{"Not found", "There is no category named", "There is no article at this address", "There is no page at this address", "This article was withdrawn"}},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			f := newFixture(t, article(1, "politics"), article(2, "politics"))
			f = startFixtureWith(t, f.st.Store, func(o *Options) { o.Language = tt.lang })
			if err := f.st.WithdrawArticle(context.Background(), "tag:test,2026:politics-2", "published in error"); err != nil {
				t.Fatal(err)
			}
			for _, pt := range []struct {
				path   string
				status int
				says   string
			}{
				{"/categories/nosuch", 404, tt.words[1]},
				{"/articles/nosuch", 404, tt.words[2]},
				{"/articles/", 404, tt.words[3]},
				{"/categories/", 404, tt.words[3]},
				{"/nosuch/page", 404, tt.words[3]},
				{"/articles/tag:test,2026:politics-2", 410, tt.words[4]},
			} {
				resp, body := f.get(t, pt.path)
				page := string(body)
				if resp.StatusCode != pt.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Errorf("%s: %d %s, want %d HTML", pt.path, resp.StatusCode, resp.Header.Get("Content-Type"), pt.status)
					continue
				}
				if !strings.Contains(page, `<html lang="`+tt.lang+`" dir="`+tt.dir+`">`) || !strings.Contains(page, pt.says) {
					t.Errorf("%s: want a %s page saying %q:\n%s", pt.path, tt.lang, pt.says, page)
				}
				if strings.Contains(page, `""`) || strings.Contains(page, "not found:") || strings.Contains(page, "&#34;") {
					t.Errorf("%s: a Go error in the page:\n%s", pt.path, page)
				}
			}
			if _, body := f.get(t, "/categories/nosuch"); !strings.Contains(string(body), "<bdi>nosuch</bdi>") {
				t.Errorf("the missing category's name is not isolated:\n%s", body)
			}
			if resp, _ := f.do(t, http.MethodHead, "/articles/nosuch"); resp.StatusCode != 404 {
				t.Errorf("HEAD of a missing article: %d", resp.StatusCode)
			}
			for path, want := range map[string]string{"/feeds/nosuch.rss": "text/plain", "/feeds/": "text/plain", "/healthz/nosuch": "text/plain"} {
				if resp, _ := f.get(t, path); resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), want) {
					t.Errorf("%s: %d %s, want a 404 in %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), want)
				}
			}
			for _, path := range []string{"/feeds/politics.rss", "/categories/politics", "/status"} {
				if resp, _ := f.do(t, http.MethodPost, path); resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") == "" {
					t.Errorf("POST %s: %d, Allow %q; want 405 with Allow", path, resp.StatusCode, resp.Header.Get("Allow"))
				}
			}
			if resp, _ := f.do(t, http.MethodPost, "/nosuch"); resp.StatusCode != 404 {
				t.Errorf("POST /nosuch: %d, want 404", resp.StatusCode)
			}
		})
	}
}
