package sqlite

import (
	"database/sql"
	"fmt"
	"sync/atomic"

	"github.com/dbtwin/dbtwin"
)

// ClassedRows is implemented by Rows that know the SQLite storage class of
// each field of the current row; this package's Rows do. The target's Write
// binds by these classes when the Rows it is given has them, so every value
// keeps its storage class (even text in an untyped column); otherwise it
// binds by the target column's affinity. A pipeline step that wraps Rows
// without changing values may forward StorageClasses to keep that guarantee.
type ClassedRows interface {
	dbtwin.Rows
	// StorageClasses returns one class per field of the current row; valid
	// until the next call to Next.
	StorageClasses() []StorageClass
}

// progressEvery is how many bytes a stream reads between Progress calls.
const progressEvery = 256 << 10

// rowStream adapts *sql.Rows to dbtwin.Rows without copying a value twice:
// each field's Scan appends its text form to one buffer reused across rows.
type rowStream struct {
	rows     *sql.Rows
	what     string
	snap     *snapshot
	dest     []any
	buf      []byte
	bounds   []int // start, end of each field in buf
	classes  []StorageClass
	row      dbtwin.Row
	err      error
	closed   atomic.Bool
	progress func(int64)
	pending  int64
}

// field is the Scanner of one result column.
type field struct {
	r *rowStream
	i int
}

// Scan appends the driver's value to the row buffer.
func (f field) Scan(src any) error {
	r := f.r
	start := len(r.buf)
	r.buf, r.classes[f.i] = appendValue(r.buf, src)
	r.bounds[2*f.i], r.bounds[2*f.i+1] = start, len(r.buf)
	return nil
}

func newRowStream(rows *sql.Rows, n int, progress func(int64), what string) *rowStream {
	r := &rowStream{rows: rows, what: what, progress: progress,
		dest: make([]any, n), buf: make([]byte, 0, 512), bounds: make([]int, 2*n),
		classes: make([]StorageClass, n), row: make(dbtwin.Row, n)}
	for i := range r.dest {
		r.dest[i] = field{r: r, i: i}
	}
	return r
}

// Next reads the next row.
func (r *rowStream) Next() bool {
	if r.closed.Load() || r.err != nil {
		return false
	}
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			r.err = fmt.Errorf("read %s: %w", r.what, err)
		}
		r.flushProgress()
		return false
	}
	r.buf = r.buf[:0]
	if err := r.rows.Scan(r.dest...); err != nil {
		r.err = fmt.Errorf("read %s: %w", r.what, err)
		return false
	}
	for i := range r.row {
		if r.classes[i] == ClassNull {
			r.row[i] = nil
			continue
		}
		a, b := r.bounds[2*i], r.bounds[2*i+1]
		r.row[i] = r.buf[a:b:b]
	}
	if r.progress != nil {
		r.pending += int64(len(r.buf) + len(r.row))
		if r.pending >= progressEvery {
			r.flushProgress()
		}
	}
	return true
}

func (r *rowStream) flushProgress() {
	if r.progress != nil && r.pending > 0 {
		r.progress(r.pending)
		r.pending = 0
	}
}

// Row returns the current row; its fields are valid until the next Next.
func (r *rowStream) Row() dbtwin.Row { return r.row }

// StorageClasses returns the storage class of each field of the current row.
func (r *rowStream) StorageClasses() []StorageClass { return r.classes }

// Err returns the error that ended the stream.
func (r *rowStream) Err() error { return r.err }

// Close releases the stream; it is safe to call more than once.
func (r *rowStream) Close() error {
	if r.closed.Swap(true) {
		return nil
	}
	err := r.rows.Close()
	if r.snap != nil {
		r.snap.mu.Lock()
		delete(r.snap.open, r)
		r.snap.mu.Unlock()
	}
	if err != nil {
		return fmt.Errorf("close %s: %w", r.what, err)
	}
	return nil
}
