package feeds

import (
	"compress/flate"
	"encoding/binary"
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
// reaches across items) and a CRC-32 of the document.

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
		crc = crc32.Update(crc, crc32.IEEETable, fr.data)
		n += len(fr.data)
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
