package fetch_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/newswire/newswire/internal/fetch"
)

// countingReader is an endless stream of 'x' that counts what was read from it.
type countingReader struct{ n int64 }

func (c *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	c.n += int64(len(p))
	return len(p), nil
}

func TestReadBodyReadsAtMostMaxPlusOne(t *testing.T) {
	for _, max := range []int64{1, 100, 4096, 100_000} {
		var src countingReader
		_, err := fetch.ReadBody(&src, max, -1)
		if !errors.Is(err, fetch.ErrTooLarge) {
			t.Errorf("max %d: error = %v, want ErrTooLarge", max, err)
		}
		if src.n != max+1 {
			t.Errorf("max %d: read %d bytes from the source, want %d", max, src.n, max+1)
		}
	}
}

func TestReadBodyWithinLimit(t *testing.T) {
	tests := []struct {
		name     string
		size     int
		sizeHint int64
	}{
		{"empty", 0, 0},
		{"under the limit, unknown length", 999, -1},
		{"exactly the limit, known length", 1000, 1000},
		{"wrong length hint", 10, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := bytes.Repeat([]byte("y"), tt.size)
			got, err := fetch.ReadBody(io.MultiReader(bytes.NewReader(want)), 1000, tt.sizeHint)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("ReadBody = %d bytes, %v; want %d bytes", len(got), err, tt.size)
			}
		})
	}
}

// A truncated transfer is an I/O error, never ErrTooLarge.
func TestReadBodyTruncated(t *testing.T) {
	_, err := fetch.ReadBody(io.MultiReader(bytes.NewReader([]byte("<rss>")), errReader{io.ErrUnexpectedEOF}), 1000, 100)
	if !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, fetch.ErrTooLarge) {
		t.Errorf("error = %v, want io.ErrUnexpectedEOF", err)
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
