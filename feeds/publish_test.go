package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"
	"time"
)

// publish runs Publish into a fresh buffer.
func publish(tb testing.TB, f *Feed, fm Format) ([]byte, BudgetResult, error) {
	tb.Helper()
	var buf bytes.Buffer
	res, err := Publish(&buf, f, fm, Budget{})
	if err != nil && buf.Len() > 0 {
		tb.Errorf("failed Publish wrote %d bytes", buf.Len())
	}
	return buf.Bytes(), res, err
}

// TestPublishLeavesOutWhatOneItemGetsWrong: an item the writer refuses or
// whose rendering fails validation is left out of that document, named in
// Skipped, and the others are rendered exactly as they would be without it.
func TestPublishLeavesOutWhatOneItemGetsWrong(t *testing.T) {
	testLeavesOutWhatOneItemGetsWrong(t, Publish)
}

// itemFault is one way an item of smallFeed goes wrong, and its Kind.
type itemFault struct {
	name    string
	formats []Format // nil: all
	mutate  func(a *Article)
	kind    Kind
}

// itemFaults are the ways one item can go wrong that a publish gate leaves out.
var itemFaults = []itemFault{
	{"published in year 0", nil, func(a *Article) { a.Published = time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC) }, KindBadDate},
	{"updated in year 0", nil, func(a *Article) { a.Updated = time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC) }, KindBadDate},
	{"published in year 10000", nil, func(a *Article) { a.Published = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, KindBadDate},
	{"published before year 1", nil, func(a *Article) { a.Published = time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC) }, KindBadDate},
	{"no dates", nil, func(a *Article) { a.Published, a.Updated = time.Time{}, time.Time{} }, KindBadDate},
	{"no guid", nil, func(a *Article) { a.GUID = " \x01" }, KindMissingID},
	{"no content", nil, func(a *Article) { a.ContentHTML, a.Summary = "", "" }, KindEmptyContent},
	{"relative link", nil, func(a *Article) { a.URL = "/politics/budget" }, KindRelativeURL},
	{"javascript: link", nil, func(a *Article) { a.URL = "javascript:alert(1)" }, KindRelativeURL},
	{"relative image", nil, func(a *Article) { a.Image.URL = "img/budget.png" }, KindRelativeURL},
	{"title of controls only", nil, func(a *Article) { a.Title = "\x01\x02" }, KindMissingTitle},
	{"guid another item has", nil, func(a *Article) { a.GUID = "tag:news.example,2025:politics/1" }, KindDuplicateID},
	{"guid that is no IRI", []Format{FormatAtom}, func(a *Article) { a.GUID = "cms 42" }, KindBadID},
	{"newest, with a relative link", nil, func(a *Article) {
		a.URL, a.Updated = "budget", time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC) // must not date the feed
	}, KindRelativeURL},
}

// publisher is Publish, or a Fragments cache's.
type publisher func(w io.Writer, f *Feed, fm Format, b Budget) (BudgetResult, error)

func testLeavesOutWhatOneItemGetsWrong(t *testing.T, pub publisher) {
	for _, tt := range itemFaults {
		t.Run(tt.name, func(t *testing.T) {
			formats := tt.formats
			if formats == nil {
				formats = AllFormats()
			}
			for _, fm := range formats {
				f := smallFeed(fm)
				tt.mutate(f.Items[1])
				var buf bytes.Buffer
				res, err := pub(&buf, f, fm, Budget{})
				if err != nil {
					t.Fatalf("%s: %v", fm, err)
				}
				got := buf.Bytes()
				mustValidate(t, fm.String(), got)
				if len(res.Skipped) != 1 || res.Skipped[0].Index != 1 || res.Skipped[0].Kind != tt.kind || res.Skipped[0].Tombstone {
					t.Fatalf("%s: skipped %+v, want item 2 as %s", fm, res.Skipped, tt.kind)
				}
				if res.Items != 2 {
					t.Errorf("%s: %d items written, want 2", fm, res.Items)
				}
				// The rest is what the feed without the bad item renders to.
				without := smallFeed(fm)
				without.Items = slices.Delete(without.Items, 1, 2)
				if want := render(t, without, fm); !bytes.Equal(got, want) {
					t.Errorf("%s: the other items render differently: %s", fm, firstDiff(want, got))
				}
			}
		})
	}
}

