package main

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium. CI installs it (.ci/run), so there
// a missing browser fails the test; elsewhere the test is skipped.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not installed: .ci/run should have installed it")
	}
	t.Skip("chromium not installed (apt-get install chromium)")
	return ""
}

// startBrowser starts headless Chromium for the test's lifetime.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox, // CI runs as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 800),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// The first action starts the browser, whose lifetime is that call's
	// context: no timeout there, a bounded one for every step after.
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browser
}

// serveSite runs `newswire serve --demo` for a site in lang, with three
// upstream sources already fetched once: one that works, one whose long
// address refuses connections, one disabled. The status page then has
// every state, and a long error to lay out on a phone.
func serveSite(t *testing.T, title, lang string) string {
	t.Helper()
	dir := t.TempDir()
	up := upstream(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + ln.Addr().String() + "/a/rather/long/path/to/the/regional/agency/feed.rss?format=rss&lang=ar"
	ln.Close()
	cfg := writeConfig(t, dir, fmt.Sprintf(`site: {title: %q, language: %s}
sources:
  - {name: wire-ar, url: %q, allow_private: true, categories: [world], schedule: "@every 10m"}
  - {name: regional-agency-with-a-rather-long-name, url: %q, allow_private: true, categories: [world]}
  - {name: paused, url: "https://paused.example/rss", enabled: false}
`, title, lang, up.URL+"/arabic.rss", refused))
	env := map[string]string{"NEWSWIRE_CONFIG": cfg, "NEWSWIRE_DB": filepath.Join(dir, "n.db")}
	if _, errOut, err := run(t, env, "fetch"); err != nil {
		t.Logf("fetch: %v\n%s", err, errOut) // the refused source fails: expected
	}
	return serve(t, env, "--demo")
}

// TestPagesInBrowser loads newswire's pages from a running server in
// headless Chromium, for an Arabic site and an English one, at a phone's
// and a laptop's width: autodiscovery links, the chrome's direction, dates
// that read in order inside right-to-left text, no page wider than the
// screen, and a screenshot that is not blank.
func TestPagesInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	browser := startBrowser(t)
	sites := []struct {
		name, title, lang, dir, status string
	}{
		{"arabic", "نيوزواير", "ar", "rtl", "الحالة"},
		{"english", "Newswire Daily", "en", "ltr", "Status"},
	}
	for _, site := range sites {
		t.Run(site.name, func(t *testing.T) {
			base := serveSite(t, site.title, site.lang)
			tab, cancelTab := chromedp.NewContext(browser)
			defer cancelTab()
			ctx, cancel := context.WithTimeout(tab, 3*time.Minute)
			defer cancel()
			if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
				t.Fatalf("open tab: %v", err)
			}
			checkAutodiscovery(ctx, t, base)
			checkArabicHeadline(ctx, t, base)
			article := arabicArticlePath(ctx, t, base)
			for _, width := range []int64{375, 1280} {
				phone := width < 600
				emulate := chromedp.EmulateViewport(width, 900)
				if phone {
					emulate = chromedp.EmulateViewport(width, 812, chromedp.EmulateMobile)
				}
				if err := chromedp.Do(ctx, emulate); err != nil {
					t.Fatal(err)
				}
				for _, path := range []string{"/", "/categories/world", article, "/status"} {
					checkPage(ctx, t, base+path, width, site.lang, site.dir, site.status)
					saveScreenshot(ctx, t, fmt.Sprintf("%s-%s-%d", site.name, pageName(path), width))
				}
			}
		})
	}
}

func pageName(path string) string {
	switch {
	case path == "/":
		return "index"
	case strings.HasPrefix(path, "/categories/"):
		return "category"
	case strings.HasPrefix(path, "/articles/"):
		return "article"
	}
	return strings.Trim(path, "/")
}

