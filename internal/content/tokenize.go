package content

import (
	"strings"

	xhtml "golang.org/x/net/html"
)

// tokenizer splits an HTML string into exactly the tokens that
// golang.org/x/net/html's Tokenizer finds in it: the same types, the same
// boundaries, tag names, attributes and text. It exists for speed alone.
// x/net/html reads a byte at a time through a buffer refilled from an
// io.Reader and allocates for every attribute; the cleaner has the whole
// body as a string, so it skips text with vectorised searches for '<' and
// reads attributes as spans of the source. Tokenizing was half the cost
// of cleaning an article. TestTokenizerMatchesXNetHTML and
// FuzzTokenizer hold it to x/net/html token for token.
//
// Like x/net/html's, it tokenizes without a parser: no CDATA sections, and
// the raw text of script, style, title, textarea and the rest follows
// their start tags wherever they stand.
type tokenizer struct {
	s   string
	pos int
	// rawTag is the lower-cased element whose raw text comes next.
	rawTag string

	// The current token.
	tt         xhtml.TokenType
	start, end int
	name       span            // a tag's name
	attrs      []attrSpan      // a start tag's attributes: those with a name, the first of each name
	seen       map[string]bool // lower-cased names, for tags with very many attributes
	textRaw    bool            // the text is not entity-escaped (script, style, …)
	textNUL    bool            // NUL in the text reads as U+FFFD (raw text)
}

// attrSpan is where an attribute's name and value stand in the source.
type attrSpan struct{ key, val span }

// reset makes z tokenize s, keeping its memory.
func (z *tokenizer) reset(s string) {
	*z = tokenizer{s: s, attrs: z.attrs[:0], seen: z.seen}
}

// raw returns the source of the current token.
func (z *tokenizer) raw() string { return z.s[z.start:z.end] }

func isHTMLSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' }

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func skipHTMLSpace(s string, p int) int {
	for p < len(s) && isHTMLSpace(s[p]) {
		p++
	}
	return p
}

// next scans the next token and returns its type; xhtml.ErrorToken at the
// end of the input, and for a tag the input ends inside of.
func (z *tokenizer) next() xhtml.TokenType {
	s := z.s
	z.start, z.end = z.pos, z.pos
	z.name, z.attrs = span{}, z.attrs[:0]
	if z.pos >= len(s) {
		z.tt = xhtml.ErrorToken
		return z.tt
	}
	if z.rawTag != "" {
		tag := z.rawTag
		z.rawTag = ""
		var end int
		switch tag {
		case "plaintext":
			end = len(s)
		case "script":
			end = scriptEnd(s, z.pos)
		default:
			end = rawTextEnd(s, z.pos, tag)
		}
		if end > z.pos {
			z.textRaw = tag != "textarea" && tag != "title"
			z.textNUL = true
			return z.token(xhtml.TextToken, end)
		}
	}
	z.textRaw, z.textNUL = false, false

	i := z.pos
	for {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 || i+j+1 >= len(s) {
			// No tag starts before the end (a "<" last is text).
			return z.token(xhtml.TextToken, len(s))
		}
		i += j
		c := s[i+1]
		if isASCIILetter(c) || c == '/' || c == '!' || c == '?' {
			break
		}
		i++ // a "<" that opens nothing is text
	}
	if i > z.pos {
		// The text before the tag comes first.
		return z.token(xhtml.TextToken, i)
	}

	switch c := s[i+1]; {
	case isASCIILetter(c):
		end, ok := z.readTag(i+2, true)
		if !ok {
			return z.fail()
		}
		z.token(xhtml.StartTagToken, end)
		if rawTextElement(s[z.name.start:z.name.end]) {
			z.rawTag = strings.ToLower(s[z.name.start:z.name.end])
		}
		if s[end-2] == '/' {
			// "<br/>" closes itself; "<a href=x/>" has an attribute
			// value ending in "/".
			if n := len(z.attrs); n == 0 || z.attrs[n-1].val.end-1 != end-2 {
				z.tt = xhtml.SelfClosingTagToken
			}
		}
		return z.tt
	case c == '/':
		if i+2 >= len(s) {
			return z.token(xhtml.TextToken, len(s)) // "</" last is text
		}
		switch c := s[i+2]; {
		case c == '>':
			return z.token(xhtml.CommentToken, i+3) // "</>" is nothing: a comment
		case isASCIILetter(c):
			end, ok := z.readTag(i+3, false)
			if !ok {
				return z.fail()
			}
			return z.token(xhtml.EndTagToken, end)
		}
		return z.token(xhtml.CommentToken, closeAngle(s, i+2))
	case c == '?':
		return z.token(xhtml.CommentToken, closeAngle(s, i+1))
	}
	return z.markupDeclaration(i + 2)
}

// token makes [z.pos, end) the current token, of type tt.
func (z *tokenizer) token(tt xhtml.TokenType, end int) xhtml.TokenType {
	z.tt, z.start, z.end, z.pos = tt, z.pos, end, end
	return tt
}

