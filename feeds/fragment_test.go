package feeds

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestFragmentsLeaveOutWhatOneItemGetsWrong: assembled from fragments, a
// document leaves out the same item for the same kind of fault as Publish.
func TestFragmentsLeaveOutWhatOneItemGetsWrong(t *testing.T) {
	testLeavesOutWhatOneItemGetsWrong(t, NewFragments(0).Publish)
}

// fragmentCase is one feed and budget of the equivalence test.
type fragmentCase struct {
	name string
	feed func(Format) *Feed
	b    Budget
}

func fragmentCases() []fragmentCase {
	cs := []fragmentCase{
		{"small", smallFeed, Budget{}},
		{"small with tombstones", func(fm Format) *Feed {
			f := smallFeed(fm)
			f.Deleted = []Tombstone{
				{GUID: "tag:news.example,2025:gone/1", When: time.Date(2025, 3, 9, 13, 0, 0, 0, time.UTC), Comment: "خطأ", By: "المحرر"},
				{GUID: "tag:news.example,2025:politics/2", When: time.Date(2025, 3, 9, 14, 0, 0, 0, time.UTC)}, // withdraws item 2
				{GUID: "", When: time.Date(2025, 3, 9, 14, 0, 0, 0, time.UTC)},                                 // cannot be rendered
			}
			return f
		}, Budget{}},
		{"small, one item without authors", func(fm Format) *Feed {
			f := smallFeed(fm)
			f.Items[0].Authors = nil
			return f
		}, Budget{}},
		{"empty", func(fm Format) *Feed {
			f := smallFeed(fm)
			f.Items = nil
			f.Created = time.Date(2025, 1, 15, 8, 30, 0, 0, riyadh)
			return f
		}, Budget{}},
		{"arabic, 50 items", func(fm Format) *Feed { return arabicFeed(50, fm) }, Budget{}},
		{"arabic, max items", func(fm Format) *Feed { return arabicFeed(30, fm) }, Budget{MaxItems: 7}},
		// Byte budgets: fewer items first, then summaries, then fewer again.
		{"arabic, fewer items", func(fm Format) *Feed { return arabicFeed(40, fm) }, Budget{MaxBytes: 80_000}},
		{"arabic, summaries", func(fm Format) *Feed { return arabicFeed(40, fm) }, Budget{MaxBytes: 30_000}},
		{"arabic, few summaries", func(fm Format) *Feed { return arabicFeed(40, fm) }, Budget{MaxBytes: 12_000}},
		{"arabic, item bound", func(fm Format) *Feed { return arabicFeed(12, fm) }, Budget{MaxItemBytes: 3_000}},
	}
	for seed := uint64(1); seed <= 6; seed++ { // seeds 3 and 6: archive pages with tombstones
		cs = append(cs, fragmentCase{fmt.Sprintf("generated %d", seed), func(fm Format) *Feed { return genFeed(seed*7+uint64(fm), 30, fm) }, Budget{}})
		cs = append(cs, fragmentCase{fmt.Sprintf("generated %d, 150 KB", seed), func(fm Format) *Feed { return genFeed(seed*7+uint64(fm), 30, fm) }, Budget{MaxBytes: 150_000}})
	}
	return cs
}

