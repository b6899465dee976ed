package feeds

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// sizedFeed is n Arabic articles with bodies of at least bodyBytes, newest first.
func sizedFeed(n, bodyBytes int, fm Format) *Feed {
	f := arabicFeed(n, fm)
	for i, a := range f.Items {
		para := a.ContentHTML[:strings.Index(a.ContentHTML, "</p>")] // one paragraph, whole runes
		var b strings.Builder
		b.Grow(bodyBytes + len(para) + 32)
		for j := 0; b.Len() < bodyBytes; j++ {
			fmt.Fprintf(&b, "%s %d.%d</p>\n", para, i, j)
		}
		a.ContentHTML = b.String()
	}
	return f
}

// counts is what a BudgetResult says about the items and bytes written.
func counts(r BudgetResult) [4]int { return [4]int{r.Items, r.Summarized, r.Dropped, r.Bytes} }

func writeBudget(tb testing.TB, f *Feed, fm Format, b Budget) ([]byte, BudgetResult) {
	tb.Helper()
	var buf bytes.Buffer
	res, err := WriteBudget(&buf, f, fm, b)
	if err != nil {
		tb.Fatalf("WriteBudget %s: %v", fm, err)
	}
	if res.Bytes != buf.Len() {
		tb.Errorf("%s: result says %d bytes, wrote %d", fm, res.Bytes, buf.Len())
	}
	return buf.Bytes(), res
}

// checkKept parses data and checks that its items are the first ones of f,
// in order: budgets drop from the end.
func checkKept(tb testing.TB, fm Format, data []byte, f *Feed, res BudgetResult) *Feed {
	tb.Helper()
	p, err := Parse(data)
	if err != nil {
		tb.Fatalf("%s: %v", fm, err)
	}
	if len(p.Items) != res.Items || res.Items+res.Dropped != len(f.Items) {
		tb.Fatalf("%s: %d items parsed, result %+v, feed has %d", fm, len(p.Items), res, len(f.Items))
	}
	for i, a := range p.Items {
		if a.GUID != XMLSafe(f.Items[i].GUID) {
			tb.Fatalf("%s: item %d is %q, want %q", fm, i+1, a.GUID, f.Items[i].GUID)
		}
	}
	return p
}

// TestWriteBudgetBigFeed: 200 articles of 30 KB (6 MB in full) stay within
// 2 MB in every format, still validate, and keep the newest items, as many
// as fit: fewer items before any summary.
func TestWriteBudgetBigFeed(t *testing.T) {
	for _, fm := range AllFormats() {
		t.Run(fm.String(), func(t *testing.T) {
			t.Parallel()
			f := sizedFeed(200, 30_000, fm)
			data, res := writeBudget(t, f, fm, Budget{})
			if res.Bytes > DefaultMaxBytes || res.Bytes > 2_000_000 {
				t.Fatalf("%d bytes", res.Bytes)
			}
			mustValidate(t, fm.String(), data)
			checkKept(t, fm, data, f, res)
			if res.Summarized != 0 || res.Items < 50 || res.Dropped != 200-res.Items {
				t.Errorf("result %+v: want only drops, about 60 items kept", res)
			}
			// Nothing dropped that would have fit: one more item would not.
			one := len(render(t, &Feed{Items: f.Items[res.Items : res.Items+1]}, fm)) - len(render(t, &Feed{}, fm))
			if res.Bytes+one <= DefaultMaxBytes {
				t.Errorf("%d bytes with %d items: room left for item %d", res.Bytes, res.Items, res.Items+1)
			}
		})
	}
}

