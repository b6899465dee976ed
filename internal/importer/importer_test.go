package importer

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/content"
)

var (
	articlesDir = filepath.Join("..", "demo", "articles")
	badDir      = filepath.Join("..", "..", "testdata", "import-bad")
	seedFile    = filepath.Join(articlesDir, "000_bcfca962802f740c.txt")
)

// readOne reads a file that must hold exactly one valid article.
func readOne(t *testing.T, path string, opts Options) *feeds.Article {
	t.Helper()
	arts, err := ReadFile(path, opts)
	if err != nil {
		t.Fatalf("ReadFile(%s): %v", path, err)
	}
	if len(arts) != 1 {
		t.Fatalf("ReadFile(%s): %d articles, want 1", path, len(arts))
	}
	return arts[0]
}

// paragraphs returns the text of each block of an article's HTML.
func paragraphs(a *feeds.Article) []string {
	return strings.Split(content.Text(a.ContentHTML), "\n")
}

func TestSeed(t *testing.T) {
	a := readOne(t, seedFile, Options{Categories: []string{"world"}})

	if want := "روسيا ترفض مساعدة أرمينيا ضد أذربيجان"; a.Title != want {
		t.Errorf("title %q, want %q", a.Title, want)
	}
	ps := paragraphs(a)
	if len(ps) != 9 {
		t.Fatalf("%d paragraphs, want 9:\n%s", len(ps), strings.Join(ps, "\n"))
	}
	if want := "رفضت موسكو تقديم الدعم لأرمينيا ضد أذربيجان في المعارك الدائرة بإقليم قره باغ، ما دامت الاشتباكات لا تقع في نطاق الأراضي الأرمينية."; ps[0] != want {
		t.Errorf("first paragraph\n got %q\nwant %q", ps[0], want)
	}
	if want := "وفشلت ثلاث اتفاقيات للهدنة في وقف الحرب كان آخرها في واشنطن الأسبوع الماضي بوساطة وزير الخارجية الأمريكي مايك بومبيو."; ps[8] != want {
		t.Errorf("last paragraph\n got %q\nwant %q", ps[8], want)
	}
	// Every story line of the file, byte for byte, as a <p>.
	raw, err := os.ReadFile(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	for i, l := range lines[2:11] {
		if ps[i] != l {
			t.Errorf("paragraph %d\n got %q\nwant %q (line %d)", i, ps[i], l, i+3)
		}
	}
	if strings.Count(a.ContentHTML, "<p>") != 9 {
		t.Errorf("content has %d <p>, want 9", strings.Count(a.ContentHTML, "<p>"))
	}

	want := []feeds.Related{
		{Title: "وفاة طفلة نهشتها كلاب ضالة في الجزائر"},
		{Title: "هيئة الإغاثة الإنسانية التركية توصل مساعدات لأكثر من 4.5 مليون سوداني"},
		{Title: "مجلس السيادة السوداني: لا مفاوضات مع الدعم السريع"},
		{Title: "طرقات غامضة على باب قمرة القيادة تضطر طائرة أميركية للهبوط"},
		{Title: "زيارة يونانية إلى قاعدة تركية.. هل تمهد لتخفيف التوتر العسكري بينهم؟"},
	}
	if !reflect.DeepEqual(a.Related, want) {
		t.Errorf("related\n got %q\nwant %q", a.Related, want)
	}
	for _, junk := range []string{"معلومات إضافية", "مواضيع ذات صلة", "أسئلة شائعة", "س:", "ج:", "محركات البحث", "وفاة طفلة"} {
		if strings.Contains(a.ContentHTML, junk) || strings.Contains(a.Summary, junk) {
			t.Errorf("filler %q in content or summary", junk)
		}
	}
	if !strings.HasPrefix(a.Summary, "رفضت موسكو تقديم الدعم") || strings.HasSuffix(a.Summary, content.Ellipsis) {
		t.Errorf("summary %q", a.Summary)
	}
	if a.GUID != "tag:newswire,2026:000_bcfca962802f740c" || a.Language != "ar" {
		t.Errorf("guid %q language %q", a.GUID, a.Language)
	}
	if !reflect.DeepEqual(a.Categories, []string{"world"}) {
		t.Errorf("categories %q, want the --category default", a.Categories)
	}
	st, err := os.Stat(seedFile)
	if err != nil {
		t.Fatal(err)
	}
	if mt := st.ModTime().UTC().Truncate(time.Second); !a.Published.Equal(mt) || !a.Updated.Equal(mt) || a.Published.Location() != time.UTC {
		t.Errorf("published %v updated %v, want the file time %v in UTC", a.Published, a.Updated, mt)
	}
}

// fixture is what each sample article must import to.
type fixture struct {
	file       string
	guid       string
	title      string
	lang       string
	categories []string
	related    int
	image      bool
	keep       []string // must be in the content
	drop       []string // must not be in the content or summary
}

func TestFixtures(t *testing.T) {
	fixtures := []fixture{
		{file: "000_bcfca962802f740c.txt", lang: "ar", categories: []string{"world"}, related: 5,
			drop: []string{"محركات البحث", "أسئلة شائعة"}},
		{file: "001_bread-subsidy-reform.md", guid: "tag:newswire,2026:001_bread-subsidy-reform", title: "الحكومة تعلن خطة لإصلاح دعم الخبز على ثلاث مراحل",
			lang: "ar", categories: []string{"economy", "politics"}, related: 2, image: true,
			keep: []string{"<strong>سامر العلي</strong>", "في المقابل، حذر نواب"},
			drop: []string{"اقرأ أيضاً", "أسئلة شائعة", "س:", "wheat-prices"}},
		{file: "002_central-bank-rates.json", guid: "urn:newswire:demo:central-bank-rates-2026-03", lang: "en", categories: []string{"economy"}, related: 2, image: true,
			keep: []string{"Governor Helen Marsh"}},
		{file: "003_ceasefire-mediator-interview.txt", lang: "en", categories: []string{"world"}, related: 2,
			keep: []string{"Q: The truce has held for 31 days.", "A: Fatigue.", "Q: What is the biggest risk now?"},
			drop: []string{"Related articles", "Share this", "Prisoner exchange delayed"}},
		{file: "004_parliament-budget-vote.md", lang: "en", categories: []string{"politics"}, related: 2,
			keep: []string{"<h2>Related</h2>", "budget-explained", "Opposition members tabled", "signed before the end of April."},
			drop: []string{"Additional information", "search engines", "Related topics", "Budget 2026"}},
		{file: "005_coastal-flooding.txt", lang: "ar", categories: []string{"world"}, related: 2,
			keep: []string{"في جنوب البلاد بعد أمطار غزيرة", "الزراعة حصر الأضرار التي لحقت بالمحاصيل والبيوت البلاستيكية."},
			drop: []string{"اقرأ أيضا", "تابعونا", "فيسبوك"}},
		{file: "006_wire-roundup.json", guid: "urn:newswire:demo:municipal-elections-turnout", lang: "ar", categories: []string{"politics"}, related: 1,
			keep: []string{`dir="rtl"`}},
		{file: "006_wire-roundup.json", guid: "https://news.example/world/port-strike-ends", lang: "en", categories: []string{"world", "economy"}},
		{file: "007_desalination-plant.md", lang: "ar", categories: []string{"economy"}, related: 1, image: true,
			keep: []string{"<h3>اقرأ أيضا</h3>", "coastal-water-demand", "وأبدى خبراء بيئيون"}},
	}
	byGUID := map[string]*feeds.Article{}
	files, err := Files([]string{articlesDir})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 8 {
		t.Errorf("%d sample files, want 8: %q", len(files), files)
	}
	opts := Options{Categories: []string{"world"}}
	for _, f := range files {
		arts, err := ReadFile(f, opts)
		if err != nil {
			t.Errorf("sample %s: %v", f, err)
			continue
		}
		for _, a := range arts {
			if byGUID[a.GUID] != nil {
				t.Errorf("duplicate GUID %s", a.GUID)
			}
			byGUID[a.GUID] = a
			if a.Title == "" || a.Summary == "" || a.ContentHTML == "" || a.Published.IsZero() || a.Updated.Before(a.Published) || len(a.Categories) == 0 {
				t.Errorf("%s: incomplete article %+v", f, a)
			}
		}
	}
	if len(byGUID) != len(fixtures) {
		t.Errorf("%d articles, want %d", len(byGUID), len(fixtures))
	}
	for _, fx := range fixtures {
		t.Run(fx.file+" "+fx.guid, func(t *testing.T) {
			guid := fx.guid
			if guid == "" {
				guid = FileGUID(fx.file)
			}
			a := byGUID[guid]
			if a == nil {
				t.Fatalf("no article %s", guid)
			}
			if fx.title != "" && a.Title != fx.title {
				t.Errorf("title %q, want %q", a.Title, fx.title)
			}
			if a.Language != fx.lang || !reflect.DeepEqual(a.Categories, fx.categories) || len(a.Related) != fx.related || (a.Image != nil) != fx.image {
				t.Errorf("language %q categories %q related %d image %v; want %q %q %d %v", a.Language, a.Categories, len(a.Related), a.Image, fx.lang, fx.categories, fx.related, fx.image)
			}
			for _, k := range fx.keep {
				if !strings.Contains(a.ContentHTML, k) {
					t.Errorf("content lost %q:\n%s", k, a.ContentHTML)
				}
			}
			for _, d := range fx.drop {
				if strings.Contains(a.ContentHTML, d) || strings.Contains(a.Summary, d) {
					t.Errorf("content kept %q:\n%s", d, a.ContentHTML)
				}
			}
		})
	}

	// Spot checks of the richer fields.
	md := byGUID[FileGUID("001_bread-subsidy-reform.md")]
	if want := (feeds.Image{URL: "https://news.example/images/bread-subsidy.jpg", Type: "image/jpeg", Length: 184320}); md.Image == nil || *md.Image != want {
		t.Errorf("image %+v", md.Image)
	}
	if want := []feeds.Person{{Name: "ليلى حداد", Email: "l.haddad@news.example"}}; !reflect.DeepEqual(md.Authors, want) {
		t.Errorf("authors %+v", md.Authors)
	}
	if want := time.Date(2026, 3, 9, 7, 30, 0, 0, time.UTC); !md.Published.Equal(want) || !md.Updated.Equal(want) {
		t.Errorf("published %v updated %v", md.Published, md.Updated)
	}
	if want := (feeds.Related{Title: "ارتفاع أسعار القمح عالميا للشهر الثالث على التوالي", URL: "https://news.example/economy/wheat-prices"}); md.Related[0] != want {
		t.Errorf("related[0] %+v", md.Related[0])
	}
	js := byGUID["urn:newswire:demo:central-bank-rates-2026-03"]
	if want := []feeds.Related{{Title: "Inflation eases for a fourth month"}, {URL: "https://news.example/economy/mortgage-rates-explainer"}}; !reflect.DeepEqual(js.Related, want) {
		t.Errorf("json related %+v", js.Related)
	}
	if !js.Updated.Equal(time.Date(2026, 3, 10, 16, 20, 0, 0, time.UTC)) || js.URL != "https://news.example/economy/central-bank-holds-rates" {
		t.Errorf("json updated %v url %q", js.Updated, js.URL)
	}
	vote := byGUID[FileGUID("004_parliament-budget-vote.md")]
	if want := []feeds.Person{{Name: "Omar Farouk"}, {Name: "Claire Dubois", URL: "https://news.example/authors/claire-dubois"}}; !reflect.DeepEqual(vote.Authors, want) {
		t.Errorf("authors %+v", vote.Authors)
	}
	if want := []feeds.Related{{Title: "Budget 2026"}, {Title: "Fuel subsidy review"}}; !reflect.DeepEqual(vote.Related, want) {
		t.Errorf("related %+v", vote.Related)
	}
	desal := byGUID[FileGUID("007_desalination-plant.md")]
	if !desal.Published.Equal(time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)) || desal.Image.URL != "https://news.example/images/desalination-plant.jpg" {
		t.Errorf("date-only published %v, image %+v", desal.Published, desal.Image)
	}
}

