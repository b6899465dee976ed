package fetch

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sync"
)

// capReader passes at most max bytes through and fails with ErrTooLarge as soon as a byte
// beyond that arrives. It never asks the underlying reader for more than max+1 bytes in
// total, so a gzip bomb is decompressed only that far.
type capReader struct {
	r    io.Reader
	max  int64
	left int64 // bytes still allowed to be read: max+1 at the start
}

func newCapReader(r io.Reader, max int64) *capReader {
	// left counts to the byte after max; max itself may be as large as an
	// int64 goes (a limit of "no limit" in a config), without overflowing.
	return &capReader{r: r, max: max, left: max + min(1, math.MaxInt64-max)}
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, c.tooLarge()
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left == 0 { // p was cut to left, so it cannot go below zero
		// Byte max+1 arrived: hand back only the allowed ones and say why we stop.
		return n - 1, c.tooLarge()
	}
	return n, err
}

func (c *capReader) tooLarge() error {
	return fmt.Errorf("%w: more than %d bytes", ErrTooLarge, c.max)
}

// readBody reads r whole through a capReader into a new buffer.
func readBody(r io.Reader, max, sizeHint int64) ([]byte, error) {
	var buf bytes.Buffer
	err := readInto(&buf, r, max, sizeHint)
	return buf.Bytes(), err
}

// readInto reads r whole through a capReader into buf. sizeHint (the Content-Length, or -1)
// presizes buf so a body of known length needs no regrowth.
func readInto(buf *bytes.Buffer, r io.Reader, max, sizeHint int64) error {
	if sizeHint >= 0 && sizeHint <= max {
		buf.Grow(int(sizeHint) + bytes.MinRead) // ReadFrom wants MinRead free to see EOF
	}
	_, err := buf.ReadFrom(newCapReader(r, max))
	return err
}

// maxPooledBuf keeps one huge feed from pinning its buffer in the pool.
const maxPooledBuf = 1 << 20

// bufPool recycles read buffers: most bodies arrive chunked, without a length, and growing
// a fresh buffer for each would allocate about three times the body on every poll.
type bufPool struct{ p sync.Pool }

func (bp *bufPool) get() *bytes.Buffer {
	if b, ok := bp.p.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

func (bp *bufPool) put(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuf {
		return
	}
	b.Reset()
	bp.p.Put(b)
}
