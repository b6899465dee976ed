package importer

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/newswire/newswire/feeds"
	"github.com/newswire/newswire/internal/yamlpos"
)

// splitFrontMatter separates a YAML front matter block ("---" on the first
// line, up to the next "---" or "...") from the body. fm is nil when the
// file has none.
func splitFrontMatter(path string, lines []line) (fm, body []line, err error) {
	if len(lines) == 0 || strings.TrimRight(lines[0].text, " \t") != "---" {
		return nil, lines, nil
	}
	for i := 1; i < len(lines); i++ {
		if t := strings.TrimRight(lines[i].text, " \t"); t == "---" || t == "..." {
			return lines[1:i], lines[i+1:], nil
		}
	}
	return nil, nil, &FileError{Path: path, Line: lines[0].n, Err: errors.New("front matter is not closed by a --- line")}
}

// frontMatter decodes front matter into a, returning the file line of each
// key. Every bad key or value is a *FileError at its line; all are
// reported.
func frontMatter(path string, fm []line, a *feeds.Article) (map[string]int, error) {
	if len(fm) == 0 {
		return map[string]int{}, nil
	}
	offset := fm[0].n - 1 // file line of YAML line 1, minus one
	texts := make([]string, len(fm))
	for i, l := range fm {
		texts[i] = l.text
	}
	var doc yaml.Node
	src := []byte(strings.Join(texts, "\n"))
	if err := yaml.Unmarshal(src, &doc); err != nil {
		n, msg := yamlpos.Line(err, src)
		return nil, &FileError{Path: path, Line: n + offset, Err: fmt.Errorf("front matter: %s", msg)}
	}
	lines := map[string]int{}
	if len(doc.Content) == 0 || isNull(doc.Content[0]) {
		return lines, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &FileError{Path: path, Line: root.Line + offset, Err: errors.New("front matter must be a mapping of keys to values")}
	}

	d := &fmDecoder{path: path, offset: offset}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], resolve(root.Content[i+1])
		key := k.Value
		if _, dup := lines[key]; dup {
			d.fail(k, fmt.Errorf("duplicate key %q", key))
			continue
		}
		lines[key] = k.Line + offset
		switch key {
		case "title":
			a.Title = collapse(d.text(key, v))
		case "guid":
			a.GUID = strings.TrimSpace(d.text(key, v))
		case "url":
			a.URL = strings.TrimSpace(d.text(key, v))
		case "language":
			a.Language = strings.TrimSpace(d.text(key, v))
		case "summary":
			a.Summary = collapse(d.text(key, v))
		case "date", "updated":
			s := d.text(key, v)
			if s == "" {
				continue
			}
			t, err := parseDate(s, false)
			if err == nil {
				err = checkTime(t) // here, to name the key and its line
			}
			if err != nil {
				d.fail(v, fmt.Errorf("%s: %w", key, err))
			} else if key == "date" {
				a.Published = t
			} else {
				a.Updated = t
			}
		case "categories":
			for _, c := range d.list(key, v) {
				a.Categories = append(a.Categories, d.text(key, c))
			}
		case "authors":
			for _, n := range d.list(key, v) {
				if p, ok := d.person(n); ok {
					a.Authors = append(a.Authors, p)
				}
			}
		case "image":
			a.Image = d.image(v)
		case "related":
			for _, n := range d.list(key, v) {
				if r, ok := d.related(n); ok {
					a.Related = append(a.Related, r)
				}
			}
		default:
			d.fail(k, fmt.Errorf("unknown front matter key %q (known: title, date, updated, categories, authors, image, guid, url, language, summary, related)", key))
		}
	}
	return lines, byLine(d.errs)
}

// fmDecoder reads front matter values, collecting errors at file lines.
type fmDecoder struct {
	path   string
	offset int
	errs   []error
}

func (d *fmDecoder) fail(n *yaml.Node, err error) {
	d.errs = append(d.errs, &FileError{Path: d.path, Line: n.Line + d.offset, Err: err})
}

// resolve follows an alias to its anchor.
func resolve(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// text reads a scalar as text ("" for null); anything else is an error.
func (d *fmDecoder) text(key string, n *yaml.Node) string {
	n = resolve(n)
	if isNull(n) {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		d.fail(n, fmt.Errorf("%s: want text, not a list or mapping", key))
		return ""
	}
	return n.Value
}

// list reads a sequence, or a single value as a list of one.
func (d *fmDecoder) list(key string, n *yaml.Node) []*yaml.Node {
	n = resolve(n)
	switch {
	case isNull(n):
		return nil
	case n.Kind == yaml.SequenceNode:
		out := make([]*yaml.Node, len(n.Content))
		for i, c := range n.Content {
			out[i] = resolve(c)
		}
		return out
	case n.Kind == yaml.ScalarNode, key == "authors" && n.Kind == yaml.MappingNode:
		return []*yaml.Node{n}
	}
	d.fail(n, fmt.Errorf("%s: want a list", key))
	return nil
}

// fields reads a mapping of known keys to text values.
func (d *fmDecoder) fields(what string, n *yaml.Node, known ...string) map[string]string {
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		found := false
		for _, name := range known {
			found = found || k.Value == name
		}
		if !found {
			d.fail(k, fmt.Errorf("%s: unknown key %q (known: %s)", what, k.Value, strings.Join(known, ", ")))
			continue
		}
		out[k.Value] = strings.TrimSpace(d.text(what+"."+k.Value, v))
	}
	return out
}

// person reads an author: a name, or {name, email, url}.
func (d *fmDecoder) person(n *yaml.Node) (feeds.Person, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		return feeds.Person{Name: collapse(n.Value)}, true
	case yaml.MappingNode:
		f := d.fields("authors", n, "name", "email", "url")
		return feeds.Person{Name: collapse(f["name"]), Email: f["email"], URL: f["url"]}, true
	}
	d.fail(n, errors.New("authors: want a name or {name, email, url}"))
	return feeds.Person{}, false
}

// image reads the lead image: a URL, or {url, type, length}.
func (d *fmDecoder) image(n *yaml.Node) *feeds.Image {
	switch {
	case isNull(n):
		return nil
	case n.Kind == yaml.ScalarNode:
		return &feeds.Image{URL: strings.TrimSpace(n.Value)}
	case n.Kind == yaml.MappingNode:
		f := d.fields("image", n, "url", "type", "length")
		im := &feeds.Image{URL: f["url"], Type: f["type"]}
		if s := f["length"]; s != "" {
			l, err := strconv.ParseInt(s, 10, 64)
			if err != nil || l < 0 {
				d.fail(n, fmt.Errorf("image: length %q is not a size in bytes", s))
			}
			im.Length = l
		}
		return im
	}
	d.fail(n, errors.New("image: want a URL or {url, type, length}"))
	return nil
}

// related reads a related article: a title or URL, or {title, url}.
func (d *fmDecoder) related(n *yaml.Node) (feeds.Related, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		return relatedFromString(n.Value), true
	case yaml.MappingNode:
		f := d.fields("related", n, "title", "url")
		return feeds.Related{Title: collapse(f["title"]), URL: f["url"]}, true
	}
	d.fail(n, errors.New("related: want a title, a URL or {title, url}"))
	return feeds.Related{}, false
}

// relatedFromString makes an absolute URL a related link and anything else
// a related title.
func relatedFromString(s string) feeds.Related {
	s = collapse(s)
	if isAbsURL(s) {
		return feeds.Related{URL: s}
	}
	return feeds.Related{Title: s}
}