func TestBadFixtures(t *testing.T) {
	tests := []struct {
		file string
		line int
		want string
		is   error
	}{
		{"bad_front_matter.md", 3, "front matter: did not find expected ',' or ']'", nil},
		{"bad_date.md", 3, `date "yesterday evening"`, nil},
		{"unknown_front_matter_key.md", 4, `unknown front matter key "tags"`, nil},
		{"unclosed_front_matter.md", 1, "not closed", nil},
		{"missing_title.md", 1, "no title", ErrNoTitle},
		{"syntax_error.json", 5, "invalid JSON", nil},
		{"unknown_field.json", 3, `unknown field "headline"`, nil},
		{"missing_title.json", 6, "no title", ErrNoTitle},
		{"bad_url.json", 4, `url "news.example/politics/budget-vote-delayed"`, nil},
		{"empty.txt", 0, "the file is empty", ErrNoTitle},
		{"boilerplate_only.txt", 3, "no article text", ErrNoContent},
	}
	files, err := Files([]string{badDir})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(tests) {
		t.Errorf("%d bad fixtures, %d cases", len(files), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join(badDir, tt.file)
			arts, err := ReadFile(path, Options{})
			if err == nil || arts != nil {
				t.Fatalf("ReadFile = %d articles, %v; want an error and nothing", len(arts), err)
			}
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("%v is not a FileError", err)
			}
			if fe.Path != path || fe.Line != tt.line || !strings.Contains(fe.Error(), tt.want) {
				t.Errorf("got %q (line %d), want line %d and %q", fe, fe.Line, tt.line, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("errors.Is(%v, %v) = false", err, tt.is)
			}
		})
	}
}