// TestWriteBudgetHugeItem: an item of 1.5 MB gets its summary and a link
// instead of its content, in a feed that is otherwise unchanged.
func TestWriteBudgetHugeItem(t *testing.T) {
	want := map[Format]string{
		FormatRSS:  `<p>Budget passed &amp; signed.</p><p><a href="https://news.example/politics/budget">Read the full article</a></p>`,
		FormatAtom: `<p>Budget passed &amp; signed.</p><p><a href="https://news.example/politics/budget">Read the full article</a></p>`,
		FormatJSON: "", // content_text instead of content_html
	}
	for _, fm := range AllFormats() {
		t.Run(fm.String(), func(t *testing.T) {
			f := smallFeed(fm)
			f.Items[1].Summary = "Budget passed & signed."
			f.Items[1].ContentHTML = "<p>" + strings.Repeat("The parliament passed the budget. ", 1_500_000/34) + "</p>"
			data, res := writeBudget(t, f, fm, Budget{})
			mustValidate(t, fm.String(), data)
			if counts(res) != counts(BudgetResult{Items: 3, Summarized: 1, Bytes: len(data)}) || res.Skipped != nil {
				t.Errorf("result %+v", res)
			}
			p := checkKept(t, fm, data, f, res)
			if got := p.Items[1].ContentHTML; got != want[fm] {
				t.Errorf("summarised content %q, want %q", got, want[fm])
			}
			if fm == FormatJSON && !bytes.Contains(data, []byte(`"content_text":"Budget passed & signed."`)) {
				t.Errorf("no content_text")
			}
			if p.Items[0].ContentHTML != XMLSafe(f.Items[0].ContentHTML) {
				t.Errorf("the small item was summarised too")
			}
			if len(data) > 100_000 {
				t.Errorf("%d bytes", len(data))
			}
		})
	}
}

// TestWriteBudgetUntouched: a feed within budget is byte for byte what Write
// renders, whichever way WriteBudget gets there.
func TestWriteBudgetUntouched(t *testing.T) {
	feeds := map[string]func(Format) *Feed{
		"small":        smallFeed,
		"archive":      archiveFeed,
		"50 articles":  func(fm Format) *Feed { return arabicFeed(50, fm) },
		"1.5 MB total": func(fm Format) *Feed { return sizedFeed(50, 30_000, fm) }, // over MaxItemBytes as a whole: measured
	}
	for name, feed := range feeds {
		for _, fm := range AllFormats() {
			t.Run(name+"/"+fm.String(), func(t *testing.T) {
				f := feed(fm)
				want := render(t, f, fm)
				got, res := writeBudget(t, f, fm, Budget{})
				if !bytes.Equal(got, want) {
					t.Errorf("differs from Write: %s", firstDiff(want, got))
				}
				if counts(res) != counts(BudgetResult{Items: len(f.Items), Bytes: len(want)}) || res.Skipped != nil {
					t.Errorf("result %+v", res)
				}
			})
		}
	}
}

// TestWriteBudgetDropsWhatNoSummaryFixes: an item whose summary alone is
// over MaxItemBytes is left out; the others are untouched.
func TestWriteBudgetDropsWhatNoSummaryFixes(t *testing.T) {
	for _, fm := range AllFormats() {
		f := smallFeed(fm)
		f.Items[0].Summary = strings.Repeat("ملخص طويل جدا ", 100_000)
		f.Items[0].ContentHTML += f.Items[0].Summary
		data, res := writeBudget(t, f, fm, Budget{})
		mustValidate(t, fm.String(), data)
		if res.Items != 2 || res.Dropped != 1 || res.Summarized != 0 {
			t.Errorf("%s: result %+v", fm, res)
		}
		p, err := Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Items) != 2 || p.Items[0].GUID != f.Items[1].GUID || p.Items[1].GUID != f.Items[2].GUID {
			t.Errorf("%s: kept %d items", fm, len(p.Items))
		}
	}
}

func TestWriteBudgetMaxItems(t *testing.T) {
	for _, fm := range AllFormats() {
		f := smallFeed(fm)
		data, res := writeBudget(t, f, fm, Budget{MaxItems: 2})
		mustValidate(t, fm.String(), data)
		checkKept(t, fm, data, f, res)
		if res.Items != 2 || res.Dropped != 1 || res.Summarized != 0 {
			t.Errorf("%s: result %+v", fm, res)
		}
	}
}

