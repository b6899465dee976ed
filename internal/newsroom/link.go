package newsroom

import (
	"crypto/sha256"
	"encoding/binary"
	"net/url"
	"strings"
)

// trackingParams are query parameters that name a campaign, not a page.
var trackingParams = []string{"utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid", "cmpid"}

// CanonicalLink is the form of a link that two sources carrying the same
// story agree on: https, lower-case host without default port or "www.",
// no fragment, no tracking parameters, no trailing slash.
func CanonicalLink(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return link
	}
	u.Scheme = "https"
	host := strings.ToLower(u.Hostname())
	host = strings.TrimPrefix(host, "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	u.Host, u.User, u.Fragment, u.RawFragment = host, nil, "", ""
	if u.RawQuery != "" {
		var kept []string
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(kv, "=")
			k = strings.ToLower(k)
			drop := kv == ""
			for _, t := range trackingParams {
				drop = drop || strings.HasPrefix(k, t)
			}
			if !drop {
				kept = append(kept, kv)
			}
		}
		u.RawQuery = strings.Join(kept, "&")
	}
	if len(u.Path) > 1 {
		u.Path = strings.TrimSuffix(u.Path, "/")
		u.RawPath = ""
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u.String()
}

// LinkKey is the dedupe key of an item's link (PassItem.LinkKey): a hash
// of its canonical link, with its fragment when that names a part of the
// page (storyFragment). Ingest computes it for the items it passes, and
// the store for the links it has recorded, so the two compare.
func LinkKey(link string) []byte {
	c := CanonicalLink(link)
	if f := storyFragment(link); f != "" {
		c += "#" + f
	}
	b := binary.AppendUvarint(nil, uint64(len("link")))
	b = append(b, "link"...)
	b = binary.AppendUvarint(b, uint64(len(c)))
	sum := sha256.Sum256(append(b, c...))
	return sum[:16:16]
}

// storyFragment is the link's fragment when it names a part of the page,
// else "". A live blog links each post to its anchor on the one page
// (#post-3, #block-6a1f): two sources linking to different anchors carry
// different posts, not one story. A fragment of parameters (#xtor=RSS-1,
// #ref=rss, #utm_source=…) tracks the reader instead and is no part of
// the story's address. A link without a fragment has the key it had
// before fragments counted.
func storyFragment(link string) string {
	u, err := url.Parse(link)
	if err != nil || u.Host == "" {
		return ""
	}
	f := u.EscapedFragment()
	if strings.Contains(f, "=") {
		return ""
	}
	return f
}