// TestPublishSkipsBadTombstones: a withdrawal that cannot be rendered is
// left out; one that withdraws an item still in the feed drops the item.
func TestPublishSkipsBadTombstones(t *testing.T) {
	for _, fm := range AllFormats() {
		f := smallFeed(fm)
		when := time.Date(2025, 3, 9, 13, 0, 0, 0, time.UTC)
		f.Deleted = []Tombstone{
			{GUID: "tag:news.example,2025:gone/1", When: time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)},
			{GUID: "tag:news.example,2025:politics/2", When: when},
		}
		got, res, err := publish(t, f, fm)
		if err != nil {
			t.Fatalf("%s: %v", fm, err)
		}
		mustValidate(t, fm.String(), got)
		kinds := fmt.Sprint(res.Skipped)
		if len(res.Skipped) != 2 || !res.Skipped[0].Tombstone || res.Skipped[0].Kind != KindBadTombstone ||
			res.Skipped[1].Index != 1 || res.Skipped[1].Kind != KindDeletedPresent {
			t.Errorf("%s: skipped %s", fm, kinds)
		}
		p, err := Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != 2 || len(p.Deleted) != 1 || p.Deleted[0].GUID != "tag:news.example,2025:politics/2" {
			t.Errorf("%s: %d items, tombstones %v", fm, len(p.Items), p.Deleted)
		}
	}
}

// TestPublishFailsAFeedWrongAsAWhole: what no item explains keeps the
// error, and nothing is written.
func TestPublishFailsAFeedWrongAsAWhole(t *testing.T) {
	for _, fm := range AllFormats() {
		f := smallFeed(fm)
		f.SelfURL = "/feeds/politics"
		f.Items[1].Published = time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)
		if _, _, err := publish(t, f, fm); !errors.Is(err, ErrInvalidFeed) {
			t.Errorf("%s: relative self link: %v, want ErrInvalidFeed", fm, err)
		}
		f = smallFeed(fm)
		f.Updated = time.Date(0, 6, 1, 0, 0, 0, 0, time.UTC)
		if _, _, err := publish(t, f, fm); !errors.Is(err, ErrBadDate) {
			t.Errorf("%s: feed updated in year 0: %v, want ErrBadDate", fm, err)
		}
	}
}

// TestFaultyFindsItemsByRenderingThemAlone: a problem Validate cannot pin
// on an item is looked for in each item on its own.
func TestFaultyFindsItemsByRenderingThemAlone(t *testing.T) {
	for _, fm := range AllFormats() {
		f := smallFeed(fm)
		f.Items[2].URL = "news.example/world/talks"
		d, err := prepareDoc(f, true)
		if err != nil {
			t.Fatal(err)
		}
		bad := d.faulty(nil, []int{0, 1, 2}, fm)
		if _, ok := bad[2]; len(bad) != 1 || !ok || bad[2].Kind != KindRelativeURL {
			t.Errorf("%s: faulty = %v, want item 3", fm, bad)
		}
		f.SelfURL = "relative"
		if d, _ = prepareDoc(f, true); d.faulty(nil, []int{0, 1, 2}, fm) != nil {
			t.Errorf("%s: a feed wrong without items blames items", fm)
		}
	}
}

// TestPublishOfACleanFeedIsWriteBudget: the common case is untouched.
func TestPublishOfACleanFeedIsWriteBudget(t *testing.T) {
	for _, fm := range AllFormats() {
		for seed := uint64(1); seed <= 3; seed++ {
			f := genFeed(seed*7+uint64(fm), 30, fm)
			var want bytes.Buffer
			wantRes, err := WriteBudget(&want, f, fm, Budget{MaxBytes: 400_000})
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			res, err := Publish(&got, f, fm, Budget{MaxBytes: 400_000})
			if err != nil {
				t.Fatalf("%s seed %d: %v", fm, seed, err)
			}
			if !bytes.Equal(got.Bytes(), want.Bytes()) || counts(res) != counts(wantRes) || res.Skipped != nil {
				t.Errorf("%s seed %d: Publish differs from WriteBudget (%+v vs %+v)", fm, seed, res, wantRes)
			}
		}
	}
}

// TestEmptyFeedIsDatedWhenItBegan: a feed with nothing dated says when it
// was created, not 1970, in every format's feed-level date.
func TestEmptyFeedIsDatedWhenItBegan(t *testing.T) {
	created := time.Date(2025, 1, 15, 8, 30, 0, 0, time.UTC)
	for _, fm := range []Format{FormatRSS, FormatAtom} { // JSON Feed has no feed-level date
		f := smallFeed(fm)
		f.Items, f.Created = nil, created.In(riyadh)
		data, res, err := publish(t, f, fm)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Updated.Equal(created) || !res.Updated.Equal(created) {
			t.Errorf("%s: updated %v (result %v), want %v", fm, p.Updated, res.Updated, created)
		}
		f.Created = time.Time{}
		if p, _ = Parse(render(t, f, fm)); !p.Updated.Equal(time.Unix(0, 0)) {
			t.Errorf("%s: no creation time: updated %v, want the epoch", fm, p.Updated)
		}
		f.Items = smallFeed(fm).Items // an item's date wins over the creation
		f.Created = created
		if p, _ = Parse(render(t, f, fm)); p.Updated.Equal(created) {
			t.Errorf("%s: updated is the creation time though items are newer", fm)
		}
	}
}