// TestWriteBudgetSummarisesOldestFirst: 30 articles of 300 KB. Dropping stops
// at 10 (3 MB), then the oldest of those lose their content until 2 MB fit.
func TestWriteBudgetSummarisesOldestFirst(t *testing.T) {
	for _, fm := range AllFormats() {
		t.Run(fm.String(), func(t *testing.T) {
			t.Parallel()
			f := sizedFeed(30, 300_000, fm)
			data, res := writeBudget(t, f, fm, Budget{})
			mustValidate(t, fm.String(), data)
			p := checkKept(t, fm, data, f, res)
			if res.Items != 10 || res.Summarized < 3 || res.Summarized > 5 {
				t.Fatalf("result %+v: want 10 items, the oldest 3 to 5 summarised", res)
			}
			for i, a := range p.Items {
				summarised := len(a.ContentHTML) < 1000
				if wantSum := i >= res.Items-res.Summarized; summarised != wantSum {
					t.Errorf("item %d: summarised %v, want %v", i+1, summarised, wantSum)
				}
			}
			if last := p.Items[9].ContentHTML; fm != FormatJSON && !strings.HasPrefix(last, `<div dir="rtl"><p>`) ||
				fm != FormatJSON && !strings.HasSuffix(last, `<p><a href="https://news.example/politics/9">اقرأ المقال كاملاً</a></p></div>`) {
				t.Errorf("summary of an Arabic article: %q", last)
			}
		})
	}
}

// TestBudgetSizesAreExact: the per-item sizes add up to exactly the rendered
// document, with full content and with every item summarised, on generated
// feeds full of what escaping changes (]]>, quotes, tabs, U+2028...).
func TestBudgetSizesAreExact(t *testing.T) {
	for _, fm := range AllFormats() {
		t.Run(fm.String(), func(t *testing.T) {
			t.Parallel()
			for seed := uint64(1); seed <= 4; seed++ {
				f := genFeed(seed*7+uint64(fm), 30, fm)
				f.Items[3].ContentHTML += "\u2028 \u2029 \t \" \\ ]]> ]]]]>"
				if seed%2 == 0 {
					f.Archive = true
					f.Deleted = archiveFeed(fm).Deleted
				}
				d, err := prepare(f)
				if err != nil {
					t.Fatal(err)
				}
				sz, err := d.measure(fm)
				if err != nil {
					t.Fatal(err)
				}
				for _, all := range []itemMode{modeFull, modeSummary} {
					p := &budgetPlan{modes: make([]itemMode, len(d.items)), total: sz.frame}
					for i := range p.modes {
						p.modes[i] = modeFull
						if all == modeSummary && sz.short[i] > 0 {
							p.modes[i] = modeSummary
						}
						p.total += sz.full[i]
						if p.modes[i] == modeSummary {
							p.total += sz.short[i] - sz.full[i]
						}
						if i > 0 {
							p.total += sz.sep
						}
					}
					var buf bytes.Buffer
					if err := d.degrade(p, sz, fm).write(&buf, fm); err != nil {
						t.Fatal(err)
					}
					if buf.Len() != p.total {
						t.Errorf("seed %d, mode %d: sizes add up to %d, document has %d", seed, all, p.total, buf.Len())
					}
					mustValidate(t, fmt.Sprintf("seed %d mode %d", seed, all), buf.Bytes())
				}
			}
		})
	}
}

// TestWriteBudgetRandomBudgets: whatever the budget, the document fits it,
// validates and holds the first items of the feed.
func TestWriteBudgetRandomBudgets(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for _, fm := range AllFormats() {
		for seed := uint64(1); seed <= 6; seed++ {
			f := genFeed(seed+100, 40, fm)
			b := Budget{MaxBytes: 20_000 + r.IntN(400_000), MaxItemBytes: 2_000 + r.IntN(200_000), MaxItems: r.IntN(50)}
			name := fmt.Sprintf("%s seed %d %+v", fm, seed, b)
			var buf bytes.Buffer
			res, err := WriteBudget(&buf, f, fm, b)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if buf.Len() > b.MaxBytes || res.Bytes != buf.Len() || (b.MaxItems > 0 && res.Items > b.MaxItems) {
				t.Errorf("%s: %d bytes, result %+v", name, buf.Len(), res)
			}
			mustValidate(t, name, buf.Bytes())
			checkKept(t, fm, buf.Bytes(), f, res)
		}
	}
}

