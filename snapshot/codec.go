package snapshot

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/postgres"
	"github.com/dbtwin/dbtwin/sqlite"
)

// Codecs: how a table's rows are stored inside its chunks (uncompressed).
const (
	// codecCopy is PostgreSQL's COPY text format: restored with COPY FROM
	// STDIN untouched, the fastest path.
	codecCopy = "pgcopy"
	// codecFields is any engine's rows as fields: per field a tag byte (0
	// for NULL, a SQLite storage class 'i' 'r' 't' 'b' when known, else
	// 'v'), the value's length (uvarint) and its bytes.
	codecFields = "fields"
)

func codecFor(engine string) string {
	if engine == postgres.Engine {
		return codecCopy
	}
	return codecFields
}

// chunkSink receives a table's encoded rows and cuts them into chunks.
type chunkSink func(raw []byte, rows int64) error

// encodeRows reads every row of rows and hands the encoded bytes to emit
// in chunks of about chunkRaw bytes, each ending on a row boundary.
func encodeRows(codec string, ncols int, rows dbtwin.Rows, emit chunkSink) (int64, error) {
	if codec == codecCopy {
		if rr, ok := rows.(dbtwin.RawRows); ok && rr.RawEngine() == postgres.Engine {
			return encodeRaw(rr.Raw(), emit)
		}
	}
	classed, _ := dbtwin.UnwrapRows[sqlite.ClassedRows](rows)
	buf := make([]byte, 0, chunkRaw+64<<10)
	var total, inChunk int64
	for rows.Next() {
		row := rows.Row()
		if len(row) != ncols {
			return total, fmt.Errorf("row %d has %d fields for %d columns", total+1, len(row), ncols)
		}
		if codec == codecCopy {
			buf = postgres.AppendCopyRow(buf, row)
		} else {
			var classes []sqlite.StorageClass
			if classed != nil {
				classes = classed.StorageClasses()
			}
			buf = appendFieldsRow(buf, row, classes)
		}
		total++
		inChunk++
		if len(buf) >= chunkRaw {
			if err := emit(buf, inChunk); err != nil {
				return total, err
			}
			buf, inChunk = buf[:0], 0
		}
	}
	if err := rows.Err(); err != nil {
		return total, err
	}
	if inChunk > 0 {
		if err := emit(buf, inChunk); err != nil {
			return total, err
		}
	}
	return total, nil
}

// encodeRaw cuts a COPY text stream into chunks at line ends (embedded
// newlines are escaped, so every '\n' ends a row).
func encodeRaw(r io.Reader, emit chunkSink) (int64, error) {
	buf := make([]byte, chunkRaw+64<<10)
	var total int64
	have := 0
	for {
		n, err := r.Read(buf[have:])
		have += n
		if have == len(buf) || (err != nil && have > 0) {
			cut := bytes.LastIndexByte(buf[:have], '\n') + 1
			if cut == 0 && have == len(buf) { // one row longer than the buffer: grow
				buf = append(buf, make([]byte, len(buf))...)
				continue
			}
			if cut > 0 {
				rows := int64(bytes.Count(buf[:cut], []byte{'\n'}))
				if err := emit(buf[:cut], rows); err != nil {
					return total, err
				}
				total += rows
				have = copy(buf, buf[cut:have])
			}
		}
		if err == io.EOF {
			if have > 0 {
				return total, fmt.Errorf("COPY stream ended in the middle of a row")
			}
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

func appendFieldsRow(buf []byte, row dbtwin.Row, classes []sqlite.StorageClass) []byte {
	for i, f := range row {
		if f == nil {
			buf = append(buf, 0)
			continue
		}
		tag := byte('v')
		if i < len(classes) && classes[i] != 0 && classes[i] != sqlite.ClassNull {
			tag = byte(classes[i])
		}
		buf = append(buf, tag)
		buf = binary.AppendUvarint(buf, uint64(len(f)))
		buf = append(buf, f...)
	}
	return buf
}

// decodeRows returns the rows of a table's data stream.
func decodeRows(codec string, r io.ReadCloser, ncols int, label string) (dbtwin.Rows, error) {
	switch codec {
	case codecCopy:
		return postgres.NewCopyTextRows(r, ncols, label), nil
	case codecFields:
		return &fieldsRows{r: bufio.NewReaderSize(r, 64<<10), c: r, ncols: ncols, label: label,
			row: make(dbtwin.Row, ncols), classes: make([]sqlite.StorageClass, ncols)}, nil
	}
	return nil, fmt.Errorf("%w: %s: unknown row codec %q: this dbtwin cannot read it", ErrCorrupt, label, codec)
}

// fieldsRows decodes the "fields" codec. It reports SQLite storage classes,
// so a SQLite target keeps every value's class.
type fieldsRows struct {
	r       *bufio.Reader
	c       io.Closer
	ncols   int
	label   string
	buf     []byte
	bounds  []int
	row     dbtwin.Row
	classes []sqlite.StorageClass
	err     error
	n       int64
}

var _ sqlite.ClassedRows = (*fieldsRows)(nil)

func (f *fieldsRows) Next() bool {
	if f.err != nil {
		return false
	}
	f.buf, f.bounds = f.buf[:0], f.bounds[:0]
	for i := 0; i < f.ncols; i++ {
		tag, err := f.r.ReadByte()
		if err != nil {
			if err == io.EOF && i == 0 {
				return false
			}
			f.fail(err)
			return false
		}
		if tag == 0 {
			f.classes[i] = sqlite.ClassNull
			f.bounds = append(f.bounds, -1, -1)
			continue
		}
		n, err := binary.ReadUvarint(f.r)
		if err != nil {
			f.fail(err)
			return false
		}
		start := len(f.buf)
		f.buf = append(f.buf, make([]byte, n)...)
		if _, err := io.ReadFull(f.r, f.buf[start:]); err != nil {
			f.fail(err)
			return false
		}
		f.bounds = append(f.bounds, start, len(f.buf))
		if tag == 'v' {
			f.classes[i] = 0
		} else {
			f.classes[i] = sqlite.StorageClass(tag)
		}
	}
	for i := range f.row {
		a, b := f.bounds[2*i], f.bounds[2*i+1]
		if a < 0 {
			f.row[i] = nil
		} else {
			f.row[i] = f.buf[a:b:b]
		}
	}
	f.n++
	return true
}

func (f *fieldsRows) fail(err error) {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	f.err = fmt.Errorf("%s: row %d: %w", f.label, f.n+1, err)
}

func (f *fieldsRows) Row() dbtwin.Row                       { return f.row }
func (f *fieldsRows) StorageClasses() []sqlite.StorageClass { return f.classes }
func (f *fieldsRows) Err() error                            { return f.err }
func (f *fieldsRows) Close() error                          { return f.c.Close() }
