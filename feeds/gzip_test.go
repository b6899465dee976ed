package feeds

import (
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

// TestCRC32CombineIsTheCRCOfTheWhole: the document's CRC-32 is combined
// from its parts' without their bytes; it must be the CRC of the bytes laid
// end to end, for every length of the second part, zero included.
func TestCRC32CombineIsTheCRCOfTheWhole(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	lengths := []int{0, 1, 2, 3, 7, 8, 255, 256, 1000, 4096, 65535, 65536, 300_001}
	for range 40 {
		lengths = append(lengths, rng.IntN(20_000))
	}
	for _, la := range []int{0, 1, 13, 5000} {
		a := make([]byte, la)
		for i := range a {
			a[i] = byte(rng.Uint32())
		}
		for _, lb := range lengths {
			b := make([]byte, lb)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			want := crc32.ChecksumIEEE(append(bytes.Clone(a), b...))
			if got := crc32Combine(crc32.ChecksumIEEE(a), crc32.ChecksumIEEE(b), lb); got != want {
				t.Fatalf("combine(%d bytes, %d bytes) = %08x, want %08x", la, lb, got, want)
			}
		}
	}
}

// TestFragmentInflatesToItsBytes: a fragment gives back exactly the bytes
// it was made from, appended after what out holds; one that does not
// inflate to its recorded length is an error, never a short or long item.
func TestFragmentInflatesToItsBytes(t *testing.T) {
	data := []byte("\n    <item>\n      <title>\u0645\u0631\u062d\u0628\u0627 " + string(bytes.Repeat([]byte("x"), 5000)) + "</title>\n    </item>")
	fr := &fragment{gz: deflateFragment(data), n: len(data), crc: crc32.ChecksumIEEE(data), id: "a"}
	out, err := fr.inflateTo([]byte("before"))
	if err != nil {
		t.Fatal(err)
	}
	if want := append([]byte("before"), data...); !bytes.Equal(out, want) {
		t.Fatalf("inflated %d bytes, want %d", len(out), len(want))
	}
	for _, bad := range []struct {
		name string
		fr   fragment
	}{
		{"recorded length too long", fragment{gz: fr.gz, n: fr.n + 1, id: "a"}},
		{"recorded length too short", fragment{gz: fr.gz, n: fr.n - 1, id: "a"}},
		{"truncated", fragment{gz: fr.gz[:len(fr.gz)/2], n: fr.n, id: "a"}},
		{"garbage", fragment{gz: []byte{0xff, 0xff, 0xff, 0xff}, n: fr.n, id: "a"}},
	} {
		out, err := bad.fr.inflateTo([]byte("before"))
		if err == nil {
			t.Errorf("%s: no error", bad.name)
		}
		if !errors.Is(err, errFragment) && !errors.As(err, new(flate.CorruptInputError)) {
			t.Errorf("%s: %v", bad.name, err)
		}
		if string(out) != "before" {
			t.Errorf("%s: out holds %q, want only what it held", bad.name, out)
		}
	}
}

// TestCorruptFragmentIsRenderedAfresh: a cached fragment that no longer
// inflates fails the document it is in once, is forgotten, and the next
// document renders the item again instead of failing for as long as the
// cache keeps it.
func TestCorruptFragmentIsRenderedAfresh(t *testing.T) {
	c := NewFragments(0)
	f := smallFeed(FormatRSS)
	var want bytes.Buffer
	if _, err := c.Publish(&want, f, FormatRSS, Budget{}); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	for _, fr := range c.entries {
		fr.gz = []byte{0xff, 0xff, 0xff} // one of them goes bad
		break
	}
	c.mu.Unlock()
	var got bytes.Buffer
	if _, err := c.Publish(&got, smallFeed(FormatRSS), FormatRSS, Budget{}); err == nil {
		t.Fatal("a corrupt fragment was published")
	}
	got.Reset()
	if _, err := c.Publish(&got, smallFeed(FormatRSS), FormatRSS, Budget{}); err != nil {
		t.Fatalf("still failing after the corrupt fragment was found: %v", err)
	}
	if !bytes.Equal(got.Bytes(), want.Bytes()) {
		t.Error("the document rendered afresh differs")
	}
}