func TestWriteBudgetErrors(t *testing.T) {
	f := smallFeed(FormatAtom)
	for i := range 100 {
		f.Deleted = append(f.Deleted, Tombstone{GUID: fmt.Sprintf("tag:news.example,2025:gone/%d", i), When: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	}
	var buf bytes.Buffer
	if _, err := WriteBudget(&buf, f, FormatAtom, Budget{MaxBytes: 5_000}); !errors.Is(err, ErrOverBudget) || buf.Len() > 0 {
		t.Errorf("tombstones alone over budget: %v, %d bytes written", err, buf.Len())
	}
	if _, err := WriteBudget(&buf, f, Format(9), Budget{}); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Format(9): %v", err)
	}
	f.Items[0].GUID = ""
	if _, err := WriteBudget(&buf, f, FormatRSS, Budget{}); !errors.Is(err, ErrNoGUID) {
		t.Errorf("no guid: %v", err)
	}
}

// TestBudgetOverflow: BudgetResult.Overflow counts the items at the end of
// Feed.Items from the first one left out to make room, which a paged feed's
// next page must begin with; an item left out for its own size before that
// one is not counted, one left out for a fault among them is. Every way of
// publishing agrees.
func TestBudgetOverflow(t *testing.T) {
	huge := func(a *Article) { // over MaxItemBytes even summarised
		a.Summary = strings.Repeat("ملخص طويل جدا ", 100_000)
		a.ContentHTML += a.Summary
	}
	tests := []struct {
		name     string
		n        int // items of 30 KB
		b        Budget
		edit     func(f *Feed)
		overflow func(res BudgetResult) int
	}{
		{"within budget", 5, Budget{}, nil, func(BudgetResult) int { return 0 }},
		{"MaxItems", 5, Budget{MaxItems: 2}, nil, func(BudgetResult) int { return 3 }},
		{"MaxBytes", 40, Budget{MaxBytes: 300_000}, nil, func(res BudgetResult) int { return 40 - res.Items }},
		{"too large on its own, first", 5, Budget{}, func(f *Feed) { huge(f.Items[0]) }, func(BudgetResult) int { return 0 }},
		{"too large on its own, then MaxBytes", 40, Budget{MaxBytes: 300_000}, func(f *Feed) { huge(f.Items[1]) },
			func(res BudgetResult) int { return 40 - 1 - res.Items }},
		{"a fault in what did not fit", 40, Budget{MaxBytes: 300_000}, func(f *Feed) { f.Items[35].GUID = "" },
			func(res BudgetResult) int { return 40 - res.Items }},
		{"nothing fits", 3, Budget{MaxBytes: 8_000}, func(f *Feed) {
			for _, a := range f.Items {
				a.Summary = strings.Repeat("ملخص ", 1000)
			}
		}, func(BudgetResult) int { return 3 }},
	}
	for _, fm := range AllFormats() {
		for _, tc := range tests {
			feed := func() *Feed {
				f := sizedFeed(tc.n, 30_000, fm)
				if tc.edit != nil {
					tc.edit(f)
				}
				return f
			}
			var buf bytes.Buffer
			res, err := Publish(&buf, feed(), fm, tc.b)
			if err != nil {
				t.Fatalf("%s %s: %v", fm, tc.name, err)
			}
			if want := tc.overflow(res); res.Overflow != want {
				t.Errorf("%s %s: Overflow %d, want %d (result %+v)", fm, tc.name, res.Overflow, want, res)
			}
			if tc.name != "a fault in what did not fit" { // WriteBudget fails a feed with a fault
				_, wres := writeBudget(t, feed(), fm, tc.b)
				if wres.Overflow != res.Overflow {
					t.Errorf("%s %s: WriteBudget's Overflow %d, Publish's %d", fm, tc.name, wres.Overflow, res.Overflow)
				}
			}
			var gz bytes.Buffer
			fres, err := NewFragments(0).PublishGzip(nil, &gz, feed(), fm, tc.b)
			if err != nil {
				t.Fatalf("%s %s: fragments: %v", fm, tc.name, err)
			}
			if fres.Overflow != res.Overflow {
				t.Errorf("%s %s: assembled Overflow %d, Publish's %d", fm, tc.name, fres.Overflow, res.Overflow)
			}
		}
	}
}
