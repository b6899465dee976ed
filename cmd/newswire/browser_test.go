package main

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
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

// TestPagesInBrowser loads newswire's pages from a running server in
// headless Chromium: autodiscovery links, right-to-left layout of Arabic,
// and a screenshot that is not blank.
func TestPagesInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	bin := chromiumPath(t)
	base := serve(t, nil, "--demo")

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
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
	defer cancelAlloc()
	browser, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first action starts the browser, whose lifetime is that call's
	// context: no timeout there, a bounded one for every step after.
	if err := chromedp.Do(browser, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancelTimeout := context.WithTimeout(browser, 90*time.Second)
	defer cancelTimeout()

	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/")); err != nil {
		t.Fatalf("index page: %v", err)
	}
	alternates, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll('link[rel="alternate"]')).map(l => l.type + " " + l.href)`))
	if err != nil {
		t.Fatal(err)
	}
	dir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.body).direction`))
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
	if dir != "rtl" {
		t.Errorf("index page direction %q, want rtl for an Arabic site", dir)
	}

	// On the category page, an Arabic headline must start at the right
	// edge: its text box hugs the right side of its column.
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
	shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if layout.Direction != "rtl" {
		t.Errorf("Arabic headline %q has direction %q", layout.Text, layout.Direction)
	}
	if gapRight, gapLeft := layout.BoxRight-layout.TextRight, layout.TextLeft-layout.BoxLeft; gapRight > 2 || gapLeft < gapRight {
		t.Errorf("Arabic headline %q not laid out right to left: text %.0f-%.0f in box %.0f-%.0f",
			layout.Text, layout.TextLeft, layout.TextRight, layout.BoxLeft, layout.BoxRight)
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
	if dirOut := os.Getenv("NEWSWIRE_SCREENSHOT_DIR"); dirOut != "" {
		_ = os.WriteFile(dirOut+"/category.png", shot, 0o644)
	}
}
