package fetch_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/newswire/newswire/internal/fetch"
)

func TestToUTF8(t *testing.T) {
	w1256 := mustEncode(t, charmap.Windows1256, "عربي")
	iso := mustEncode(t, charmap.ISO8859_6, "عربي")
	cafe1252 := mustEncode(t, charmap.Windows1252, "café crème")
	tests := []struct {
		name        string
		body        string
		contentType string
		want        string // ignored when wantErr
		wantErr     bool
	}{
		{"plain utf-8 without declaration", "<rss>عربي</rss>", "", "<rss>عربي</rss>", false},
		{"utf-8 bom is stripped", "\xEF\xBB\xBF<rss>عربي</rss>", "", "<rss>عربي</rss>", false},
		{"declaration says utf-8 and stays", `<?xml version="1.0" encoding="utf-8"?><a/>`, "", `<?xml version="1.0" encoding="utf-8"?><a/>`, false},
		{"windows-1256 declaration is rewritten",
			`<?xml version="1.0" encoding="windows-1256"?><a>` + string(w1256) + `</a>`, "",
			`<?xml version="1.0" encoding="UTF-8"?><a>عربي</a>`, false},
		{"single quotes and spaces around =",
			`<?xml version='1.0' encoding = 'windows-1256' ?><a>` + string(w1256) + `</a>`, "",
			`<?xml version='1.0' encoding = 'UTF-8' ?><a>عربي</a>`, false},
		{"leading whitespace before the declaration",
			"\n  <?xml version=\"1.0\" encoding=\"windows-1256\"?><a>" + string(w1256) + "</a>", "",
			"\n  <?xml version=\"1.0\" encoding=\"UTF-8\"?><a>عربي</a>", false},
		{"header charset wins over a conflicting declaration",
			`<?xml version="1.0" encoding="ISO-8859-6"?><a>` + string(w1256) + `</a>`, "text/xml; charset=windows-1256",
			`<?xml version="1.0" encoding="UTF-8"?><a>عربي</a>`, false},
		{"header says utf-8, declaration says windows-1256: declaration rewritten",
			`<?xml version="1.0" encoding="windows-1256"?><a>عربي</a>`, "application/xml; charset=UTF-8",
			`<?xml version="1.0" encoding="UTF-8"?><a>عربي</a>`, false},
		// A server's default charset in the header, the feed's own in its declaration.
		{"header says utf-8, bytes and declaration are windows-1256: the declaration decodes them",
			`<?xml version="1.0" encoding="windows-1256"?><a>` + string(w1256) + `</a>`, "text/xml; charset=utf-8",
			`<?xml version="1.0" encoding="UTF-8"?><a>عربي</a>`, false},
		{"header says iso-8859-6, bytes and declaration are windows-1256: the declaration decodes them",
			`<?xml version='1.0' encoding='cp1256'?><a>` + string(mustEncode(t, charmap.Windows1256, "پژوهش عربي")) + `</a>`, "text/xml; charset=iso-8859-6",
			`<?xml version='1.0' encoding='UTF-8'?><a>پژوهش عربي</a>`, false},
		{"header names a charset the utf-8 bytes are invalid in, no declaration: utf-8",
			`<a>عربي</a>`, "text/xml; charset=iso-8859-6", `<a>عربي</a>`, false},
		{"header says iso-8859-1, arabic utf-8 declared utf-8: utf-8",
			`<?xml version="1.0" encoding="UTF-8"?><a>فلسطين عربي</a>`, "text/xml; charset=ISO-8859-1",
			`<?xml version="1.0" encoding="UTF-8"?><a>فلسطين عربي</a>`, false},
		{"header says iso-8859-1, latin utf-8 declared utf-8: utf-8, not mojibake",
			`<?xml version="1.0" encoding="utf-8"?><a>café crème</a>`, "application/rss+xml; charset=iso-8859-1",
			`<?xml version="1.0" encoding="utf-8"?><a>café crème</a>`, false},
		{"header says windows-1256, arabic utf-8 declared utf8: utf-8",
			`<?xml version="1.0" encoding="utf8"?><a>عربي</a>`, "text/xml; charset=windows-1256",
			`<?xml version="1.0" encoding="UTF-8"?><a>عربي</a>`, false},
		{"header says iso-8859-1, windows-1252 bytes wrongly declared utf-8: the header decodes them",
			`<?xml version="1.0" encoding="UTF-8"?><a>` + string(cafe1252) + `</a>`, "text/xml; charset=iso-8859-1",
			`<?xml version="1.0" encoding="UTF-8"?><a>café crème</a>`, false},
		{"header says iso-8859-1, valid utf-8 without a declaration: the header stands",
			`<a>café</a>`, "text/xml; charset=iso-8859-1", "<a>cafÃ©</a>", false},
		{"header says iso-8859-1, valid utf-8 declared windows-1256: the header stands",
			`<?xml version="1.0" encoding="windows-1256"?><a>é</a>`, "text/xml; charset=iso-8859-1",
			`<?xml version="1.0" encoding="UTF-8"?><a>Ã©</a>`, false},
		{"windows-1256 bytes, header utf-8, no declaration", `<a>` + string(w1256) + `</a>`, "text/xml; charset=utf-8", "", true},
		{"header utf-8 fails, declaration unknown", `<?xml version="1.0" encoding="x-nonsense"?><a>` + string(w1256) + `</a>`, "text/xml; charset=utf-8", "", true},
		{"undefined byte in the header's and the declaration's charset, invalid utf-8",
			`<?xml version="1.0" encoding="iso-8859-6"?><a>` + "\xa1\xff" + `</a>`, "text/xml; charset=utf-8", "", true},
		{"iso-8859-6 by header", `<a>` + string(iso) + `</a>`, "text/xml;charset=iso-8859-6", `<a>عربي</a>`, false},
		{"malformed content-type still yields its charset", `<a>` + string(w1256) + `</a>`, "text/xml; charset=windows-1256; ;", `<a>عربي</a>`, false},
		{"empty charset parameter means none", `<a>عربي</a>`, "text/xml; charset=", `<a>عربي</a>`, false},
		{"stylesheet instruction is not a declaration", `<?xml-stylesheet encoding="windows-1256"?><a>عربي</a>`, "", `<?xml-stylesheet encoding="windows-1256"?><a>عربي</a>`, false},
		{"utf-16 named in an ascii-readable declaration is utf-8",
			`<?xml version="1.0" encoding="UTF-16"?><a>عربي</a>`, "", `<?xml version="1.0" encoding="UTF-8"?><a>عربي</a>`, false},
		{"utf-16le without bom, sniffed from the declaration",
			string(utf16Bytes(`<?xml version="1.0" encoding="UTF-16"?><a>عربي</a>`, false, false)), "",
			`<?xml version="1.0" encoding="UTF-8"?><a>عربي</a>`, false},
		{"utf-16be without bom, named by the header",
			string(utf16Bytes(`<a>عربي</a>`, true, false)), "text/xml; charset=utf-16be", `<a>عربي</a>`, false},
		{"utf-16 surrogate pair", string(utf16Bytes("<a>😀</a>", false, true)), "", "<a>😀</a>", false},
		{"utf-16 odd length", string(utf16Bytes("<a/>", false, true)) + "x", "", "", true},
		{"utf-16 lone high surrogate at the end", string(utf16Bytes("<a/>", false, true)) + "\x3D\xD8", "", "", true},
		{"utf-16 high surrogate followed by a letter", string(utf16Bytes("<a/>", false, true)) + "\x3D\xD8a\x00", "", "", true},
		{"utf-16 lone low surrogate", string(utf16Bytes("<a/>", false, true)) + "\x00\xDC", "", "", true},
		{"invalid utf-8", "<a>\xff</a>", "", "", true},
		{"truncated utf-8 sequence at the end", "<a>\xd8", "", "", true},
		{"iso-8859-6 undefined byte", "<a>\xa1</a>", "text/xml; charset=iso-8859-6", "", true},
		{"unknown header label", "<a/>", "text/xml; charset=x-nonsense", "", true},
		{"unknown declaration label", `<?xml version="1.0" encoding="x-nonsense"?><a/>`, "", "", true},
		{"replacement-only label", "<a/>", "text/xml; charset=iso-2022-kr", "", true},
		{"invalid shift_jis sequence", "<a>\x81\x20</a>", "text/xml; charset=shift_jis", "", true},
		{"gb18030 that really encodes U+FFFD", "<a>\x84\x31\xA4\x37</a>", "text/xml; charset=gb18030", "<a>\uFFFD</a>", false},
		{"json is utf-8 whatever the header says", `{"title":"عربي"}`, "application/json; charset=windows-1256", `{"title":"عربي"}`, false},
		{"json with a utf-16le bom", string(utf16Bytes(`{"title":"عربي"}`, false, true)), "application/feed+json", `{"title":"عربي"}`, false},
		{"json with invalid utf-8", "{\"title\":\"\xff\"}", "application/feed+json", "", true},
		{"empty body", "", "text/xml", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := fetch.ToUTF8([]byte(tt.body), tt.contentType)
			if tt.wantErr {
				if !errors.Is(err, fetch.ErrCharset) {
					t.Fatalf("ToUTF8 = %q, %v; want ErrCharset", got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("ToUTF8 =\n %q\nwant\n %q", got, tt.want)
			}
		})
	}
}

// When no candidate charset decodes the body, the error names each one tried.
func TestToUTF8ErrorNamesEveryCharsetTried(t *testing.T) {
	body := []byte(`<?xml version="1.0" encoding="ISO-8859-6"?><a>` + "\xe6\xa1" + `</a>`)
	_, err := fetch.ToUTF8(body, "text/xml; charset=utf-8")
	if !errors.Is(err, fetch.ErrCharset) {
		t.Fatalf("error = %v, want ErrCharset", err)
	}
	for _, want := range []string{"not valid utf-8", "content-type charset", "not defined in iso-8859-6", "xml declaration encoding"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

// Valid UTF-8 with nothing to rewrite is returned without copying: most feeds take this path.
func TestToUTF8DoesNotCopyUTF8(t *testing.T) {
	in := []byte(`<?xml version="1.0" encoding="UTF-8"?><rss>عربي</rss>`)
	out, err := fetch.ToUTF8(in, "application/rss+xml; charset=utf-8")
	if err != nil || &out[0] != &in[0] {
		t.Errorf("ToUTF8 copied the body (err %v)", err)
	}
}

func FuzzToUTF8(f *testing.F) {
	for _, b := range fixtures(f) {
		for _, ct := range []string{"", "application/rss+xml", "text/xml; charset=windows-1256", "text/xml; charset=utf-16", "application/feed+json"} {
			f.Add(b, ct)
		}
	}
	f.Add([]byte("\xFE\xFF\xD8\x00"), "")
	f.Add([]byte(`<?xml version="1.0" encoding="gb18030"?><a>`+"\x84\x31\xA4\x37"), "")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		out, err := fetch.ToUTF8(body, contentType)
		if err != nil {
			if !errors.Is(err, fetch.ErrCharset) {
				t.Fatalf("error %v is not ErrCharset", err)
			}
			return
		}
		if !utf8.Valid(out) {
			t.Fatalf("output is not valid UTF-8: %q", out)
		}
		// Decoding the output again as UTF-8 changes nothing: no declaration is left that
		// would make a parser decode it a second time.
		if bytes.HasPrefix(out, []byte("\xEF\xBB\xBF")) {
			return // a second BOM inside the text: the next pass strips it, correctly
		}
		again, err := fetch.ToUTF8(out, "text/xml; charset=utf-8")
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("second pass changed the output: %q -> %q (%v)", out, again, err)
		}
	})
}
