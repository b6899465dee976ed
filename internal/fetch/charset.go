package fetch

import (
	"bytes"
	"fmt"
	"mime"
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// Names returned by htmlindex for the encodings handled without x/text decoders.
const (
	nameUTF8    = "utf-8"
	nameUTF16LE = "utf-16le"
	nameUTF16BE = "utf-16be"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
	replChar   = []byte("\uFFFD")
)

// toUTF8 returns body as UTF-8 without a byte order mark, ready for gofeed or encoding/json.
//
// A byte order mark settles the charset (it cannot lie about the encoding the bytes are
// actually in). Otherwise the candidates are tried in turn, the first that decodes the body
// winning: the Content-Type charset, the XML declaration's encoding (read as ASCII, or as
// UTF-16 when the first bytes are "<?" in UTF-16 without a BOM), UTF-8 (see candidates).
// JSON is UTF-8 by definition (RFC 8259), so for JSON only a UTF-16 BOM changes that.
// Bytes that are valid in no candidate, or an unknown label, give ErrCharset.
//
// When the result has an XML declaration naming an encoding other than UTF-8, the name is
// rewritten to UTF-8, so that a parser honouring it does not decode the text a second time.
// For UTF-8 input with nothing to rewrite the returned slice aliases body.
func toUTF8(body []byte, contentType string) ([]byte, error) {
	out, _, err := decode(body, contentType)
	return out, err
}

// decode is toUTF8 that also says whether out is a new array (false: it aliases body).
func decode(body []byte, contentType string) (out []byte, fresh bool, err error) {
	name, rest := sniffBOM(body)
	if name != "" {
		if out, err = decodeAs(rest, name, len(body)-len(rest)); err != nil {
			return nil, false, fmt.Errorf("%w: %s", ErrCharset, err)
		}
	} else if out, name, err = decodeCandidates(body, contentType); err != nil {
		return nil, false, err
	}
	fresh = name != nameUTF8
	if fixed, rewritten := fixXMLDecl(out); rewritten {
		out, fresh = fixed, true
	}
	return out, fresh, nil
}

// candidate is a charset label to try on a body, and where it was found.
type candidate struct{ label, from string }

// Where a candidate's label was found, for errors.
const (
	fromHeader  = "content-type charset"
	fromDecl    = "xml declaration encoding"
	fromDefault = "default"
)

// candidates are the charsets to try, in order, on a body without a byte order mark.
//
// JSON is UTF-8, whatever the header says. For XML the Content-Type charset comes first
// (RFC 7303), then the XML declaration's encoding, then UTF-8 (the XML default), each tried
// only when the ones before cannot decode the body, as feedparser does. Servers label every
// response with their configured default (Apache AddDefaultCharset, nginx "charset utf-8")
// whatever the file holds, and one wrong header must not take a feed that says what it is
// down for good.
//
// A single-byte charset (windows-1252, which ISO-8859-1 means on the web, ISO-8859-x,
// windows-1256…) decodes nearly any bytes, so such a header, wrong, does not fail: it turns
// the text into mojibake. It gives way to UTF-8 when the document's XML declaration says
// UTF-8 and the bytes are valid UTF-8. Text in a single-byte charset is practically never
// valid UTF-8 once it has letters above ASCII: each such byte would have to be followed by
// bytes 0x80-0xBF, which in those charsets are symbols and rare letters, not the letters that
// make words ("Ã©" is what it takes). The document's own word and the bytes together outweigh
// a server default. Without that declaration (none, or another charset), the header stands:
// invalid bytes still make it give way, valid UTF-8 alone does not. ASCII reads the same
// either way.
func candidates(body []byte, contentType string) []candidate {
	if isJSON(body, contentType) {
		return []candidate{{nameUTF8, "json"}}
	}
	header, decl := contentTypeCharset(contentType), xmlDeclCharset(body)
	var out []candidate
	if header != "" && !(singleByte(header) && isUTF8Label(decl) && utf8.Valid(body)) {
		out = append(out, candidate{header, fromHeader})
	}
	if decl != "" {
		out = append(out, candidate{decl, fromDecl})
	}
	return append(out, candidate{nameUTF8, fromDefault})
}

// singleByte reports whether label names a single-byte charset.
func singleByte(label string) bool {
	e, err := htmlindex.Get(label)
	_, ok := e.(*charmap.Charmap)
	return err == nil && ok
}

// isUTF8Label reports whether label names UTF-8 ("utf-8", "UTF8", "unicode-1-1-utf-8").
func isUTF8Label(label string) bool {
	name, err := lookupCharset(label, "")
	return err == nil && name == nameUTF8
}

// decodeCandidates decodes a body without a byte order mark with the first of its candidate
// charsets that can, and returns the text and that charset's name. An unknown label is an
// error where it is reached: what it means cannot be known. When no candidate decodes the
// body, the error names each charset tried and what failed in it.
func decodeCandidates(body []byte, contentType string) (out []byte, name string, err error) {
	var tried, failed []string
	for _, c := range candidates(body, contentType) {
		n, err := lookupCharset(c.label, c.from)
		if err != nil {
			return nil, "", fmt.Errorf("%w: %s", ErrCharset, strings.Join(append(failed, err.Error()), "; "))
		}
		if n == nameUTF16LE || n == nameUTF16BE {
			n = utf16Endianness(body, n, c.from)
		}
		if slices.Contains(tried, n) {
			continue // the header and the declaration name one charset
		}
		tried = append(tried, n)
		if out, err = decodeAs(body, n, 0); err == nil {
			return out, n, nil
		}
		failed = append(failed, fmt.Sprintf("%s (%s %q)", err, c.from, c.label))
	}
	return nil, "", fmt.Errorf("%w: %s", ErrCharset, strings.Join(failed, "; "))
}

// decodeAs decodes b, which starts at offset off of the body, from the charset name.
func decodeAs(b []byte, name string, off int) ([]byte, error) {
	switch name {
	case nameUTF8:
		if i := invalidUTF8At(b); i >= 0 {
			return nil, fmt.Errorf("byte 0x%02x at offset %d is not valid utf-8", b[i], i+off)
		}
		return b, nil
	case nameUTF16LE, nameUTF16BE:
		return decodeUTF16(b, name == nameUTF16BE)
	}
	return decodeLegacy(b, name)
}

// sniffBOM returns the encoding a byte order mark names and the bytes after it, or "".
func sniffBOM(b []byte) (name string, rest []byte) {
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		return nameUTF8, b[len(bomUTF8):]
	case bytes.HasPrefix(b, bomUTF16LE):
		return nameUTF16LE, b[len(bomUTF16LE):]
	case bytes.HasPrefix(b, bomUTF16BE):
		return nameUTF16BE, b[len(bomUTF16BE):]
	}
	return "", b
}

