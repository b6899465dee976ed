package feeds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"
)

// brokenWant is what each fixture in testdata/feeds/broken must produce:
// every listed kind, and a message containing the given text.
var brokenWant = map[string]struct {
	kinds []Kind
	text  string
}{
	"not-well-formed.rss":          {[]Kind{KindNotWellFormed}, "element <title> closed by </titel>"},
	"undefined-entity.rss":         {[]Kind{KindNotWellFormed}, "&nbsp;"},
	"control-char.rss":             {[]Kind{KindForbiddenChar}, "U+0001"},
	"invalid-utf8.atom":            {[]Kind{KindForbiddenChar}, "invalid UTF-8 byte 0xFF"},
	"missing-guid.rss":             {[]Kind{KindMissingID}, "no <guid>"},
	"missing-id.atom":              {[]Kind{KindMissingID}, "no <id>"},
	"missing-id.json":              {[]Kind{KindMissingID}, "no id"},
	"duplicate-guid.rss":           {[]Kind{KindDuplicateID}, "also used by item 1"},
	"duplicate-id.json":            {[]Kind{KindDuplicateID}, "also used by item 1"},
	"missing-date.rss":             {[]Kind{KindMissingDate}, "no <pubDate>"},
	"missing-updated.atom":         {[]Kind{KindMissingDate}, "no <updated>"},
	"missing-published.atom":       {[]Kind{KindMissingDate}, "no <published>"},
	"unparseable-date.rss":         {[]Kind{KindBadDate}, "not an RFC 822 date"},
	"lenient-date.rss":             {[]Kind{KindBadDate}, `"2025-03-09 10:00:00"`},
	"named-zone-date.rss":          {[]Kind{KindBadDate}, "zone"},
	"wrong-weekday.rss":            {[]Kind{KindBadDate}, "weekday"},
	"bad-date.atom":                {[]Kind{KindBadDate}, "not an RFC 3339 date"},
	"bad-date.json":                {[]Kind{KindBadDate}, "date_published"},
	"empty-content.rss":            {[]Kind{KindEmptyContent}, "neither <content:encoded> nor <description>"},
	"empty-content.atom":           {[]Kind{KindEmptyContent}, "neither <content> nor <summary>"},
	"relative-url.atom":            {[]Kind{KindRelativeURL}, `"/a/1"`},
	"relative-url.json":            {[]Kind{KindRelativeURL}, `"//cdn.news.example/1.jpg"`},
	"missing-self-link.rss":        {[]Kind{KindMissingSelfLink}, `atom:link rel="self"`},
	"missing-self-link.atom":       {[]Kind{KindMissingSelfLink}, `<link rel="self">`},
	"missing-self-link.json":       {[]Kind{KindMissingSelfLink}, "feed_url"},
	"missing-title.json":           {[]Kind{KindMissingTitle}, "no title"},
	"missing-link.rss":             {[]Kind{KindMissingLink}, "no <link>"},
	"permalink-guid.rss":           {[]Kind{KindPermaLink}, "isPermaLink"},
	"missing-category-term.atom":   {[]Kind{KindMissingTerm}, "without term"},
	"missing-author.atom":          {[]Kind{KindMissingAuthor}, "no <author>"},
	"bad-id.atom":                  {[]Kind{KindBadID}, "not an absolute IRI"},
	"enclosure-without-length.rss": {[]Kind{KindBadEnclosure}, "needs url, length and type"},
	"control-char-escaped.json":    {[]Kind{KindForbiddenChar}, "content_html contains forbidden character U+0001"},
	"invalid.json":                 {[]Kind{KindInvalidJSON}, "invalid character '}'"},
	"not-a-feed.html":              {[]Kind{KindNotAFeed}, "<html>"},
	"not-a-feed.json":              {[]Kind{KindNotAFeed}, "not a JSON Feed"},
	"empty.rss":                    {[]Kind{KindNotAFeed}, "empty document"},
	"null-item.json":               {[]Kind{KindUnparseable}, "null"},
	"null-author.json":             {[]Kind{KindUnparseable}, "null"},
	"two-roots.rss":                {[]Kind{KindNotWellFormed}, "second root element"},
	"windows-1256.rss":             {[]Kind{KindEncoding}, "windows-1256"},
	"tombstone-without-ref.atom":   {[]Kind{KindBadTombstone}, "line 22: tombstone 2 has no ref"},
	"tombstone-bad-when.rss":       {[]Kind{KindBadTombstone}, `when "Sat, 08 Mar 2025 08:00:00 +0000": not an RFC 3339 date`},
	"tombstone-without-when.json":  {[]Kind{KindBadTombstone}, `tombstone 2 ("tag:news.example,2025:politics/00") has no when`},
	"deleted-and-present.atom":     {[]Kind{KindDeletedPresent}, `item 1 ("tag:news.example,2025:politics/2"): withdrawn by tombstone 2`},
	"deleted-and-present.json":     {[]Kind{KindDeletedPresent}, `item 2 ("urn:uuid:0f8fad5b-d9cb-469f-a165-70867728950e"): withdrawn by tombstone 2`},
	"relative-archive-link.json":   {[]Kind{KindRelativeURL}, `_newswire.prev_archive "/feeds/politics/archive/2025-03-01.json"`},
	"many-problems.rss": {[]Kind{
		KindMissingSelfLink, KindMissingTitle, KindBadDate, KindDuplicateID,
		KindRelativeURL, KindEmptyContent, KindMissingID,
	}, "item 3: no <guid>"},
}