func TestBadURLReportsEveryProblem(t *testing.T) {
	_, err := ReadFile(filepath.Join(badDir, "bad_url.json"), Options{})
	msg := err.Error()
	if !strings.Contains(msg, "bad_url.json:4: url") || !strings.Contains(msg, "bad_url.json:5: published") {
		t.Errorf("want both the url (line 4) and the date (line 5):\n%s", msg)
	}
}

func TestFileError(t *testing.T) {
	e := &FileError{Path: "a/b.md", Line: 7, Err: ErrNoTitle}
	if e.Error() != "a/b.md:7: no title" || !errors.Is(e, ErrNoTitle) {
		t.Errorf("%q", e)
	}
	e.Line = 0
	if e.Error() != "a/b.md: no title" {
		t.Errorf("%q", e)
	}
}

// copyFile copies src to dst, creating dst's folder.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dst, string(b))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGUIDStable(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"000_bcfca962802f740c.txt", "004_parliament-budget-vote.md", "002_central-bank-rates.json"} {
		t.Run(name, func(t *testing.T) {
			a := filepath.Join(dir, "inbox", name)
			b := filepath.Join(dir, "archive", "2026", "03", name)
			copyFile(t, filepath.Join(articlesDir, name), a)
			copyFile(t, filepath.Join(articlesDir, name), b)
			first := readOne(t, a, Options{})
			moved := readOne(t, b, Options{})
			if first.GUID != moved.GUID {
				t.Errorf("moving the file changed the GUID: %s -> %s", first.GUID, moved.GUID)
			}

			// Edit title and body: still the same article.
			raw, err := os.ReadFile(b)
			if err != nil {
				t.Fatal(err)
			}
			edited := strings.Replace(string(raw), "The ", "THE ", 3)
			edited = strings.Replace(edited, "رفضت موسكو", "رفضت روسيا", 1)
			if edited == string(raw) {
				t.Fatal("edit changed nothing")
			}
			writeFile(t, b, edited)
			after := readOne(t, b, Options{})
			if after.GUID != first.GUID {
				t.Errorf("editing the file changed the GUID: %s -> %s", first.GUID, after.GUID)
			}
			if after.ContentHTML == first.ContentHTML && after.Title == first.Title {
				t.Error("the edit did not reach the article")
			}
		})
	}
}

