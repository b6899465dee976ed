package ingest

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"net/url"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/newswire/newswire/internal/arabic"
	"github.com/newswire/newswire/internal/dates"
	"github.com/newswire/newswire/internal/newsroom"
)

// normVersion changes whenever normalisation changes what an unchanged raw
// item becomes, so that every stored item is normalised again once.
//
// v3: an RSS item without <link> is at its permalink guid; fields Atom and
// JSON Feed define as plain text stay text; a title made from the body is
// made from the cleaned body. v2: enclosure types checked, summaries
// cleaned, language from the text.
const normVersion = "newswire/ingest/v3"

// GUIDPrefix starts the GUID of every ingested article:
// tag:newswire,2026:src/<source name, path-escaped>/<sha1 of the item key, hex>.
// A tag URI is stable (the same upstream item always gets it), opaque to
// partners and namespaced by source, and it does not leak upstream ids that
// may be URLs with tracking parameters.
const GUIDPrefix = "tag:newswire,2026:src/"

// GUIDFor returns the GUID an item of source with the given item key gets.
func GUIDFor(source, key string) string {
	sum := sha1.Sum([]byte(key))
	return GUIDPrefix + url.PathEscape(source) + "/" + hex.EncodeToString(sum[:])
}

// itemKey is the source's identity for an item: its GUID ("guid:…"), else
// its canonical link ("link:…"), else a hash of its title and content
// ("hash:…"). In link mode (the feed repeated GUIDs) GUIDs are skipped.
// link returns the item's resolved link; it is called only when needed,
// which spares URL parsing for the unchanged items of most polls.
func itemKey(mode string, it *gofeed.Item, link func() string) string {
	if g := strings.TrimSpace(it.GUID); g != "" && mode != newsroom.IDModeLink {
		return "guid:" + g
	}
	if link := link(); link != "" {
		return "link:" + newsroom.CanonicalLink(link)
	}
	return contentKey(it)
}

// contentKey identifies an item by its title and content.
func contentKey(it *gofeed.Item) string {
	b := appendStr(nil, strings.TrimSpace(it.Title))
	b = appendStr(b, strings.TrimSpace(it.Content))
	b = appendStr(b, strings.TrimSpace(it.Description))
	sum := sha256.Sum256(b)
	return "hash:" + hex.EncodeToString(sum[:16])
}

// fingerprint covers what, besides the item, decides what the item becomes:
// the normalisation version, the document's URL (relative links) and
// language, and the source's categories and rules. When it changes, every
// item is normalised again once.
func fingerprint(src *newsroom.Source, base *url.URL, lang string) []byte {
	b := appendStr(nil, normVersion)
	b = appendStr(b, base.String())
	b = appendStr(b, lang)
	b = appendStr(b, src.Name)
	b = appendStr(b, src.URL)
	b = appendStrs(b, src.Categories)
	b = binary.AppendUvarint(b, uint64(len(src.Rules)))
	for _, r := range src.Rules {
		b = appendStr(appendStr(b, r.Match), r.Category)
	}
	sum := sha256.Sum256(b)
	return sum[:]
}

// hashBody identifies a fetched body together with what, besides the
// body, decides what its items become (see fingerprint).
func hashBody(src *newsroom.Source, base *url.URL, body []byte) []byte {
	fp := fingerprint(src, base, "")
	h := sha256.New()
	h.Write(fp)
	h.Write(body)
	return h.Sum(nil)[:16:16]
}

// rawHash hashes the item as gofeed parsed it, before any cleaning: equal
// hashes (with an equal fingerprint) mean normalisation would give the same
// article again. buf is scratch space reused across items; the fields are
// length-prefixed into it and hashed at once.
func rawHash(fp []byte, it *gofeed.Item, textOnly bool, buf *[]byte) []byte {
	b := append((*buf)[:0], fp...)
	for _, s := range []string{it.GUID, it.Title, it.Link, it.Description, it.Content, it.Published, it.Updated} {
		b = appendStr(b, s)
	}
	b = appendTime(b, it.PublishedParsed)
	b = appendTime(b, it.UpdatedParsed)
	if textOnly {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = appendStrs(b, it.Categories)
	b = appendStrs(b, it.Links)
	for _, a := range it.Authors {
		if a != nil {
			b = appendStr(appendStr(b, a.Name), a.Email)
		}
	}
	b = append(b, 0)
	if it.Image != nil {
		b = appendStr(b, it.Image.URL)
	}
	for _, e := range it.Enclosures {
		if e != nil {
			b = appendStr(appendStr(appendStr(b, e.URL), e.Type), e.Length)
		}
	}
	if dc := it.DublinCoreExt; dc != nil {
		b = appendStrs(b, dc.Language)
	}
	*buf = b
	sum := sha256.Sum256(b)
	return sum[:16:16]
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendStrs(b []byte, ss []string) []byte {
	b = binary.AppendUvarint(b, uint64(len(ss)))
	for _, s := range ss {
		b = appendStr(b, s)
	}
	return b
}

func appendTime(b []byte, t *time.Time) []byte {
	if t == nil {
		return binary.BigEndian.AppendUint64(b, 0)
	}
	return binary.BigEndian.AppendUint64(b, uint64(t.Unix()))
}

// resolveLink makes an item link absolute against the document's URL and
// returns it only if it is http or https.
func resolveLink(raw string, base *url.URL) string {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// dedupeKeys are the keys that find the same story already stored: a hash
// of its canonical link, and one of its folded title with its folded text.
// Either is nil when there is nothing to hash.
func dedupeKeys(link, title, text string) (linkKey, textKey []byte) {
	if link != "" {
		linkKey = newsroom.LinkKey(link)
	}
	if t := arabic.Fold(title); t != "" {
		sum := sha256.Sum256(appendStr(appendStr(appendStr(nil, "text"), t), arabic.Fold(text)))
		textKey = sum[:16:16]
	}
	return linkKey, textKey
}

// parseDate reads an upstream date. gofeed's own parse is used only when
// dates.TrustGofeed says it is right for this string (numeric offset or a
// zone gofeed knows); otherwise, or when gofeed failed, dates.Parse reads it
// (Arabic months, Gulf zones, "GMT+3", wrong weekdays). Results are UTC
// whole seconds.
func parseDate(raw string, parsed *time.Time) (time.Time, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return time.Time{}, false
	}
	var t time.Time
	if parsed != nil && dates.TrustGofeed(raw) {
		t = *parsed
	} else {
		var err error
		if t, err = dates.Parse(raw, dates.Options{}); err != nil {
			return time.Time{}, false
		}
	}
	t = t.UTC().Truncate(time.Second)
	if t.Year() < 1 || t.IsZero() {
		// "0001-01-01T00:00:00Z" is an unset date printed by a CMS, not a
		// date; as Go's zero time the store would refuse the whole pass.
		return time.Time{}, false
	}
	return t, true
}
