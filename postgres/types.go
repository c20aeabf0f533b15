package postgres

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/dbtwin/dbtwin"
)

// kindOf classifies a (domain-resolved) base type by its pg_type name, type
// type ('e' enum) and category ('A' array, 'S' string, ...).
func kindOf(typname string, typtype, category byte) dbtwin.Kind {
	if typtype == 'e' {
		return dbtwin.KindEnum
	}
	if category == 'A' {
		return dbtwin.KindArray
	}
	switch typname {
	case "int2", "int4", "int8", "oid":
		return dbtwin.KindInt
	case "float4", "float8":
		return dbtwin.KindFloat
	case "numeric":
		return dbtwin.KindNumeric
	case "bool":
		return dbtwin.KindBool
	case "date":
		return dbtwin.KindDate
	case "time", "timetz":
		return dbtwin.KindTime
	case "timestamp":
		return dbtwin.KindTimestamp
	case "timestamptz":
		return dbtwin.KindTimestampTZ
	case "interval":
		return dbtwin.KindInterval
	case "json", "jsonb":
		return dbtwin.KindJSON
	case "uuid":
		return dbtwin.KindUUID
	case "bytea":
		return dbtwin.KindBytes
	case "text", "varchar", "bpchar", "char", "name":
		return dbtwin.KindText
	}
	if category == 'S' { // citext and other string-like extension types
		return dbtwin.KindText
	}
	return dbtwin.KindOther
}

// typmod decoding for the types that carry a length or precision.
func lengthFromTypmod(typname string, typmod int32) int {
	switch typname {
	case "varchar", "bpchar":
		if typmod >= 4 {
			return int(typmod - 4)
		}
	}
	return 0
}

func numericFromTypmod(typname string, typmod int32) (precision, scale int) {
	if typname != "numeric" || typmod < 4 {
		return 0, 0
	}
	m := typmod - 4
	return int((m >> 16) & 0xffff), int(int16(m & 0xffff))
}

// ---- COPY text format ----

// copyDecoder splits a COPY text stream into rows. Fields alias its buffers
// and are valid until the next call to next.
type copyDecoder struct {
	r      *bufio.Reader
	long   []byte // holds a line longer than the reader's buffer
	fields dbtwin.Row
}

var bufReaders = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}

func newCopyDecoder(r io.Reader) *copyDecoder {
	br := bufReaders.Get().(*bufio.Reader)
	br.Reset(r)
	return &copyDecoder{r: br}
}

// release returns the decoder's buffer to the pool; the decoder is unusable after.
func (d *copyDecoder) release() {
	if d.r != nil {
		d.r.Reset(nil)
		bufReaders.Put(d.r)
		d.r = nil
	}
}

var errTruncatedRow = errors.New("COPY stream ended in the middle of a row")

// next returns the next row, io.EOF at the end of the stream.
func (d *copyDecoder) next() (dbtwin.Row, error) {
	line, err := d.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		d.long = append(d.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = d.r.ReadSlice('\n')
			d.long = append(d.long, line...)
		}
		line = d.long
	}
	if err != nil {
		if err == io.EOF {
			if len(line) == 0 {
				return nil, io.EOF
			}
			return nil, errTruncatedRow
		}
		return nil, err
	}
	d.fields = splitCopyLine(d.fields[:0], line[:len(line)-1])
	return d.fields, nil
}

// splitCopyLine splits one COPY text line (without its newline) into fields,
// unescaping each in place; \N becomes nil.
func splitCopyLine(fields dbtwin.Row, line []byte) dbtwin.Row {
	for {
		j := bytes.IndexByte(line, '\t')
		f := line
		if j >= 0 {
			f = line[:j:j]
		}
		if len(f) == 2 && f[0] == '\\' && f[1] == 'N' {
			fields = append(fields, nil)
		} else {
			fields = append(fields, unescapeCopy(f))
		}
		if j < 0 {
			return fields
		}
		line = line[j+1:]
	}
}

// unescapeCopy decodes COPY text escapes in place and returns the shortened
// slice. Fields without a backslash are returned unchanged.
func unescapeCopy(f []byte) []byte {
	i := bytes.IndexByte(f, '\\')
	if i < 0 {
		return f
	}
	w := i
	for r := i; r < len(f); {
		c := f[r]
		if c != '\\' || r+1 >= len(f) {
			f[w] = c
			w++
			r++
			continue
		}
		r++
		c = f[r]
		r++
		switch c {
		case 'b':
			c = '\b'
		case 'f':
			c = '\f'
		case 'n':
			c = '\n'
		case 'r':
			c = '\r'
		case 't':
			c = '\t'
		case 'v':
			c = '\v'
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := c - '0'
			for k := 0; k < 2 && r < len(f) && f[r] >= '0' && f[r] <= '7'; k++ {
				v = v<<3 | (f[r] - '0')
				r++
			}
			c = v
		case 'x':
			if r < len(f) && isHex(f[r]) {
				v := unhex(f[r])
				r++
				if r < len(f) && isHex(f[r]) {
					v = v<<4 | unhex(f[r])
					r++
				}
				c = v
			}
		}
		f[w] = c
		w++
	}
	return f[:w]
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// needsEscape marks the bytes COPY text must escape.
var needsEscape = [256]bool{'\\': true, '\n': true, '\r': true, '\t': true}

// appendCopyRow appends one row in COPY text format, newline included.
func appendCopyRow(buf []byte, row dbtwin.Row) []byte {
	for i, f := range row {
		if i > 0 {
			buf = append(buf, '\t')
		}
		if f == nil {
			buf = append(buf, '\\', 'N')
			continue
		}
		buf = appendCopyField(buf, f)
	}
	return append(buf, '\n')
}

func appendCopyField(buf, f []byte) []byte {
	start := 0
	for i, c := range f {
		if !needsEscape[c] {
			continue
		}
		buf = append(buf, f[start:i]...)
		switch c {
		case '\\':
			buf = append(buf, '\\', '\\')
		case '\n':
			buf = append(buf, '\\', 'n')
		case '\r':
			buf = append(buf, '\\', 'r')
		case '\t':
			buf = append(buf, '\\', 't')
		}
		start = i + 1
	}
	return append(buf, f[start:]...)
}

// encodeReader turns a Rows stream into COPY text on demand: each Read
// encodes as many rows as fit a bounded buffer, so memory stays flat and no
// goroutine is needed.
type encodeReader struct {
	rows  dbtwin.Rows
	table string
	ncols int
	buf   []byte
	off   int
	n     int64
	err   error
}

const encodeChunk = 64 << 10

func (e *encodeReader) Read(p []byte) (int, error) {
	for e.off >= len(e.buf) {
		if e.err != nil {
			return 0, e.err
		}
		e.fill()
	}
	n := copy(p, e.buf[e.off:])
	e.off += n
	return n, nil
}

func (e *encodeReader) fill() {
	e.buf, e.off = e.buf[:0], 0
	for len(e.buf) < encodeChunk {
		if !e.rows.Next() {
			if err := e.rows.Err(); err != nil {
				e.err = fmt.Errorf("reading rows for %s: %w", e.table, err)
			} else {
				e.err = io.EOF
			}
			return
		}
		row := e.rows.Row()
		if len(row) != e.ncols {
			e.err = fmt.Errorf("row %d for %s has %d fields, want %d (one per column written)", e.n+1, e.table, len(row), e.ncols)
			return
		}
		e.buf = appendCopyRow(e.buf, row)
		e.n++
	}
}