// isJSON reports whether the body is a JSON document: by its first byte when that settles it,
// else by the media type.
func isJSON(body []byte, contentType string) bool {
	switch firstNonSpace(body) {
	case '{', '[':
		return true
	case '<':
		return false
	}
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	return strings.HasSuffix(mt, "/json") || strings.HasSuffix(mt, "+json")
}

func firstNonSpace(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}

// contentTypeCharset returns the charset parameter of a Content-Type value, or "". It falls
// back to a lenient scan because real servers send values mime.ParseMediaType rejects.
func contentTypeCharset(ct string) string {
	if ct == "" {
		return ""
	}
	if _, params, err := mime.ParseMediaType(ct); err == nil {
		return strings.TrimSpace(params["charset"])
	}
	for _, p := range strings.Split(ct, ";")[1:] {
		k, v, ok := strings.Cut(p, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "charset") {
			return strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return ""
}

// lookupCharset maps a label to its WHATWG canonical name (the table charset.Lookup uses).
// Its errors are wrapped in ErrCharset by the caller.
func lookupCharset(label, from string) (string, error) {
	e, err := htmlindex.Get(label)
	if err != nil {
		return "", fmt.Errorf("unknown %s %q", from, label)
	}
	name, err := htmlindex.Name(e)
	if err != nil || name == "replacement" { // "replacement" decodes everything to one U+FFFD
		return "", fmt.Errorf("unsupported %s %q", from, label)
	}
	return name, nil
}

// utf16Endianness settles a UTF-16 label without a BOM. An XML document starts with '<', so
// its first two bytes show the byte order. A UTF-16 name in a declaration that was readable
// as ASCII is wrong on its face (WHATWG treats it as UTF-8 too).
func utf16Endianness(body []byte, name, from string) string {
	switch {
	case len(body) >= 2 && body[0] == '<' && body[1] == 0:
		return nameUTF16LE
	case len(body) >= 2 && body[0] == 0 && body[1] == '<':
		return nameUTF16BE
	case from != "content-type charset":
		return nameUTF8
	}
	return name
}

// invalidUTF8At returns the offset of the first byte that is not valid UTF-8, or -1.
func invalidUTF8At(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}

// decodeUTF16 decodes strictly: an odd length or an unpaired surrogate is an error, where
// x/text would substitute U+FFFD.
func decodeUTF16(b []byte, bigEndian bool) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, fmt.Errorf("odd number of bytes (%d) in utf-16 text", len(b))
	}
	unit := func(i int) rune {
		if bigEndian {
			return rune(b[i])<<8 | rune(b[i+1])
		}
		return rune(b[i+1])<<8 | rune(b[i])
	}
	out := make([]byte, 0, len(b)+len(b)/2) // each 2-byte unit takes at most 3 bytes in UTF-8
	for i := 0; i < len(b); i += 2 {
		r := unit(i)
		if utf16.IsSurrogate(r) {
			if r >= 0xDC00 || i+3 >= len(b) {
				return nil, fmt.Errorf("unpaired utf-16 surrogate at offset %d", i)
			}
			r = utf16.DecodeRune(r, unit(i+2))
			if r == utf8.RuneError {
				return nil, fmt.Errorf("unpaired utf-16 surrogate at offset %d", i)
			}
			i += 2
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// decodeLegacy decodes with an x/text decoder and refuses bytes the charset does not define,
// which the decoder would silently turn into U+FFFD.
func decodeLegacy(b []byte, name string) ([]byte, error) {
	e, err := htmlindex.Get(name)
	if err != nil {
		return nil, fmt.Errorf("unknown charset %q", name)
	}
	if cm, ok := e.(*charmap.Charmap); ok {
		// Single-byte: every undefined byte decodes to U+FFFD, so the exact offset is known.
		var undefined [256]bool
		for i := range undefined {
			undefined[i] = cm.DecodeByte(byte(i)) == utf8.RuneError
		}
		for i, c := range b {
			if undefined[c] {
				return nil, fmt.Errorf("byte 0x%02x at offset %d is not defined in %s", c, i, name)
			}
		}
	}
	out, err := e.NewDecoder().Bytes(b)
	if err != nil {
		return nil, fmt.Errorf("decode %s: %v", name, err)
	}
	if bytes.Contains(out, replChar) && !roundTrips(e, out, b) {
		return nil, fmt.Errorf("bytes not valid in %s", name)
	}
	return out, nil
}

// roundTrips reports whether encoding out gives back in exactly: then a U+FFFD in out was
// really encoded in the input (possible in e.g. GB18030) and is not a decoding failure.
func roundTrips(e encoding.Encoding, out, in []byte) bool {
	back, err := e.NewEncoder().Bytes(out)
	return err == nil && bytes.Equal(back, in)
}

// xmlDeclCharset returns the encoding named by an XML declaration at the start of b (read as
// ASCII, or as UTF-16 "<?xml" without a BOM), or "".
func xmlDeclCharset(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte{'<', 0, '?', 0}):
		return "utf-16le"
	case bytes.HasPrefix(b, []byte{0, '<', 0, '?'}):
		return "utf-16be"
	}
	if start, end := xmlDeclEncoding(b); start >= 0 {
		return string(b[start:end])
	}
	return ""
}

// xmlDeclEncoding finds the encoding value in an XML declaration at the start of b (leading
// whitespace tolerated, as parsers do) and returns its bounds, or -1, -1.
func xmlDeclEncoding(b []byte) (start, end int) {
	i := 0
	for i < len(b) && i < 1024 && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	b0 := i
	if !bytes.HasPrefix(b[i:], []byte("<?xml")) || len(b) <= i+5 || !isXMLSpace(b[i+5]) {
		return -1, -1 // also skips <?xml-stylesheet ...?>
	}
	declEnd := bytes.Index(b[i:min(len(b), i+512)], []byte("?>"))
	if declEnd < 0 {
		return -1, -1
	}
	decl := b[i : i+declEnd]
	k := bytes.Index(decl, []byte("encoding"))
	if k < 0 {
		return -1, -1
	}
	j := k + len("encoding")
	for j < len(decl) && isXMLSpace(decl[j]) {
		j++
	}
	if j >= len(decl) || decl[j] != '=' {
		return -1, -1
	}
	j++
	for j < len(decl) && isXMLSpace(decl[j]) {
		j++
	}
	if j >= len(decl) || (decl[j] != '"' && decl[j] != '\'') {
		return -1, -1
	}
	q := decl[j]
	n := bytes.IndexByte(decl[j+1:], q)
	if n < 0 {
		return -1, -1
	}
	return b0 + j + 1, b0 + j + 1 + n
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// fixXMLDecl rewrites a declared encoding other than UTF-8 to "UTF-8" in a copy of b.
func fixXMLDecl(b []byte) ([]byte, bool) {
	start, end := xmlDeclEncoding(b)
	if start < 0 || strings.EqualFold(string(b[start:end]), "utf-8") {
		return b, false
	}
	out := make([]byte, 0, len(b)-(end-start)+5)
	out = append(out, b[:start]...)
	out = append(out, "UTF-8"...)
	return append(out, b[end:]...), true
}
