package feeds

import (
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sync"
)

// Shared compression. A DEFLATE stream is a sequence of blocks, and a
// compressor that starts fresh and ends with a sync flush writes blocks
// that refer to nothing before them and end on a byte boundary: such
// pieces, each compressed once, can be laid end to end, with the bytes
// between them in stored blocks, and closed with one final block into the
// body of a single gzip member. What it costs is a little ratio (no match
// reaches across items) and a CRC-32 of the frame: the fragments' own are
// combined into the document's without their bytes (crc32Combine).

var deflaters = sync.Pool{New: func() any {
	w, _ := flate.NewWriter(io.Discard, flate.DefaultCompression)
	return w
}}

// deflateFragment compresses data at the default level into non-final
// blocks that end on a byte boundary.
func deflateFragment(data []byte) []byte {
	var out growBuffer
	zw := deflaters.Get().(*flate.Writer)
	zw.Reset(&out)
	_, _ = zw.Write(data) // a growBuffer never fails
	_ = zw.Flush()
	deflaters.Put(zw)
	return append([]byte(nil), out...) // exact size: cached for long
}

type growBuffer []byte

func (b *growBuffer) Write(p []byte) (int, error) {
	*b = append(*b, p...)
	return len(p), nil
}

// gzipHeader is a gzip member header: DEFLATE, no flags, no time, OS unknown
// (what compress/gzip writes).
var gzipHeader = []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// appendStored appends data as stored DEFLATE blocks (at most 65,535 bytes
// each), none final.
func appendStored(out, data []byte) []byte {
	for len(data) > 0 {
		n := min(len(data), 0xffff)
		out = append(out, 0, byte(n), byte(n>>8), ^byte(n), ^byte(n>>8))
		out = append(out, data[:n]...)
		data = data[n:]
	}
	return out
}

// writeGzip writes the assembled document as one gzip member: the frame
// and separators stored, each fragment as compressed when it was cached.
func (a *asm) writeGzip(w io.Writer) error {
	size := len(gzipHeader) + len(a.prefix) + len(a.suffix) + 5*(3+len(a.frags)) + 13
	for _, fr := range a.frags {
		size += len(fr.gz)
	}
	out := make([]byte, 0, size)
	out = append(out, gzipHeader...)
	out = appendStored(out, a.prefix)
	crc := crc32.Update(0, crc32.IEEETable, a.prefix)
	n := len(a.prefix)
	for i, fr := range a.frags {
		if i > 0 && a.fm == FormatJSON {
			out = appendStored(out, []byte{','})
			crc = crc32.Update(crc, crc32.IEEETable, []byte{','})
			n++
		}
		out = append(out, fr.gz...)
		crc = crc32Combine(crc, fr.crc, fr.n)
		n += fr.n
	}
	out = appendStored(out, a.suffix)
	crc = crc32.Update(crc, crc32.IEEETable, a.suffix)
	n += len(a.suffix)
	out = append(out, 1, 0, 0, 0xff, 0xff) // an empty final stored block
	out = binary.LittleEndian.AppendUint32(out, crc)
	out = binary.LittleEndian.AppendUint32(out, uint32(n))
	_, err := w.Write(out)
	return err
}

// finalBlock is an empty final stored block: what ends a DEFLATE stream.
var finalBlock = []byte{1, 0, 0, 0xff, 0xff}

// fragmentReader reads a fragment's DEFLATE blocks, then finalBlock, so
// that an inflater ends where the fragment does. It is an io.ByteReader:
// flate reads it directly, without a buffer of its own.
type fragmentReader struct {
	gz []byte
	i  int
}

func (r *fragmentReader) ReadByte() (byte, error) {
	switch {
	case r.i < len(r.gz):
		r.i++
		return r.gz[r.i-1], nil
	case r.i < len(r.gz)+len(finalBlock):
		r.i++
		return finalBlock[r.i-1-len(r.gz)], nil
	}
	return 0, io.EOF
}

func (r *fragmentReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		b, err := r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		p[n] = b
		n++
	}
	return n, nil
}

type inflater struct {
	src fragmentReader
	zr  io.ReadCloser
}

var inflaters = sync.Pool{New: func() any {
	in := &inflater{}
	in.zr = flate.NewReader(&in.src)
	return in
}}

// errFragment is a cached fragment that does not inflate to its own length:
// memory gone bad, or a bug. The document is not served.
var errFragment = errors.New("cached fragment is corrupt")

// inflateTo appends the fragment's plain bytes to out.
func (fr *fragment) inflateTo(out []byte) ([]byte, error) {
	in := inflaters.Get().(*inflater)
	defer func() {
		in.src = fragmentReader{} // the pool must not keep the fragment alive
		inflaters.Put(in)
	}()
	in.src = fragmentReader{gz: fr.gz}
	if err := in.zr.(flate.Resetter).Reset(&in.src, nil); err != nil {
		return out, fmt.Errorf("inflate fragment: %w", err)
	}
	start := len(out)
	out = append(out, make([]byte, fr.n)...) // no allocation when out has room
	if _, err := io.ReadFull(in.zr, out[start:]); err != nil {
		return out[:start], fmt.Errorf("inflate fragment %s: %w: %v", fr.id, errFragment, err)
	}
	var one [1]byte
	if m, err := in.zr.Read(one[:]); m != 0 || err != io.EOF {
		return out[:start], fmt.Errorf("inflate fragment %s: %w: longer than %d bytes", fr.id, errFragment, fr.n)
	}
	return out, nil
}

// crc32Combine returns the CRC-32 (IEEE) of a+b from crcA, the CRC of a,
// and crcB, the CRC of b, whose length is lenB: a CRC is linear, so a's
// part is its CRC shifted by lenB zero bytes, which is a multiplication
// by x^(8·lenB) modulo the CRC's polynomial (as zlib's crc32_combine).
func crc32Combine(crcA, crcB uint32, lenB int) uint32 {
	return mulModP(xPow8n(lenB), crcA) ^ crcB
}

// The polynomial, reflected as crc32.IEEE is: bit 31 holds x^0.
const crcPoly = 0xedb88320

// mulModP returns a·b modulo the polynomial (reflected bit order).
func mulModP(a, b uint32) uint32 {
	var p uint32
	for m := uint32(1) << 31; m != 0; m >>= 1 {
		if a&m != 0 {
			p ^= b
		}
		if b&1 != 0 {
			b = b>>1 ^ crcPoly
		} else {
			b >>= 1
		}
	}
	return p
}

// x2n[k] is x^(2^k) modulo the polynomial.
var x2n = func() (t [32]uint32) {
	p := uint32(1) << 30 // x^1
	for k := range t {
		t[k] = p
		p = mulModP(p, p)
	}
	return t
}()

// xPow8n returns x^(8n) modulo the polynomial.
func xPow8n(n int) uint32 {
	p := uint32(1) << 31 // x^0
	for k := 3; n != 0; k, n = k+1, n>>1 {
		if n&1 != 0 {
			p = mulModP(x2n[k&31], p)
		}
	}
	return p
}