// fail ends the input inside a tag: the error token x/net/html returns.
func (z *tokenizer) fail() xhtml.TokenType {
	z.attrs = z.attrs[:0]
	z.token(xhtml.ErrorToken, len(z.s))
	return z.tt
}

// closeAngle returns the position after the next ">" from p, or the end.
func closeAngle(s string, p int) int {
	if i := strings.IndexByte(s[p:], '>'); i >= 0 {
		return p + i + 1
	}
	return len(s)
}

// markupDeclaration reads the token after "<!", which ends at p: a
// comment, a doctype or a bogus comment.
func (z *tokenizer) markupDeclaration(p int) xhtml.TokenType {
	s := z.s
	if p+2 > len(s) {
		return z.token(xhtml.CommentToken, len(s))
	}
	if s[p] == '-' && s[p+1] == '-' {
		return z.token(xhtml.CommentToken, commentEnd(s, p+2))
	}
	const doctype = "DOCTYPE"
	if p+len(doctype) <= len(s) && asciiFoldEqual(s[p:p+len(doctype)], doctype) {
		q := skipHTMLSpace(s, p+len(doctype))
		return z.token(xhtml.DoctypeToken, closeAngle(s, q))
	}
	return z.token(xhtml.CommentToken, closeAngle(s, p))
}

// commentEnd returns the end of a comment whose text starts at p: after
// "-->", "--!>", or a ">" right at the start ("<!-->", "<!--->").
func commentEnd(s string, p int) int {
	dashes, beginning := 0, true
	for ; p < len(s); p++ {
		switch s[p] {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				return p + 1
			}
		case '!':
			if dashes >= 2 {
				if p+1 >= len(s) {
					return len(s)
				}
				switch s[p+1] {
				case '>':
					return p + 2
				case '-':
					p++
					dashes, beginning = 1, false
					continue
				}
				// The byte after "--!" is neither: it resets like any other.
				p++
			}
		}
		dashes, beginning = 0, false
	}
	return len(s)
}

// readTag reads a tag whose name starts at p-1 and returns the position
// after its ">", or false when the input ends first. With save, it keeps
// the attributes that have a name.
func (z *tokenizer) readTag(p int, save bool) (int, bool) {
	s := z.s
	n0 := p - 1
	for ; p < len(s); p++ {
		if c := s[p]; isHTMLSpace(c) {
			z.name = span{n0, p}
			p++
			break
		} else if c == '/' || c == '>' {
			z.name = span{n0, p}
			break
		}
	}
	if p >= len(s) {
		return len(s), false
	}
	for p = skipHTMLSpace(s, p); ; p = skipHTMLSpace(s, p) {
		if p >= len(s) {
			return len(s), false
		}
		if s[p] == '>' {
			return p + 1, true
		}
		// The name: a "=" first is part of it.
		k0 := p
		for ; p < len(s); p++ {
			c := s[p]
			if c == '=' && p == k0 {
				continue
			}
			if isHTMLSpace(c) || c == '/' || c == '>' || c == '=' {
				break
			}
		}
		k1 := p
		// The value, if "=" follows; a "/" after the name is consumed.
		v := span{k1, k1}
		if p = skipHTMLSpace(s, p); p >= len(s) {
			return len(s), false
		}
		switch s[p] {
		case '/':
			p++
		case '=':
			if p = skipHTMLSpace(s, p+1); p >= len(s) {
				return len(s), false
			}
			switch q := s[p]; q {
			case '>':
			case '"', '\'':
				i := strings.IndexByte(s[p+1:], q)
				if i < 0 {
					return len(s), false
				}
				v = span{p + 1, p + 1 + i}
				p = v.end + 1
			default:
				v.start = p
				for ; p < len(s) && !isHTMLSpace(s[p]) && s[p] != '>'; p++ {
				}
				if p >= len(s) {
					return len(s), false
				}
				v.end = p
				if s[p] != '>' {
					p++
				}
			}
		}
		if save && k1 > k0 && z.newName(k0, k1) {
			z.attrs = append(z.attrs, attrSpan{span{k0, k1}, v})
		}
	}
}