func TestGUIDInJSONArrays(t *testing.T) {
	dir := t.TempDir()
	src := `[{"title": "One", "content_html": "<p>x</p>"}, {"title": "Two", "content_html": "<p>y</p>", "url": "https://news.example/two"}]`
	writeFile(t, filepath.Join(dir, "a", "batch.json"), src)
	writeFile(t, filepath.Join(dir, "b", "batch.json"), `[{"title": "Zero", "content_html": "<p>z</p>"}, `+src[1:])
	a, err := ReadFile(filepath.Join(dir, "a", "batch.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadFile(filepath.Join(dir, "b", "batch.json"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Positions moved; identities did not.
	if a[0].GUID != b[1].GUID || a[1].GUID != b[2].GUID || a[1].GUID != "https://news.example/two" || !strings.HasPrefix(a[0].GUID, FileGUID("batch.json")+"/") {
		t.Errorf("GUIDs %s %s vs %s %s", a[0].GUID, a[1].GUID, b[1].GUID, b[2].GUID)
	}
	writeFile(t, filepath.Join(dir, "dup.json"), `[{"guid": "x", "title": "A", "content_html": "<p>a</p>"}, {"guid": "x", "title": "B", "content_html": "<p>b</p>"}]`)
	if _, err := ReadFile(filepath.Join(dir, "dup.json"), Options{}); err == nil || !strings.Contains(err.Error(), "duplicate guid") {
		t.Errorf("duplicate guid: %v", err)
	}
}

func TestFileGUID(t *testing.T) {
	for path, want := range map[string]string{
		"000_bcfca962802f740c.txt":      "tag:newswire,2026:000_bcfca962802f740c",
		"/x/y/story.md":                 "tag:newswire,2026:story",
		"a/خبر عاجل.markdown":           "tag:newswire,2026:%D8%AE%D8%A8%D8%B1%20%D8%B9%D8%A7%D8%AC%D9%84",
		filepath.Join("z", "v1.2.json"): "tag:newswire,2026:v1.2",
	} {
		if got := FileGUID(path); got != want {
			t.Errorf("FileGUID(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestCategories(t *testing.T) {
	opts := Options{Categories: []string{"politics", "world"}}
	if a := readOne(t, seedFile, opts); !reflect.DeepEqual(a.Categories, opts.Categories) {
		t.Errorf("text: %q", a.Categories)
	}
	if a := readOne(t, filepath.Join(articlesDir, "004_parliament-budget-vote.md"), opts); !reflect.DeepEqual(a.Categories, []string{"politics"}) {
		t.Errorf("a file's own categories must win: %q", a.Categories)
	}
	if a := readOne(t, seedFile, Options{}); !reflect.DeepEqual(a.Categories, []string{feeds.Uncategorized}) {
		t.Errorf("no category and no default: %q, want uncategorized", a.Categories)
	}
	_, err := ReadFile(seedFile, Options{Categories: []string{"Bad Slug"}})
	var fe *FileError
	if !errors.As(err, &fe) || !strings.Contains(err.Error(), `category "Bad Slug"`) {
		t.Errorf("bad default category: %v", err)
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "x.md"), "---\ntitle: T\ncategories: [all]\n---\nBody text.\n")
	if _, err := ReadFile(filepath.Join(dir, "x.md"), Options{}); err == nil || !strings.Contains(err.Error(), "x.md:3: category \"all\"") {
		t.Errorf("reserved category: %v", err)
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"b.txt", "a.md", "sub/c.json", "sub/d.MARKDOWN", ".hidden.txt", ".git/e.txt", "notes.docx", "sub/.f.md", "image.jpg"} {
		writeFile(t, filepath.Join(dir, f), "x")
	}
	got, err := Files([]string{dir, filepath.Join(dir, "b.txt")})
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, p := range got {
		r, _ := filepath.Rel(dir, p)
		rel = append(rel, filepath.ToSlash(r))
	}
	if want := []string{"a.md", "b.txt", "sub/c.json", "sub/d.MARKDOWN"}; !reflect.DeepEqual(rel, want) {
		t.Errorf("Files = %q, want %q", rel, want)
	}

	// An explicitly named hidden file is taken; bad paths are reported
	// while the good ones still come back.
	got, err = Files([]string{filepath.Join(dir, ".hidden.txt"), filepath.Join(dir, "notes.docx"), filepath.Join(dir, "missing"), filepath.Join(dir, "a.md")})
	if len(got) != 2 {
		t.Errorf("Files = %q", got)
	}
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrUnsupported) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("errors: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "notes.docx"), Options{}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("ReadFile(.docx) = %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "nope.txt"), Options{}); !errors.Is(err, os.ErrNotExist) || !strings.HasPrefix(err.Error(), filepath.Join(dir, "nope.txt")+": ") {
		t.Errorf("ReadFile(missing) = %v", err)
	}
}

func TestJSONIDsAndEmbargo(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cms.json")
	body := `[{"guid": "cms-42", "title": "خبر", "content_html": "<p>نص الخبر هنا.</p>", "categories": ["world"],
  "published": "2026-11-01T10:00:00Z", "publish_at": "2026-12-01T08:00:00+03:00"},
 {"guid": "https://news.example/a/1", "title": "Story", "content_html": "<p>Text of the story.</p>", "categories": ["world"]}]`
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	as, err := ReadFile(p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if as[0].GUID != "tag:newswire,2026:cms-42" || as[1].GUID != "https://news.example/a/1" {
		t.Errorf("GUIDs %q %q", as[0].GUID, as[1].GUID)
	}
	if !as[0].PublishAt.Equal(time.Date(2026, 12, 1, 5, 0, 0, 0, time.UTC)) || !as[1].PublishAt.IsZero() {
		t.Errorf("publish_at %v %v", as[0].PublishAt, as[1].PublishAt)
	}
}

func TestMarkdownArabicDates(t *testing.T) {
	tests := map[string]time.Time{
		"27 أيلول/سبتمبر 2020":       time.Date(2020, 9, 27, 0, 0, 0, 0, time.UTC),
		"10 تشرين أول/أكتوبر 2020":   time.Date(2020, 10, 10, 0, 0, 0, 0, time.UTC),
		"Sun, 09 Mar 2025 10:00 AST": time.Date(2025, 3, 9, 7, 0, 0, 0, time.UTC),
		"2026-03-09":                 time.Date(2026, 3, 9, 0, 0, 0, 0, time.UTC),
	}
	for in, want := range tests {
		dir := t.TempDir()
		p := filepath.Join(dir, "a.md")
		src := "---\ntitle: خبر\ndate: \"" + in + "\"\ncategories: [world]\n---\n\nنص الخبر الكامل هنا.\n"
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		as, err := ReadFile(p, Options{})
		if err != nil {
			t.Errorf("%s: %v", in, err)
			continue
		}
		if !as[0].Published.Equal(want) {
			t.Errorf("%s: published %v, want %v", in, as[0].Published, want)
		}
	}
}