// TestFragmentsAssembleWhatPublishRenders is the guarantee: a document
// assembled from validated fragments (cold, warm, and with the cache
// shared by other documents) is byte for byte Publish's fully validated
// render, with the same result, and parses back with gofeed the same, in
// every format, with tombstones and budgets; its gzip is the same document.
func TestFragmentsAssembleWhatPublishRenders(t *testing.T) {
	shared := NewFragments(0)
	for _, fm := range AllFormats() {
		for _, tc := range fragmentCases() {
			name := fmt.Sprintf("%s/%s", fm, tc.name)
			var want bytes.Buffer
			wantRes, wantErr := Publish(&want, tc.feed(fm), fm, tc.b)
			if wantErr != nil {
				t.Fatalf("%s: Publish: %v", name, wantErr)
			}
			mustValidate(t, name, want.Bytes())
			own := NewFragments(0)
			for _, run := range []struct {
				label string
				c     *Fragments
			}{{"cold", own}, {"warm", own}, {"shared", shared}, {"shared again", shared}} {
				var got, gz bytes.Buffer
				res, err := run.c.PublishGzip(&got, &gz, tc.feed(fm), fm, tc.b)
				if err != nil {
					t.Fatalf("%s %s: %v", name, run.label, err)
				}
				if !bytes.Equal(got.Bytes(), want.Bytes()) {
					t.Fatalf("%s %s: assembled document differs from Publish: %s", name, run.label, firstDiff(want.Bytes(), got.Bytes()))
				}
				if !reflect.DeepEqual(res, wantRes) {
					t.Errorf("%s %s: result %+v, Publish %+v", name, run.label, res, wantRes)
				}
				wantFeed, err := Parse(want.Bytes())
				if err != nil {
					t.Fatalf("%s: parse Publish's: %v", name, err)
				}
				gotFeed, err := Parse(got.Bytes())
				if err != nil {
					t.Fatalf("%s %s: parse assembled: %v", name, run.label, err)
				}
				if !reflect.DeepEqual(gotFeed, wantFeed) {
					t.Errorf("%s %s: parsed back differently", name, run.label)
				}
				if plain := gunzipOne(t, gz.Bytes()); !bytes.Equal(plain, want.Bytes()) {
					t.Errorf("%s %s: gzip holds another document: %s", name, run.label, firstDiff(want.Bytes(), plain))
				}
				// Gzip alone: the same stream, the plain size without the plain bytes.
				var gzOnly bytes.Buffer
				res, err = run.c.PublishGzip(nil, &gzOnly, tc.feed(fm), fm, tc.b)
				if err != nil {
					t.Fatalf("%s %s: gzip alone: %v", name, run.label, err)
				}
				if !bytes.Equal(gzOnly.Bytes(), gz.Bytes()) {
					t.Errorf("%s %s: gzip alone differs from gzip with the plain document", name, run.label)
				}
				if !reflect.DeepEqual(res, wantRes) {
					t.Errorf("%s %s: gzip alone: result %+v, Publish %+v", name, run.label, res, wantRes)
				}
			}
		}
	}
}

// gunzipOne decompresses a stream that must be exactly one gzip member:
// readers that stop after the first member must get the whole document.
func gunzipOne(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("gzip header: %v", err)
	}
	zr.Multistream(false)
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	if err := zr.Reset(bytes.NewReader(nil)); err != io.EOF {
		t.Fatalf("reset: %v", err)
	}
	return plain
}

// TestFragmentsNeverCacheABadItem: an item that fails validation is left
// out each time it is asked for, from the cache as well, and an edit that
// fixes it gives it a new key: the fixed item is published.
func TestFragmentsNeverCacheABadItem(t *testing.T) {
	for _, fm := range AllFormats() {
		c := NewFragments(0)
		for round := range 2 {
			f := smallFeed(fm)
			f.Items[1].URL = "/politics/budget"
			var buf bytes.Buffer
			res, err := c.Publish(&buf, f, fm, Budget{})
			if err != nil {
				t.Fatal(err)
			}
			mustValidate(t, fm.String(), buf.Bytes())
			if len(res.Skipped) != 1 || res.Skipped[0].Kind != KindRelativeURL || res.Items != 2 {
				t.Errorf("%s round %d: %+v", fm, round, res)
			}
		}
		f := smallFeed(fm)
		var buf bytes.Buffer
		res, err := c.Publish(&buf, f, fm, Budget{})
		if err != nil || res.Items != 3 || len(res.Skipped) != 0 {
			t.Errorf("%s: fixed item: %+v, %v", fm, res, err)
		}
		if !bytes.Contains(buf.Bytes(), []byte("https://news.example/politics/budget")) {
			t.Errorf("%s: the fixed link is not published", fm)
		}
	}
}

