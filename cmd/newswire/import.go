package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/config"
	"github.com/newswire/newswire/internal/content"
	"github.com/newswire/newswire/internal/importer"
	"github.com/newswire/newswire/internal/newsroom"
)

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func (m *Main) runImport(ctx context.Context, args []string) error {
	fs := m.newFlagSet("import", "PATH...")
	var cf configFlags
	cf.register(fs, false)
	var cats stringList
	fs.Var(&cats, "category", "category `slug` for articles whose file names none (repeatable)")
	explain := fs.Bool("explain", false, "show what cleaning cut from each article and why")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return fmt.Errorf("%w: import needs at least one file or folder", errUsage)
	}
	for _, c := range cats {
		if !config.ValidSlug(c) {
			return fmt.Errorf("%w: --category %q: want lowercase letters, digits and dashes", errUsage, c)
		}
	}
	cfg, err := m.loadConfig(fs, &cf)
	if err != nil {
		return err
	}
	st, err := openConfigured(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, c := range cfg.Categories {
		if err := st.UpsertCategory(ctx, feeds.Category{Slug: c.Slug, Title: c.Title, Description: c.Description}); err != nil {
			return err
		}
	}

	var progress func(done, total int, rate float64)
	if m.IsTerminal(m.Stderr) {
		progress = func(done, total int, rate float64) {
			fmt.Fprintf(m.Stderr, "\r%d/%d files, %.0f files/s ", done, total, rate)
			if done == total {
				fmt.Fprint(m.Stderr, "\r\033[K")
			}
		}
	}
	opts := importOptions(newCleaner(cfg), cats)
	if *explain {
		opts.Explain = func(path, guid string, r content.Report) {
			fmt.Fprintf(m.Stdout, "%s (%s):\n%s\n", path, guid, indent(r.String()))
		}
	}
	sum, err := importPaths(ctx, st, fs.Args(), opts, &importReport{w: m.Stderr, progress: progress})
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, sum)
	if cerr := st.Close(); cerr != nil {
		return cerr
	}
	if sum.filesFailed > 0 {
		return errSilent
	}
	return nil
}

func importOptions(cleaner *content.Cleaner, cats []string) importer.Options {
	return importer.Options{Categories: cats, Cleaner: cleaner}
}

// newCleaner builds the one Cleaner of a run from the config's markers.
func newCleaner(cfg *config.Config) *content.Cleaner {
	return content.New(content.Options{Markers: markers(cfg.Clean)})
}

// markers starts from the built-in boilerplate markers and replaces each
// list the config sets.
func markers(c config.CleanConfig) content.Markers {
	m := content.DefaultMarkers()
	if len(c.Headings) > 0 {
		m.Headings = c.Headings
	}
	if len(c.Related) > 0 {
		m.Related = c.Related
	}
	if len(c.Filler) > 0 {
		m.Filler = c.Filler
	}
	if len(c.Share) > 0 {
		m.Share = c.Share
	}
	if len(c.Newsletter) > 0 {
		m.Newsletter = c.Newsletter
	}
	if len(c.Footer) > 0 {
		m.Footer = c.Footer
	}
	return m
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return "  nothing cut"
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ")
}

// importSummary counts what an import did: files read and failed, and
// what happened to the articles of the files that imported (a JSON file
// may hold many).
type importSummary struct {
	files, filesFailed          int
	created, updated, unchanged int
}

// String is the line `newswire import` ends with, e.g. "3 files read,
// 1 failed; 12 articles: 10 new, 1 updated, 1 unchanged".
func (s importSummary) String() string {
	return fmt.Sprintf("%s read, %d failed; %s: %d new, %d updated, %d unchanged",
		plural(s.files, "file"), s.filesFailed, plural(s.created+s.updated+s.unchanged, "article"),
		s.created, s.updated, s.unchanged)
}

// addCategories adds the categories of saved articles to have.
func addCategories(have map[string]bool, arts []*feeds.Article) {
	for _, a := range arts {
		for _, c := range a.Categories {
			have[c] = true
		}
	}
}

// plural is "1 file" or "3 files".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// importReport is where an import reports bad files and progress.
type importReport struct {
	w        io.Writer
	progress func(done, total int, rate float64)
}

// articleSaver is where imported articles go.
type articleSaver interface {
	CategorySlugs(ctx context.Context) (map[string]bool, error)
	// SaveCleaned saves articles with their bodies' text from cleaning,
	// which the search index takes instead of reading the bodies again.
	SaveCleaned(ctx context.Context, items []newsroom.Cleaned) ([]newsroom.SaveResult, error)
}

