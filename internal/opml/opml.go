// Package opml reads and writes OPML 2.0 subscription lists: newswire's
// upstream sources (`newswire opml import|export`) and its own category feeds.
package opml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/net/html/charset"
)

// Outline is one <outline>: a feed when XMLURL is set, else a folder.
type Outline struct {
	Text     string    `xml:"text,attr"`
	Title    string    `xml:"title,attr,omitempty"`
	Type     string    `xml:"type,attr,omitempty"`
	XMLURL   string    `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string    `xml:"htmlUrl,attr,omitempty"`
	Language string    `xml:"language,attr,omitempty"`
	Category string    `xml:"category,attr,omitempty"` // comma-separated; "/a/b" paths allowed
	Outlines []Outline `xml:"outline"`
}

// Document is an OPML document.
type Document struct {
	Title       string
	DateCreated time.Time
	OwnerName   string
	Outlines    []Outline
}

type docXML struct {
	XMLName xml.Name `xml:"opml"`
	Version string   `xml:"version,attr"`
	Head    struct {
		Title       string `xml:"title,omitempty"`
		DateCreated string `xml:"dateCreated,omitempty"`
		OwnerName   string `xml:"ownerName,omitempty"`
	} `xml:"head"`
	Body struct {
		Outlines []Outline `xml:"outline"`
	} `xml:"body"`
}

// ErrNotOPML is returned for a well-formed document that is not OPML.
var ErrNotOPML = errors.New("not an OPML document")

// maxSize bounds what Parse reads: real subscription lists are far smaller.
const maxSize = 16 << 20

// Parse reads an OPML document. Errors name the line where the XML breaks.
func Parse(r io.Reader) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxSize {
		return nil, fmt.Errorf("OPML larger than %d MiB", maxSize>>20)
	}
	var d docXML
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	// Exports from older readers declare ISO-8859-1 or windows-1252.
	dec.CharsetReader = charset.NewReaderLabel
	// Entities beyond XML's five are not expanded: encoding/xml refuses them,
	// so a "billion laughs" document is an error, not a blow-up.
	if err := dec.Decode(&d); err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("line %d: %s", se.Line, se.Msg)
		}
		var ue xml.UnmarshalError
		if errors.As(err, &ue) && strings.Contains(string(ue), "expected element type <opml>") {
			return nil, ErrNotOPML
		}
		return nil, err
	}
	if d.XMLName.Local != "opml" {
		return nil, ErrNotOPML
	}
	doc := &Document{Title: d.Head.Title, OwnerName: d.Head.OwnerName, Outlines: d.Body.Outlines}
	if t, err := time.Parse(time.RFC1123Z, d.Head.DateCreated); err == nil {
		doc.DateCreated = t
	} else if t, err := time.Parse(time.RFC1123, d.Head.DateCreated); err == nil {
		doc.DateCreated = t
	}
	return doc, nil
}

// Feed is a feed outline with the folders it sits in.
type Feed struct {
	Outline
	Folders []string // enclosing folder titles, outermost first
}

// Name is the feed's display name: title, else text, else its URL.
func (o Outline) Name() string {
	for _, s := range []string{o.Title, o.Text, o.XMLURL} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// Categories lists the outline's category attribute entries, each path
// reduced to its last element ("/news/world" gives "world").
func (o Outline) Categories() []string {
	var out []string
	for _, c := range strings.Split(o.Category, ",") {
		c = strings.TrimSpace(c)
		if i := strings.LastIndex(c, "/"); i >= 0 {
			c = c[i+1:]
		}
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

// Feeds returns every outline with an xmlUrl, depth first, in document order.
func (d *Document) Feeds() []Feed {
	var out []Feed
	var walk func(os []Outline, folders []string)
	walk = func(os []Outline, folders []string) {
		for _, o := range os {
			if o.XMLURL != "" {
				out = append(out, Feed{Outline: o, Folders: folders})
			}
			if len(o.Outlines) > 0 {
				walk(o.Outlines, append(folders[:len(folders):len(folders)], o.Name()))
			}
		}
	}
	walk(d.Outlines, nil)
	return out
}

// Write writes d as OPML 2.0.
func Write(w io.Writer, d *Document) error {
	var x docXML
	x.Version = "2.0"
	x.Head.Title = d.Title
	x.Head.OwnerName = d.OwnerName
	if !d.DateCreated.IsZero() {
		x.Head.DateCreated = d.DateCreated.UTC().Format(time.RFC1123Z)
	}
	x.Body.Outlines = d.Outlines
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(x); err != nil {
		return fmt.Errorf("write OPML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}
