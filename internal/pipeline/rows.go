package pipeline

import (
	"fmt"
	"io"
	"sync/atomic"

	"github.com/dbtwin/dbtwin"
)

// filterRows keeps only the rows for which keep returns true.
type filterRows struct {
	dbtwin.Rows
	keep func(dbtwin.Row) bool
}

// Unwrap exposes the filtered stream (values pass unchanged).
func (f *filterRows) Unwrap() dbtwin.Rows { return f.Rows }

func (f *filterRows) Next() bool {
	for f.Rows.Next() {
		if f.keep(f.Rows.Row()) {
			return true
		}
	}
	return false
}

// transformRows replaces each row by fn(row).
type transformRows struct {
	dbtwin.Rows
	fn    func(dbtwin.Row) (dbtwin.Row, error)
	table string
	obs   RowObserver // nil = none
	cur   dbtwin.Row
	err   error
	n     int64
}

func (t *transformRows) Next() bool {
	if t.err != nil || !t.Rows.Next() {
		return false
	}
	t.n++
	read := t.Rows.Row()
	t.cur, t.err = t.fn(read)
	if t.err != nil {
		t.err = fmt.Errorf("%s, row %d: %w", t.table, t.n, t.err)
		return false
	}
	if t.obs != nil {
		t.obs.Row(read, t.cur)
	}
	return true
}

func (t *transformRows) Row() dbtwin.Row { return t.cur }

func (t *transformRows) Err() error {
	if t.err != nil {
		return t.err
	}
	return t.Rows.Err()
}

// countRows counts the rows and bytes that pass through it.
type countRows struct {
	dbtwin.Rows
	rows, bytes *atomic.Int64
}

// Unwrap exposes the counted stream (values pass unchanged).
func (c *countRows) Unwrap() dbtwin.Rows { return c.Rows }

func (c *countRows) Next() bool {
	if !c.Rows.Next() {
		return false
	}
	c.rows.Add(1)
	var n int64
	for _, f := range c.Rows.Row() {
		n += int64(len(f)) + 1
	}
	c.bytes.Add(n)
	return true
}

// countRawRows passes a RawRows through, counting bytes and rows (newlines:
// the bulk text formats escape embedded newlines) of its raw stream.
type countRawRows struct {
	countRows
	raw dbtwin.RawRows
}

func (c *countRawRows) RawEngine() string { return c.raw.RawEngine() }

func (c *countRawRows) Raw() io.Reader {
	return &countingReader{r: c.raw.Raw(), rows: c.rows, bytes: c.bytes}
}

type countingReader struct {
	r           io.Reader
	rows, bytes *atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.bytes.Add(int64(n))
		var lines int64
		for _, b := range p[:n] {
			if b == '\n' {
				lines++
			}
		}
		c.rows.Add(lines)
	}
	return n, err
}

// wrapCounting wraps rows so that progress is counted, keeping the raw path
// available when rows offer it.
func wrapCounting(rows dbtwin.Rows, nrows, nbytes *atomic.Int64) dbtwin.Rows {
	base := countRows{Rows: rows, rows: nrows, bytes: nbytes}
	if raw, ok := rows.(dbtwin.RawRows); ok {
		return &countRawRows{countRows: base, raw: raw}
	}
	return &base
}