func TestValidateBrokenFixtures(t *testing.T) {
	for _, path := range fixtures(t, brokenDir) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want, ok := brokenWant[name]
			if !ok {
				t.Fatalf("no expectation for %s: add it to brokenWant", name)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			problems := Validate(data)
			var kinds []Kind
			var all strings.Builder
			for _, p := range problems {
				kinds = append(kinds, p.Kind)
				all.WriteString("\n  " + p.String())
				if p.Msg == "" || !strings.HasSuffix(p.String(), "["+string(p.Kind)+"]") {
					t.Errorf("unreadable problem %#v", p)
				}
			}
			for _, k := range want.kinds {
				if !slices.Contains(kinds, k) {
					t.Errorf("no %s problem; got:%s", k, all.String())
				}
			}
			if !strings.Contains(all.String(), want.text) {
				t.Errorf("no problem mentions %q; got:%s", want.text, all.String())
			}
			err = ValidateErr(data)
			var ve *ValidationError
			if !errors.Is(err, ErrInvalidFeed) || !errors.As(err, &ve) || len(ve.Problems) != len(problems) {
				t.Errorf("ValidateErr = %v", err)
			}
		})
	}
}

// TestBrokenFixturesAreExplained: every broken fixture has its README line,
// and every expectation its fixture.
func TestBrokenFixturesAreExplained(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join(brokenDir, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, path := range fixtures(t, brokenDir) {
		name := filepath.Base(path)
		names[name] = true
		if !bytes.Contains(readme, []byte("- `"+name+"`: ")) {
			t.Errorf("README.md does not say why %s exists", name)
		}
	}
	for name := range brokenWant {
		if !names[name] {
			t.Errorf("fixture %s is missing", name)
		}
	}
}

// TestStrictPassCatchesWhatGofeedRepairs: these fixtures parse with gofeed,
// without a word, so only the strict pass finds their problem.
func TestStrictPassCatchesWhatGofeedRepairs(t *testing.T) {
	for _, name := range []string{"not-well-formed.rss", "undefined-entity.rss", "control-char.rss", "two-roots.rss"} {
		data, err := os.ReadFile(filepath.Join(brokenDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := gofeed.NewParser().Parse(bytes.NewReader(data)); err != nil {
			t.Errorf("%s: gofeed now rejects it (%v): the fixture no longer shows the gap", name, err)
		}
		if len(Validate(data)) == 0 {
			t.Errorf("%s: Validate found nothing", name)
		}
	}
}

func TestValidateGoodFixtures(t *testing.T) {
	for _, path := range fixtures(t, goodDir) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := ValidateErr(data); err != nil {
			t.Errorf("%s: %v", path, err)
		}
	}
}

func TestValidateAcceptsRFC822Variants(t *testing.T) {
	good := []string{
		"Sun, 09 Mar 2025 07:00:00 +0000", "Sun, 9 Mar 2025 07:00:00 +0300", "09 Mar 2025 07:00:00 -0500",
		"Sun, 09 Mar 2025 07:00 GMT", "Sun, 09 Mar 2025 07:00:00 UT", "Sun, 09 Mar 2025 07:00:00 EST",
	}
	for _, s := range good {
		if err := parseRFC822(s); err != nil {
			t.Errorf("%q: %v", s, err)
		}
	}
	bad := []string{
		"Sun, 09 Mar 25 07:00:00 +0000", "2025-03-09T07:00:00Z", "Sun, 09 Mar 2025 07:00:00 AST",
		"Mon, 09 Mar 2025 07:00:00 +0000", "Sun, 09 Mar 2025", "",
	}
	for _, s := range bad {
		if err := parseRFC822(s); err == nil {
			t.Errorf("%q accepted", s)
		}
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Kind: KindMissingDate, Line: 12, Item: 3, ID: "tag:x,2025:1", Msg: "no <pubDate>"},
			`line 12: item 3 ("tag:x,2025:1"): no <pubDate> [missing-date]`},
		{Problem{Kind: KindMissingSelfLink, Msg: "no feed_url"}, `no feed_url [missing-self-link]`},
		{Problem{Kind: KindMissingID, Item: 2, Msg: "no id"}, `item 2: no id [missing-id]`},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
		if tt.p.Error() != tt.want {
			t.Errorf("Error() = %q", tt.p.Error())
		}
	}
}