// claimGUIDs records that path gives its articles' GUIDs in this run, or
// refuses the file when another file of the run gave one of them already.
// Two files with one name in different folders derive one GUID; saved in
// turn, the second would silently replace the first's story.
func claimGUIDs(owner map[string]string, path string, arts []*feeds.Article) error {
	for _, a := range arts {
		if first, ok := owner[a.GUID]; ok && first != path {
			return &importer.FileError{Path: path, Field: "guid", Err: fmt.Errorf(
				"guid %q is also the guid of %s, imported before it: give one of them its own guid or file name", a.GUID, first)}
		}
	}
	for _, a := range arts {
		owner[a.GUID] = path
	}
	return nil
}

// importPaths imports files and folders into st. A bad file is reported and
// counted, and the rest still import; each file's articles are saved in one
// transaction (with the files next to it: importGroup), so a file is never
// half-imported.
func importPaths(ctx context.Context, st articleSaver, paths []string, opts importer.Options, rep *importReport) (importSummary, error) {
	var sum importSummary
	files, err := importer.Files(paths)
	if err != nil {
		if rep == nil {
			return sum, err
		}
		// A path that is missing or of the wrong type is one failure;
		// the files found still import.
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, e := range errs {
			sum.files++
			sum.filesFailed++
			fmt.Fprintln(rep.w, "import:", e)
		}
	}
	have, err := st.CategorySlugs(ctx)
	if err != nil {
		return sum, err
	}
	owner := map[string]string{} // GUID -> the file of this run that gave it
	start := time.Now()
	lastTick := start
	next := readAhead(ctx, files, opts)
	defer next.stop()
	g := importGroup{st: st, have: have, sum: &sum, rep: rep}
	for i := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		sum.files++
		f, ok := next.next()
		if !ok {
			return sum, ctx.Err()
		}
		path, items, err := f.path, f.items, f.err
		articles := newsroom.Articles(items)
		if err == nil {
			err = claimGUIDs(owner, path, articles)
		}
		if err == nil {
			err = importer.CheckNewCategories(path, articles, have, importer.MaxCategories)
		}
		if err == nil {
			g.add(path, items, articles)
			if g.n >= importBatch {
				err = g.save(ctx)
			}
		} else {
			// Reported in file order: the files read before it are saved first.
			if serr := g.save(ctx); serr != nil {
				return sum, serr
			}
			if err = g.failed(err); err != nil {
				return sum, err
			}
		}
		if err != nil {
			return sum, err
		}
		if rep != nil && rep.progress != nil && (time.Since(lastTick) > 200*time.Millisecond || i == len(files)-1) {
			lastTick = time.Now()
			rep.progress(i+1, len(files), float64(i+1)/max(time.Since(start).Seconds(), 1e-3))
		}
	}
	if err := g.save(ctx); err != nil {
		return sum, err
	}
	if len(files) == 0 && sum.filesFailed == 0 {
		return sum, errors.New("no article files found (.txt, .md, .json)")
	}
	return sum, nil
}

// readFiles is the files of an import read on a goroutine of their own, in
// order: reading and cleaning (about half the work of an import) runs
// while the files before are saved.
type readFiles struct {
	files chan readFile
	limit *aheadLimit
	stop  func() // stops the reading and waits for it to end
}

// next returns the next file read; false when the reading stopped first
// (the context ended).
func (r readFiles) next() (readFile, bool) {
	f, ok := <-r.files
	if ok {
		r.limit.release(f.weight())
	}
	return f, ok
}

// readFile is what importer.ReadCleaned gave for path.
type readFile struct {
	path  string
	items []newsroom.Cleaned
	err   error
}

// weight is what f counts for against readAheadArticles.
func (f readFile) weight() int { return max(len(f.items), 1) }

// readAheadArticles bounds the articles read and not yet taken for saving:
// a transaction's worth (importBatch), so a whole group is ready when the
// one before is saved, and no more is held in memory.
const readAheadArticles = importBatch

// readAhead starts reading files, in order, with opts (opts.Explain is
// called on the reading goroutine).
func readAhead(ctx context.Context, files []string, opts importer.Options) readFiles {
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan readFile, readAheadArticles)
	limit := &aheadLimit{max: readAheadArticles}
	limit.cond.L = &limit.mu
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(out)
		for _, path := range files {
			items, err := importer.ReadCleaned(path, opts)
			f := readFile{path, items, err}
			if !limit.take(f.weight()) {
				return
			}
			select {
			case out <- f:
			case <-ctx.Done():
				return
			}
		}
	})
	return readFiles{files: out, limit: limit, stop: func() { cancel(); limit.stop(); wg.Wait() }}
}