// newName reports whether no attribute saved for the current tag has the
// name at s[k0:k1]: as x/net/html does, only the first of each name counts.
// A map takes over from comparing with each when a tag has very many
// attributes, so hostile markup costs linear time.
func (z *tokenizer) newName(k0, k1 int) bool {
	const linear = 16
	key := z.s[k0:k1]
	if len(z.attrs) < linear {
		for _, a := range z.attrs {
			if asciiFoldEqual(z.s[a.key.start:a.key.end], key) {
				return false
			}
		}
		return true
	}
	if len(z.attrs) == linear {
		if z.seen == nil {
			z.seen = make(map[string]bool)
		}
		clear(z.seen)
		for _, a := range z.attrs {
			z.seen[asciiLower(z.s[a.key.start:a.key.end])] = true
		}
	}
	k := asciiLower(key)
	if z.seen[k] {
		return false
	}
	z.seen[k] = true
	return true
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// attrIndex returns the index of the attribute named name (lower case),
// or -1.
func (z *tokenizer) attrIndex(name string) int {
	for i, a := range z.attrs {
		if asciiFoldEqual(z.s[a.key.start:a.key.end], name) {
			return i
		}
	}
	return -1
}

// attr returns the value of the current start tag's attribute named name
// (lower case), unescaped as x/net/html does.
func (z *tokenizer) attr(name string) (string, bool) {
	if i := z.attrIndex(name); i >= 0 {
		return z.attrValue(i), true
	}
	return "", false
}

// attrValue returns the value of z.attrs[i], unescaped as x/net/html
// does.
func (z *tokenizer) attrValue(i int) string {
	v := z.s[z.attrs[i].val.start:z.attrs[i].val.end]
	if !strings.ContainsAny(v, "&\r\x00") {
		return v // most values: the source is the value
	}
	// Entities in attributes follow rules of their own that x/net/html
	// does not export: let it read this one tag, and take the value it
	// gives the same attribute.
	zz := xhtml.NewTokenizer(strings.NewReader(z.raw()))
	zz.Next()
	for {
		_, val, more := zz.TagAttr()
		if i == 0 || !more {
			return string(val)
		}
		i--
	}
}

// text returns the current text token's text as x/net/html's Text does:
// line breaks normalised, NUL replaced in raw text, entities unescaped.
func (z *tokenizer) text() string {
	s := z.raw()
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	}
	if z.textNUL && strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "\ufffd")
	}
	if !z.textRaw {
		s = xhtml.UnescapeString(s)
	}
	return s
}

// asciiFoldEqual reports whether a equals b ignoring the case of ASCII
// letters only, as HTML does ("ſ" is not "s", nor "K" "k").
func asciiFoldEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		c, d := a[i], b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// rawTextElement reports the elements whose content the tokenizer reads
// as raw text, to their end tag.
func rawTextElement(name string) bool {
	for _, t := range [...]string{"iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp"} {
		if asciiFoldEqual(name, t) {
			return true
		}
	}
	return false
}

// rawEndTag reports whether "</"+tag, in any case, followed by white
// space, "/" or ">", starts at p.
func rawEndTag(s string, p int, tag string) bool {
	e := p + 2 + len(tag)
	return e < len(s) && s[p] == '<' && s[p+1] == '/' && asciiFoldEqual(s[p+2:e], tag) &&
		(isHTMLSpace(s[e]) || s[e] == '/' || s[e] == '>')
}

// rawTextEnd returns where the raw text of tag (not script) from p ends:
// at its end tag, or the end of s.
func rawTextEnd(s string, p int, tag string) int {
	for {
		i := strings.IndexByte(s[p:], '<')
		if i < 0 {
			return len(s)
		}
		p += i
		if rawEndTag(s, p, tag) {
			return p
		}
		p++
	}
}

// scriptEnd returns where the text of a script from p ends: at the
// "</script" that closes it, or the end of s. Inside "<!--", a
// "<script" opens a nested (double-escaped) section whose "</script>"
// does not close the element, as HTML's script data states say.
func scriptEnd(s string, p int) int {
	const tag = "script"
	// The states of the HTML tokenizer's script data, in order.
	const (
		data = iota
		escaped
		escapedDash
		escapedDashDash
		double
		doubleDash
		doubleDashDash
	)
	state := data
	for ; p < len(s); p++ {
		c := s[p]
		switch state {
		case data:
			i := strings.IndexByte(s[p:], '<')
			if i < 0 {
				return len(s)
			}
			p += i
			switch {
			case rawEndTag(s, p, tag):
				return p
			case strings.HasPrefix(s[p:], "<!--"):
				// "<!--" enters escaped text with its dashes counted.
				p += 3
				state = escapedDashDash
			}
		case escaped, escapedDash, escapedDashDash:
			switch c {
			case '-':
				state = min(state+1, escapedDashDash)
			case '<':
				switch {
				case rawEndTag(s, p, tag):
					return p
				case p+1 < len(s) && s[p+1] == '/':
					// "</" not closing: read on from the "/".
					state = escaped
				case p+1 < len(s) && isASCIILetter(s[p+1]):
					// "<script" and a delimiter opens a double-escaped
					// section; other letters read on as escaped text.
					state = escaped
					if e := p + 1 + len(tag); e < len(s) && asciiFoldEqual(s[p+1:e], tag) &&
						(isHTMLSpace(s[e]) || s[e] == '/' || s[e] == '>') {
						p, state = e, double
					}
				default:
					// x/net/html goes back to plain script data here (the
					// HTML standard stays in escaped text): as it does.
					state = data
				}
			case '>':
				if state == escapedDashDash {
					state = data
				} else {
					state = escaped
				}
			default:
				state = escaped
			}
		default: // double escaped
			switch c {
			case '-':
				state = min(state+1, doubleDashDash)
			case '<':
				if rawEndTag(s, p, tag) {
					p += 2 + len(tag) // and the byte after, by the loop
					state = escaped
				} else {
					state = double
				}
			case '>':
				if state == doubleDashDash {
					state = data
				} else {
					state = double
				}
			default:
				state = double
			}
		}
	}
	return len(s)
}