func checkAutodiscovery(ctx context.Context, t *testing.T, base string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatalf("index page: %v", err)
	}
	alternates, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('link[rel="alternate"]')).map(l => l.type + " " + l.href)`))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"application/rss+xml " + base + "/feeds/politics.rss":   false,
		"application/atom+xml " + base + "/feeds/world.atom":    false,
		"application/feed+json " + base + "/feeds/economy.json": false,
		"application/rss+xml " + base + "/feeds/all.rss":        false,
	}
	for _, a := range alternates {
		if _, ok := want[a]; ok {
			want[a] = true
		}
	}
	for a, found := range want {
		if !found {
			t.Errorf("index page: no autodiscovery link %q among %q", a, alternates)
		}
	}
}

// checkArabicHeadline: on the category page, an Arabic headline starts at
// the right edge, whatever the site's language: its text box hugs the
// right side of its column. The page must not be blank either.
func checkArabicHeadline(ctx context.Context, t *testing.T, base string) {
	t.Helper()
	type layoutInfo struct {
		Direction string  `json:"direction"`
		TextRight float64 `json:"textRight"`
		TextLeft  float64 `json:"textLeft"`
		BoxRight  float64 `json:"boxRight"`
		BoxLeft   float64 `json:"boxLeft"`
		Text      string  `json:"text"`
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/categories/politics"),
		chromedp.WaitVisible(chromedp.CSS(`article.item[dir="rtl"] h2 a`)),
	); err != nil {
		t.Fatalf("category page: %v", err)
	}
	layout, err := chromedp.Run(ctx, chromedp.Evaluate[layoutInfo](`(() => {
			const a = document.querySelector('article.item[dir="rtl"] h2 a');
			const h = a.closest('h2');
			const r = document.createRange(); r.selectNodeContents(a);
			const t = r.getBoundingClientRect(), b = h.getBoundingClientRect();
			return {direction: getComputedStyle(h).direction, textRight: t.right, textLeft: t.left,
				boxRight: b.right, boxLeft: b.left, text: a.textContent};
		})()`))
	if err != nil {
		t.Fatalf("category page layout: %v", err)
	}
	if layout.Direction != "rtl" {
		t.Errorf("Arabic headline %q has direction %q", layout.Text, layout.Direction)
	}
	if gapRight, gapLeft := layout.BoxRight-layout.TextRight, layout.TextLeft-layout.BoxLeft; gapRight > 2 || gapLeft < gapRight {
		t.Errorf("Arabic headline %q not laid out right to left: text %.0f-%.0f in box %.0f-%.0f",
			layout.Text, layout.TextLeft, layout.TextRight, layout.BoxLeft, layout.BoxRight)
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	colors := map[[3]uint32]bool{}
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y += 3 {
		for x := bounds.Min.X; x < bounds.Max.X; x += 3 {
			r, g, b, _ := img.At(x, y).RGBA()
			colors[[3]uint32{r >> 8, g >> 8, b >> 8}] = true
		}
	}
	if len(colors) < 8 {
		t.Errorf("screenshot looks blank: %d distinct colours", len(colors))
	}
}

// arabicArticlePath is the path of an Arabic article's own page.
func arabicArticlePath(ctx context.Context, t *testing.T, base string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/categories/world")); err != nil {
		t.Fatalf("category page: %v", err)
	}
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`(document.querySelector('article.item[dir="rtl"] h2 a[href*="/articles/"]') || {pathname: ""}).pathname`))
	if err != nil || path == "" {
		t.Fatalf("no Arabic article with a page of its own on /categories/world (%v)", err)
	}
	return path
}

// pageLayout is what checkPage measures in the browser.
type pageLayout struct {
	Lang         string   `json:"lang"`
	Dir          string   `json:"dir"`
	NavDirection string   `json:"navDirection"`
	SiteEdge     float64  `json:"siteEdge"` // distance of the site's name from the nav's start edge
	StatusLink   string   `json:"statusLink"`
	ScrollWidth  float64  `json:"scrollWidth"`
	ClientWidth  float64  `json:"clientWidth"`
	Overflowing  []string `json:"overflowing"`
	Dates        []struct {
		Text      string  `json:"text"`
		UnicodeBi string  `json:"unicodeBidi"`
		Direction string  `json:"direction"`
		Context   string  `json:"context"` // the direction of the text around it
		Year      float64 `json:"year"`    // left edges of year, clock and "UTC"
		Clock     float64 `json:"clock"`
		UTC       float64 `json:"utc"`
	} `json:"dates"`
}

// measurePage collects, on the loaded page: the chrome's language and
// direction; every element that sticks out of the viewport (those inside
// a scrolling box excepted: the box scrolls, the page does not); and,
// for each "2006-01-02 15:04 UTC" date, its bidi style and where year,
// clock and "UTC" are drawn.
const measurePage = `(() => {
	const de = document.documentElement, cw = de.clientWidth, nav = document.querySelector('nav');
	const inScroller = e => { for (let p = e.parentElement; p && p !== de; p = p.parentElement) {
		if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
	const overflowing = [];
	for (const e of document.body.querySelectorAll('*')) {
		const r = e.getBoundingClientRect();
		if (r.width === 0 || inScroller(e)) continue;
		if (r.left < -0.5 || r.right > cw + 0.5) {
			overflowing.push(e.tagName.toLowerCase() + (e.getAttribute('class') ? '.' + e.getAttribute('class') : '') +
				' at ' + Math.round(r.left) + '..' + Math.round(r.right) + ': ' + (e.textContent || '').trim().slice(0, 60));
		}
	}
	const site = nav.querySelector('a').getBoundingClientRect(), nr = nav.getBoundingClientRect();
	const navDirection = getComputedStyle(nav).direction;
	const dates = Array.from(document.querySelectorAll('time'))
		.filter(t => /^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/.test(t.textContent))
		.map(t => {
			const node = t.firstChild, n = node.length;
			const left = (a, b) => { const r = document.createRange(); r.setStart(node, a); r.setEnd(node, b); return r.getBoundingClientRect().left; };
			const cs = getComputedStyle(t);
			return {text: t.textContent, unicodeBidi: cs.unicodeBidi, direction: cs.direction,
				context: getComputedStyle(t.parentElement).direction,
				year: left(0, 4), clock: left(11, 16), utc: left(n - 3, n)};
		});
	const status = Array.from(nav.querySelectorAll('a')).find(a => a.getAttribute('href') === '/status');
	return {lang: de.lang, dir: de.dir, navDirection,
		siteEdge: navDirection === 'rtl' ? nr.right - site.right : site.left - nr.left,
		statusLink: status ? status.textContent : '',
		scrollWidth: de.scrollWidth, clientWidth: cw, overflowing: overflowing.slice(0, 8), dates};
})()`

func checkPage(ctx context.Context, t *testing.T, url string, width int64, lang, dir, status string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	p, err := chromedp.Run(ctx, chromedp.Evaluate[pageLayout](measurePage))
	if err != nil {
		t.Fatalf("%s: measure: %v", url, err)
	}
	at := fmt.Sprintf("%s at %d px", url, width)
	if p.Lang != lang || p.Dir != dir {
		t.Errorf("%s: <html lang=%q dir=%q>, want the site's %q %q", at, p.Lang, p.Dir, lang, dir)
	}
	if p.NavDirection != dir || p.SiteEdge > 2 {
		t.Errorf("%s: nav runs %s with the site's name %.0f px from its start, want %s from the edge", at, p.NavDirection, p.SiteEdge, dir)
	}
	if p.StatusLink != status {
		t.Errorf("%s: the nav says %q for the status page, want %q", at, p.StatusLink, status)
	}
	if p.ScrollWidth > p.ClientWidth || len(p.Overflowing) > 0 {
		t.Errorf("%s: wider than the screen: scrollWidth %.0f > clientWidth %.0f; sticking out: %q",
			at, p.ScrollWidth, p.ClientWidth, p.Overflowing)
	}
	for _, d := range p.Dates {
		if d.UnicodeBi != "isolate" || d.Direction != "ltr" {
			t.Errorf("%s: date %q in %s text has unicode-bidi %q, direction %q: want isolated left to right",
				at, d.Text, d.Context, d.UnicodeBi, d.Direction)
		}
		// Dates do not wrap (white-space: nowrap), so left edges order them.
		if !(d.Year < d.Clock && d.Clock < d.UTC) {
			t.Errorf("%s: date %q in %s text drawn out of order: year at %.0f, clock at %.0f, UTC at %.0f",
				at, d.Text, d.Context, d.Year, d.Clock, d.UTC)
		}
	}
	if strings.Contains(url, "/categories/") || strings.Contains(url, "/articles/") {
		var rtl int
		for _, d := range p.Dates {
			if d.Context == "rtl" {
				rtl++
			}
		}
		if rtl == 0 {
			t.Errorf("%s: no date inside right-to-left text to check", at)
		}
	}
}

// saveScreenshot keeps a screenshot of the page for a person to look at,
// in NEWSWIRE_SCREENSHOT_DIR if set (never in the repository).
func saveScreenshot(ctx context.Context, t *testing.T, name string) {
	t.Helper()
	dir := os.Getenv("NEWSWIRE_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot, 0o644); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}
