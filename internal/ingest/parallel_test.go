package ingest_test

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/ingest"
)

// A pass builds its items on every core: it takes the same items, in the
// same order, refuses and defers the same ones, as building one at a time
// does. A backlog of 100 items, every third refused by the cleaning step,
// at most 20 new a pass (so the first window of each pass is built at once,
// and the short ones after refusals one by one), walked until nothing is
// deferred. (Not parallel: it sets GOMAXPROCS.)
func TestItemsBuiltAtOnceAreTheItemsBuiltOneByOne(t *testing.T) {
	refused := func(a *feeds.Article) bool {
		// Titles are "خبر رقم N من par".
		f := strings.Fields(a.Title)
		n, err := strconv.Atoi(f[2])
		return err == nil && n%3 == 0
	}
	clean := func(a *feeds.Article, _ *content.Body) (content.Report, error) {
		if refused(a) {
			return content.Report{}, errors.New("refused by the test")
		}
		return content.Report{}, nil
	}
	walk := func(procs int) []string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		e := newEnv(t, func(o *ingest.Options) {
			o.Clean, o.MaxNewPerPass = clean, 20
		})
		e.up.set("/par", route{body: genFeed("par", 100, false, 300)})
		e.addSource("par", "/par")
		var log []string
		for pass := 0; pass < 20; pass++ {
			res := e.mustRun("par")
			var got []string
			for _, a := range e.latest("") {
				got = append(got, a.Title)
			}
			log = append(log, fmt.Sprintf("pass %d: new %d, deferred %d, dropped %d; stored %q",
				pass, res.New, res.Deferred, res.Dropped, got))
			if res.Deferred == 0 {
				break
			}
			e.up.touch("/par")
		}
		return log
	}
	one, many := walk(1), walk(4)
	if strings.Join(one, "\n") != strings.Join(many, "\n") {
		t.Errorf("one at a time:\n%s\nat once:\n%s", strings.Join(one, "\n"), strings.Join(many, "\n"))
	}
	if len(one) < 4 || !strings.Contains(one[0], "new 20, deferred") {
		t.Errorf("the backlog was not walked in passes of 20:\n%s", strings.Join(one, "\n"))
	}
}