// aheadLimit counts the articles read ahead, up to max; one file larger
// than max is let through alone.
type aheadLimit struct {
	mu      sync.Mutex
	cond    sync.Cond
	ahead   int
	max     int
	stopped bool
}

// take waits until n more articles are within the limit; false means the
// reading is stopped.
func (l *aheadLimit) take(n int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for !l.stopped && l.ahead > 0 && l.ahead+n > l.max {
		l.cond.Wait()
	}
	l.ahead += n
	return !l.stopped
}

func (l *aheadLimit) release(n int) {
	l.mu.Lock()
	l.ahead -= n
	l.mu.Unlock()
	l.cond.Broadcast()
}

func (l *aheadLimit) stop() {
	l.mu.Lock()
	l.stopped = true
	l.mu.Unlock()
	l.cond.Broadcast()
}

// importBatch is about how many articles an import saves in one
// transaction: files are saved together up to it (a larger file alone).
// Each commit, and each search index segment SQLite's FTS5 writes and then
// merges again and again as the index grows, costs about the same for 100
// articles as for 1,000, so grouped files import about a quarter faster.
const importBatch = 1000

// importFile is a file read and checked, waiting in an importGroup.
type importFile struct {
	path     string
	items    []newsroom.Cleaned
	articles []*feeds.Article
}

// importGroup saves consecutive good files in one transaction. A file is
// still never half-imported, and one file's failure loses no other file:
// when the transaction fails, each of its files is saved on its own again,
// so the error is reported for the file that has it, and the rest are saved.
// An import stopped (its context ended) leaves the files waiting unsaved,
// whole: importing again saves them.
type importGroup struct {
	st    articleSaver
	have  map[string]bool // categories that exist, those of the files waiting included
	added []string        // categories of the files waiting, not saved yet
	files []importFile
	n     int // articles in files
	sum   *importSummary
	rep   *importReport
}

// add queues a file whose categories CheckNewCategories allowed.
func (g *importGroup) add(path string, items []newsroom.Cleaned, articles []*feeds.Article) {
	for _, a := range articles {
		for _, c := range a.Categories {
			if !g.have[c] {
				g.have[c] = true
				g.added = append(g.added, c)
			}
		}
	}
	g.files = append(g.files, importFile{path, items, articles})
	g.n += len(items)
}

// save saves the files waiting. The error it returns ends the import: a
// file's own failure is reported (failed) and counted instead.
func (g *importGroup) save(ctx context.Context) error {
	files, added := g.files, g.added
	g.files, g.added, g.n = nil, nil, 0
	if len(files) == 0 {
		return nil
	}
	if len(files) > 1 {
		var all []newsroom.Cleaned
		for _, f := range files {
			all = append(all, f.items...)
		}
		res, err := g.st.SaveCleaned(ctx, all)
		if err == nil {
			g.count(res)
			return nil
		}
	}
	// A file alone, or a group that failed (nothing of it was saved): each
	// file on its own, from the categories that exist; saveFile adds a
	// file's own once it is saved, and a file that fails adds none.
	for _, c := range added {
		delete(g.have, c)
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := importer.CheckNewCategories(f.path, f.articles, g.have, importer.MaxCategories); err != nil {
			if err := g.failed(err); err != nil {
				return err
			}
			continue
		}
		if err := g.saveFile(ctx, f); err != nil {
			return err
		}
	}
	return nil
}

// saveFile saves one file in its own transaction.
func (g *importGroup) saveFile(ctx context.Context, f importFile) error {
	res, err := g.st.SaveCleaned(ctx, f.items)
	if err != nil {
		return g.failed(fmt.Errorf("%s: %w", f.path, err))
	}
	g.count(res)
	addCategories(g.have, f.articles)
	return nil
}

// count adds saved articles' results to the summary.
func (g *importGroup) count(res []newsroom.SaveResult) {
	for _, r := range res {
		switch r {
		case newsroom.Created:
			g.sum.created++
		case newsroom.Updated:
			g.sum.updated++
		default:
			g.sum.unchanged++
		}
	}
}

// failed counts a failed file and reports err, or returns it when there
// is no report (the import ends).
func (g *importGroup) failed(err error) error {
	g.sum.filesFailed++
	if g.rep == nil {
		return err
	}
	fmt.Fprintln(g.rep.w, "import:", err)
	return nil
}