// TestFragmentKeyHoldsWhatChangesTheBytes: whatever changes an item's
// rendering (any field, its category's label, the base URL in its link,
// its language, the budget's variant) changes what the document holds.
func TestFragmentKeyHoldsWhatChangesTheBytes(t *testing.T) {
	edits := map[string]func(f *Feed){
		"title":          func(f *Feed) { f.Items[0].Title += "!" },
		"content":        func(f *Feed) { f.Items[0].ContentHTML += "<p>x</p>" },
		"summary":        func(f *Feed) { f.Items[0].Summary += " x" },
		"updated":        func(f *Feed) { f.Items[0].Updated = f.Items[0].Updated.Add(time.Hour) },
		"published":      func(f *Feed) { f.Items[0].Published = f.Items[0].Published.Add(-time.Hour) },
		"link/base URL":  func(f *Feed) { f.Items[0].URL = strings.Replace(f.Items[0].URL, "news.example", "news2.example", 1) },
		"language":       func(f *Feed) { f.Items[0].Language = "en" },
		"author":         func(f *Feed) { f.Items[0].Authors[0].Name += " x" },
		"category":       func(f *Feed) { f.Items[0].Categories = f.Items[0].Categories[:1] },
		"category label": func(f *Feed) { f.Categories[0].Title = "سياسة محلية" },
		"image":          func(f *Feed) { f.Items[0].Image.Length++ },
		"related":        func(f *Feed) { f.Items[0].Related[0].URL += "/x" },
		"source":         func(f *Feed) { f.Items[0].Sources = []Source{{Name: "وكالة", FeedURL: "https://up.example/feed"}} },
	}
	for _, fm := range AllFormats() {
		c := NewFragments(0)
		var warm bytes.Buffer
		if _, err := c.Publish(&warm, smallFeed(fm), fm, Budget{}); err != nil {
			t.Fatal(err)
		}
		for name, edit := range edits {
			f := smallFeed(fm)
			edit(f)
			var want, got bytes.Buffer
			if _, err := Publish(&want, f, fm, Budget{}); err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(want.Bytes(), warm.Bytes()) {
				continue // the format does not show this field: nothing to tell
			}
			if _, err := c.Publish(&got, f, fm, Budget{}); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("%s: after an edit of the %s, the cache served: %s", fm, name, firstDiff(want.Bytes(), got.Bytes()))
			}
		}
		// The same item in full and summarised: two variants, two fragments.
		for _, b := range []Budget{{MaxBytes: 1_500}, {}, {MaxBytes: 1_500}} {
			var want, got bytes.Buffer
			wantRes, err1 := Publish(&want, smallFeed(fm), fm, b)
			res, err2 := c.Publish(&got, smallFeed(fm), fm, b)
			if err1 != nil || err2 != nil || !bytes.Equal(got.Bytes(), want.Bytes()) || counts(res) != counts(wantRes) {
				t.Errorf("%s budget %+v: %v, %v, %s", fm, b, err1, err2, firstDiff(want.Bytes(), got.Bytes()))
			}
		}
	}
}

// TestFragmentsStayWithinTheirBound: the cache never holds more than its
// byte bound, however many items pass through it.
func TestFragmentsStayWithinTheirBound(t *testing.T) {
	const bound = 100_000
	c := NewFragments(bound)
	for i := range 10 {
		f := arabicFeed(40, FormatRSS)
		for _, a := range f.Items {
			a.GUID += fmt.Sprint("-", i) // new items each round
		}
		var buf bytes.Buffer
		if _, err := c.Publish(&buf, f, FormatRSS, Budget{}); err != nil {
			t.Fatal(err)
		}
		if n := c.Bytes(); n > bound {
			t.Fatalf("round %d: %d bytes cached, bound %d", i, n, bound)
		}
	}
	if c.Len() == 0 {
		t.Error("nothing cached")
	}
}

// TestFragmentsFailAFeedWrongAsAWhole: a frame that fails validation is
// the document's fault, as with Publish: an error and nothing written.
func TestFragmentsFailAFeedWrongAsAWhole(t *testing.T) {
	c := NewFragments(0)
	for _, fm := range AllFormats() {
		f := smallFeed(fm)
		f.SelfURL = "/feeds/politics"
		var buf, gz bytes.Buffer
		if _, err := c.PublishGzip(&buf, &gz, f, fm, Budget{}); err == nil || buf.Len() > 0 || gz.Len() > 0 {
			t.Errorf("%s: relative self link: %v, %d bytes written", fm, err, buf.Len()+gz.Len())
		}
	}
}
