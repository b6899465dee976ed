package importer

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newswire/newswire/internal/content"
)

// explainLog records the Explain calls of one import.
type explainLog struct {
	paths, guids []string
	reports      []content.Report
}

func (l *explainLog) explain(path, guid string, r content.Report) {
	l.paths = append(l.paths, path)
	l.guids = append(l.guids, guid)
	l.reports = append(l.reports, r)
}

func TestExplain(t *testing.T) {
	c := content.New(content.Options{})
	t.Run("seed", func(t *testing.T) {
		var log explainLog
		a := readOne(t, seedFile, Options{Cleaner: c, Explain: log.explain})
		if len(log.reports) != 1 || log.paths[0] != seedFile || log.guids[0] != a.GUID {
			t.Fatalf("explain calls %q %q", log.paths, log.guids)
		}
		r := log.reports[0]
		if len(r.Cuts) != 13 || r.Empty || !r.LanguageDetected || !r.SummaryGenerated {
			t.Errorf("report:\n%s", r)
		}
		s := r.String()
		for _, want := range []string{"13 blocks cut:", `heading    "مواضيع ذات صلة"`, "related: 5 entries", `qa         "س: ما أهمية هذا المحتوى؟"`} {
			if !strings.Contains(s, want) {
				t.Errorf("explanation lacks %q:\n%s", want, s)
			}
		}
	})
	t.Run("only boilerplate is explained and refused", func(t *testing.T) {
		var log explainLog
		path := filepath.Join(badDir, "boilerplate_only.txt")
		_, err := ReadFile(path, Options{Cleaner: c, Explain: log.explain})
		var fe *FileError
		if !errors.As(err, &fe) || fe.Line != 3 || !errors.Is(err, ErrNoContent) || !strings.Contains(err.Error(), "only boilerplate (5 blocks cut") {
			t.Errorf("error %v", err)
		}
		if len(log.reports) != 1 || !log.reports[0].Empty || len(log.reports[0].Cuts) != 5 || log.guids[0] != FileGUID(path) {
			t.Errorf("explain calls %q %+v", log.guids, log.reports)
		}
	})
	t.Run("a JSON array is explained per article with final GUIDs", func(t *testing.T) {
		var log explainLog
		path := filepath.Join(articlesDir, "006_wire-roundup.json")
		arts, err := ReadFile(path, Options{Cleaner: c, Explain: log.explain})
		if err != nil {
			t.Fatal(err)
		}
		if len(log.guids) != 2 || log.guids[0] != arts[0].GUID || log.guids[1] != arts[1].GUID || log.guids[1] != "https://news.example/world/port-strike-ends" {
			t.Errorf("explain GUIDs %q", log.guids)
		}
	})
	t.Run("markdown", func(t *testing.T) {
		var log explainLog
		readOne(t, filepath.Join(articlesDir, "004_parliament-budget-vote.md"), Options{Cleaner: c, Explain: log.explain})
		if len(log.reports) != 1 || len(log.reports[0].Cuts) != 5 {
			t.Errorf("reports %+v", log.reports)
		}
	})
}

func TestJSONUpstreamBoilerplate(t *testing.T) {
	src := `{"title": "Night buses", "url": "https://news.example/city/night-buses", "related": ["Earlier story"],
  "content_html": "<div class=\"share\"><a href=\"https://facebook.com/sharer\">Facebook</a> <a href=\"https://x.com/intent\">X</a></div><p>The city council voted on Monday to make the night bus network permanent after a two-year trial in which ridership doubled.</p><p></p><p>This content helps search engines index this page.</p><h2>Related articles</h2><ul><li><a href=\"/city/trams\">Tram extension delayed</a></li><li><a href=\"https://news.example/city/cycle\">New cycle lanes</a></li></ul>"}`
	arts, err := DecodeJSONWith(strings.NewReader(src), "request body", Options{Cleaner: content.New(content.Options{})})
	if err != nil {
		t.Fatal(err)
	}
	a := arts[0]
	if want := "<p>The city council voted on Monday to make the night bus network permanent after a two-year trial in which ridership doubled.</p>"; a.ContentHTML != want {
		t.Errorf("content %q", a.ContentHTML)
	}
	if len(a.Related) != 3 || a.Related[0].Title != "Earlier story" || a.Related[1].URL != "https://news.example/city/trams" || a.Related[2].Title != "New cycle lanes" {
		t.Errorf("related %+v", a.Related)
	}
	if a.Language != "en" || !strings.HasPrefix(a.Summary, "The city council voted") {
		t.Errorf("language %q summary %q", a.Language, a.Summary)
	}
}