// TestValidateBoundsCharReports: a binary blob gives a handful of problems, not millions.
func TestValidateBoundsCharReports(t *testing.T) {
	data := append([]byte("<rss>"), bytes.Repeat([]byte{0x01, 0xff}, 10_000)...)
	if n := len(Validate(data)); n > maxCharProblems+5 {
		t.Errorf("%d problems", n)
	}
}

// FuzzValidate: no input makes Validate or Parse panic.
func FuzzValidate(f *testing.F) {
	for _, dir := range []string{brokenDir, goodDir, "testdata"} {
		paths, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, p := range paths {
			if data, err := os.ReadFile(p); err == nil && !strings.HasSuffix(p, ".md") {
				f.Add(data)
			}
		}
	}
	// Feed-level extensions in shapes newswire never writes.
	for _, s := range []string{
		`{"version":"https://jsonfeed.org/version/1.1","title":"t","_newswire":"x","items":[]}`,
		`{"version":"https://jsonfeed.org/version/1.1","title":"t","_newswire":{"deleted":[{"id":1,"when":[]}],"archive":"yes"},"items":[]}`,
		`{"version":"https://jsonfeed.org/version/1.1","title":"t","next_url":"?p=2","hubs":[{"url":""}],"_newswire":{"deleted":[{}]},"items":[{"id":"a"}]}`,
		`<feed xmlns="http://www.w3.org/2005/Atom" xmlns:at="http://purl.org/atompub/tombstones/1.0"><at:deleted-entry><at:by><at:by/></at:by></at:deleted-entry><deleted-entry xmlns="http://purl.org/atompub/tombstones/1.0" ref="x" when="2025-01-01T00:00:00Z"/></feed>`,
		`<rss><channel><fh:archive xmlns:fh="http://purl.org/syndication/history/1.0">x<fh:archive/></fh:archive><at:deleted-entry xmlns:at="http://purl.org/atompub/tombstones/1.0" ref="" when=""/></channel></rss>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		problems := Validate(data)
		for _, p := range problems {
			if p.Kind == "" || p.Msg == "" {
				t.Fatalf("empty problem %#v", p)
			}
		}
		// Parse must not panic either; a clean document must read back.
		if _, err := Parse(data); err != nil && len(problems) == 0 {
			t.Fatalf("valid but Parse fails: %v", err)
		}
	})
}

func TestJSONTopLevel(t *testing.T) {
	data := []byte(` { "a" : 1 , "items":[{"x":"]}\\"},"\"}{"], "h\u0075bs" : [ {"url":"u"} ] ,` +
		`"_NEWSWIRE":{"deleted":[{"id":"\\\"}"}]},"z":null}`)
	if !json.Valid(data) {
		t.Fatalf("test data is not JSON: %s", data)
	}
	got := fmt.Sprintf("%q", jsonTopLevel(data, "hubs", "_newswire", "z", "missing"))
	want := fmt.Sprintf("%q", map[string][]byte{
		"hubs": []byte(`[ {"url":"u"} ]`), "_newswire": []byte(`{"deleted":[{"id":"\\\"}"}]}`), "z": []byte("null"),
	})
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	for _, bad := range []string{"", "[]", `{"a"`, `{"a":`, `{"a":"`, `{"a":[`, `{1:2}`} {
		if got := jsonTopLevel([]byte(bad), "a"); len(got) != 0 {
			t.Errorf("%q: %q", bad, got)
		}
	}
}

// FuzzJSONTopLevel: on any JSON object, jsonTopLevel finds the same values
// as encoding/json.
func FuzzJSONTopLevel(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.json.golden")
	more, _ := filepath.Glob(filepath.Join(brokenDir, "*.json"))
	for _, p := range append(paths, more...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"a":"\\\"","b":[1,{"c":"}"}],"c":-1.5e3,"d":true}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var m map[string]json.RawMessage
		if json.Unmarshal(data, &m) != nil {
			return
		}
		folded := map[string]int{}
		for k := range m {
			folded[strings.ToLower(k)]++
		}
		for k, want := range m {
			if folded[strings.ToLower(k)] > 1 || strings.ToLower(k) != k {
				continue // encoding/json and EqualFold may pick different ones
			}
			if got := jsonTopLevel(data, k)[k]; !bytes.Equal(got, want) {
				t.Fatalf("key %q: got %q, want %q", k, got, want)
			}
		}
	})
}
