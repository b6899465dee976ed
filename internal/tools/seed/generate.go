package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// DefaultCategories are the category slugs seed spreads articles over.
var DefaultCategories = []string{"politics", "world", "economy", "sports"}

// Options say what to generate.
type Options struct {
	N          int           // number of articles
	PerFile    int           // articles per JSON file
	Categories []string      // category slugs; empty: DefaultCategories
	Seed       uint64        // random seed
	Start      time.Time     // publication time of article 0
	Step       time.Duration // time between consecutive articles
}

// Author is an article author as newswire's JSON import takes it.
type Author struct {
	Name string `json:"name"`
}

// Article is one article in newswire's JSON import form.
type Article struct {
	GUID        string   `json:"guid"`
	Title       string   `json:"title"`
	Summary     string   `json:"summary"`
	ContentHTML string   `json:"content_html"`
	URL         string   `json:"url"`
	Language    string   `json:"language"`
	Published   string   `json:"published"`
	Updated     string   `json:"updated"`
	Categories  []string `json:"categories"`
	Authors     []Author `json:"authors"`
}

// contentTarget is the body size (bytes of HTML) at which an article stops
// growing; with the other fields an article is about 3 KB of JSON, the
// size LIBRARIES.md measured with.
const contentTarget = 2200

// WriteFiles writes o.N articles into dir as JSON arrays of o.PerFile
// articles each, and returns the paths written.
func WriteFiles(dir string, o Options) ([]string, error) {
	if o.N < 0 || o.PerFile < 1 {
		return nil, fmt.Errorf("want n >= 0 and per-file >= 1, got %d and %d", o.N, o.PerFile)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	var paths []string
	for first := 0; first < o.N; first += o.PerFile {
		var buf bytes.Buffer
		buf.WriteString("[\n")
		for i := first; i < min(first+o.PerFile, o.N); i++ {
			if i > first {
				buf.WriteString(",\n")
			}
			if err := encode(&buf, Generate(i, o)); err != nil {
				return paths, err
			}
		}
		buf.WriteString("\n]\n")
		p := filepath.Join(dir, fmt.Sprintf("articles-%06d.json", first/o.PerFile))
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			return paths, fmt.Errorf("write %s: %w", p, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// encode writes a as one line of JSON, with <, > and & left as they are
// (as a newsroom's CMS would send them), so sizes are realistic.
func encode(buf *bytes.Buffer, a Article) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(a); err != nil {
		return fmt.Errorf("encode article %s: %w", a.GUID, err)
	}
	buf.Truncate(buf.Len() - 1) // Encode's newline; the caller separates
	return nil
}

// Generate returns article i. It depends only on i and o (not on o.N), so
// the first articles of a large seed are those of a small one.
func Generate(i int, o Options) Article {
	cats := o.Categories
	if len(cats) == 0 {
		cats = DefaultCategories
	}
	rng := rand.New(rand.NewPCG(o.Seed, uint64(i)))
	lang := "en"
	if rng.IntN(10) < 6 {
		lang = "ar"
	}
	ci := rng.IntN(len(cats))
	categories := []string{cats[ci]}
	if len(cats) > 1 && rng.IntN(100) < 15 {
		categories = append(categories, cats[(ci+1+rng.IntN(len(cats)-1))%len(cats)])
	}
	pool := pools[lang]
	cp, ok := pool.categories[cats[ci]]
	if !ok {
		cp = pool.categories["world"]
	}
	r, digits := slots(rng, lang)

	// The lead is about the category; the rest mixes it with general copy.
	lead := rng.IntN(len(cp.sentences))
	sentences := []string{cp.sentences[lead]}
	rest := append(append(append([]string(nil), cp.sentences[:lead]...), cp.sentences[lead+1:]...), pool.generic...)
	rng.Shuffle(len(rest), func(a, b int) { rest[a], rest[b] = rest[b], rest[a] })
	sentences = append(sentences, rest...)
	comp := composers[lang]
	var body strings.Builder
	heading := rng.IntN(2) == 0
	quote := rng.IntN(10) < 4
	// Each paragraph: the lead (or now and then another sentence from the
	// pools), then one or two composed sentences.
	for p := 0; body.Len() < contentTarget; p++ {
		var parts []string
		if len(sentences) > 0 && (p == 0 || rng.IntN(3) == 0) {
			parts = append(parts, r.Replace(sentences[0]))
			sentences = sentences[1:]
		}
		for k := 1 + rng.IntN(2); k > 0; k-- {
			parts = append(parts, comp.sentence(rng, digits))
		}
		if p == 1 {
			parts = append(parts, fmt.Sprintf(pool.link, lang, cats[ci], i))
		}
		body.WriteString("<p>" + strings.Join(parts, " ") + "</p>\n")
		if p == 1 && heading {
			body.WriteString("<h2>" + pool.headings[rng.IntN(len(pool.headings))] + "</h2>\n")
		}
		if p == 2 && quote {
			body.WriteString("<blockquote><p>" + r.Replace(pool.quote) + "</p></blockquote>\n")
		}
	}

	published := o.Start.Add(time.Duration(i) * o.Step).UTC()
	updated := published
	if rng.IntN(4) == 0 { // a quarter were corrected or extended later
		updated = published.Add(time.Duration(30+rng.IntN(150)) * time.Minute)
	}
	authors := []Author{{Name: pool.authors[rng.IntN(len(pool.authors))]}}
	if rng.IntN(5) == 0 {
		second := pool.authors[rng.IntN(len(pool.authors))]
		if second != authors[0].Name {
			authors = append(authors, Author{Name: second})
		}
	}
	return Article{
		GUID:        fmt.Sprintf("tag:news.example,2025:seed/%d", i),
		Title:       r.Replace(cp.titles[rng.IntN(len(cp.titles))]),
		Summary:     r.Replace(cp.sentences[lead]),
		ContentHTML: strings.TrimSuffix(body.String(), "\n"),
		URL:         fmt.Sprintf("https://news.example/%s/%s/%d", lang, cats[ci], i),
		Language:    lang,
		Published:   published.Format(time.RFC3339),
		Updated:     updated.Format(time.RFC3339),
		Categories:  categories,
		Authors:     authors,
	}
}

// slots fills the placeholders of one article's templates; the same
// article keeps the same city, country and figures throughout.
func slots(rng *rand.Rand, lang string) (*strings.Replacer, func(string) string) {
	p := pools[lang]
	place := rng.IntN(len(p.cities))
	other := (place + 1 + rng.IntN(len(p.cities)-1)) % len(p.cities)
	// Arabic copy writes numbers in Arabic-Indic digits about a third of the time.
	digits := func(s string) string { return s }
	if lang == "ar" && rng.IntN(3) == 0 {
		digits = toArabicIndic
	}
	n := func(lo, hi int) string { return digits(strconv.Itoa(lo + rng.IntN(hi-lo+1))) }
	dec := func(lo, hi int) string { // one decimal, lo/10 .. hi/10
		v := lo + rng.IntN(hi-lo+1)
		return digits(fmt.Sprintf("%d.%d", v/10, v%10))
	}
	return strings.NewReplacer(
		"{city}", p.cities[place], "{city2}", p.cities[other], "{country}", p.countries[place],
		"{person}", p.persons[rng.IntN(len(p.persons))],
		"{hours}", n(3, 9), "{months}", n(3, 10), "{num}", n(40, 99), "{total}", n(100, 150),
		"{thousands}", n(20, 900), "{rate}", dec(20, 120), "{rate2}", dec(20, 120), "{small}", dec(2, 25),
		"{g1}", n(2, 3), "{g2}", n(4, 5), "{pct}", n(3, 25), "{amount}", n(50, 900),
		"{score}", digits(fmt.Sprintf("%d-%d", 1+rng.IntN(3), rng.IntN(2))), "{points}", n(11, 30), "{minute}", n(5, 40),
	), digits
}

func toArabicIndic(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return '٠' + (r - '0')
		case r == '.':
			return '٫'
		}
		return r
	}, s)
}
