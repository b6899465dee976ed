package newsroom

import (
	"encoding/hex"
	"testing"
)

func TestCanonicalLink(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"http and https agree", "http://Story.Example/a/b", "https://story.example/a/b"},
		{"tracking parameters go", "https://x.example/a?utm_source=rss&id=7&fbclid=z", "https://x.example/a?id=7"},
		{"fragment goes", "https://x.example/a#top", "https://x.example/a"},
		{"trailing slash goes", "https://x.example/a/", "https://x.example/a"},
		{"root keeps its slash", "https://x.example", "https://x.example/"},
		{"default port goes", "https://x.example:443/a", "https://x.example/a"},
		{"other port stays", "https://x.example:8443/a", "https://x.example:8443/a"},
		{"www goes", "https://www.x.example/a", "https://x.example/a"},
		{"Arabic path", "https://x.example/أخبار/", "https://x.example/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CanonicalLink(tc.in); got != tc.want {
				t.Errorf("CanonicalLink(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// Stored dedupe keys stay valid: a link gets the key it got before.
func TestLinkKeyIsStable(t *testing.T) {
	const link = "http://www.X.example/a/?utm_source=rss&id=7"
	if got, want := hex.EncodeToString(LinkKey(link)), "f4433c80885b9f96ca2e70b4747a5eea"; got != want {
		t.Errorf("LinkKey(%q) = %s, want %s", link, got, want)
	}
}

func TestLinkKeyKeepsAFragmentThatNamesAPost(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		same       bool
	}{
		{"posts of a live blog", "https://x.example/live#post-2", "https://x.example/live#post-3", false},
		{"a post and its page", "https://x.example/live#post-2", "https://x.example/live", false},
		{"one post, two spellings", "http://www.x.example/live/?utm_source=rss#post-2", "https://x.example/live#post-2", true},
		{"a tracking fragment", "https://x.example/a#xtor=RSS-1", "https://x.example/a", true},
		{"tracking fragments", "https://x.example/a#ref=rss", "https://x.example/a#utm_source=feed&utm_medium=rss", true},
		{"an empty fragment", "https://x.example/a#", "https://x.example/a", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if same := string(LinkKey(tc.a)) == string(LinkKey(tc.b)); same != tc.same {
				t.Errorf("LinkKey(%q) == LinkKey(%q): %v, want %v", tc.a, tc.b, same, tc.same)
			}
		})
	}
}
