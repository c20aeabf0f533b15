package postgres

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/jackc/pgx/v5"
)

// copyRows streams one COPY ... TO STDOUT of a snapshot session. A goroutine
// runs the COPY and writes the COPY text, about 64 KiB at a time, into an io.Pipe;
// the consumer either decodes it (Next/Row) or takes it as is (Raw). Memory
// stays bounded whatever the size of the table.
type copyRows struct {
	snap     *Snapshot
	conn     *pgx.Conn
	label    string
	ncols    int // -1 when unknown (Query)
	pr       *io.PipeReader
	src      io.Reader
	dec      *copyDecoder
	row      dbtwin.Row
	err      error
	raw      bool
	closed   bool
	discard  atomic.Bool
	copyDone chan struct{}
	copyErr  error
	once     sync.Once
}

var _ dbtwin.RawRows = (*copyRows)(nil)

// copyChunk is the size of the chunks handed through the pipe. pgconn's
// CopyFrom reads into a 64 KiB buffer after a 5-byte message header, so a
// chunk of 64 KiB - 5 bytes travels to a target as exactly one CopyData
// message.
const copyChunk = 64<<10 - 5

var bufWriters = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, copyChunk) }}

// copyOut starts sql (a COPY ... TO STDOUT) on a free session of the snapshot.
func (s *Snapshot) copyOut(ctx context.Context, sql, label string, ncols int, progress func(int64)) (*copyRows, error) {
	c, err := s.acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	pr, pw := io.Pipe()
	r := &copyRows{snap: s, conn: c, label: label, ncols: ncols, pr: pr, src: pr, copyDone: make(chan struct{})}
	if progress != nil {
		r.src = &progressReader{r: pr, f: progress}
	}
	go func() {
		bw := bufWriters.Get().(*bufio.Writer)
		bw.Reset(&discardingWriter{w: pw, discard: &r.discard})
		// The savepoint travels in the same message as the COPY.
		_, err := c.PgConn().CopyTo(ctx, bw, savepoint+"; "+sql)
		if err == nil {
			err = bw.Flush()
		}
		bw.Reset(nil)
		bufWriters.Put(bw)
		if err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("%s: %w", label, ctx.Err())
			} else if connectionLost(err) {
				err = fmt.Errorf("%s: %w", label, lostConnection(readingWhat(label), s.src.sanitize(err)))
			} else {
				err = fmt.Errorf("%s: %w", label, describe(s.src.sanitize(err)))
			}
		}
		r.copyErr = err
		pw.CloseWithError(err) // nil means io.EOF for the reader
		close(r.copyDone)
	}()
	return r, nil
}

// discardingWriter writes into the pipe until the Rows is closed early; from
// then on it swallows the rest, so the COPY ends without breaking the session.
type discardingWriter struct {
	w       *io.PipeWriter
	discard *atomic.Bool
}

func (d *discardingWriter) Write(p []byte) (int, error) {
	if d.discard.Load() {
		return len(p), nil
	}
	n, err := d.w.Write(p)
	if err != nil && d.discard.Load() {
		return len(p), nil
	}
	return n, err
}

type progressReader struct {
	r io.Reader
	f func(int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.f(int64(n))
	}
	return n, err
}

// RawEngine returns "postgres": Raw yields PostgreSQL COPY text.
func (r *copyRows) RawEngine() string { return Engine }

// Raw returns the COPY text stream. Call it before Next, instead of Next.
func (r *copyRows) Raw() io.Reader {
	r.raw = true
	return rawReader{r}
}

type rawReader struct{ r *copyRows }

func (x rawReader) Read(p []byte) (int, error) {
	r := x.r
	if r.err != nil {
		return 0, r.err
	}
	n, err := r.src.Read(p)
	if err != nil {
		r.endOfStream(err)
		if r.err != nil {
			return n, r.err
		}
	}
	return n, err
}

// endOfStream handles the pipe's end (io.EOF or the COPY's error): the COPY
// goroutine closed the pipe and is about to finish, so wait for it and
// release the session without cancelling anything.
func (r *copyRows) endOfStream(err error) {
	<-r.copyDone
	r.finish(err)
}

// finish records the end of the stream (io.EOF or an error) and releases the
// session, cancelling the COPY if it is still running.
func (r *copyRows) finish(err error) {
	if err != io.EOF && r.err == nil {
		r.err = err
	}
	r.Close()
}

// Next decodes the next row.
func (r *copyRows) Next() bool {
	if r.err != nil || r.raw || r.closed {
		return false
	}
	if r.dec == nil {
		r.dec = newCopyDecoder(r.src)
	}
	row, err := r.dec.next()
	if err != nil {
		if errors.Is(err, errTruncatedRow) {
			err = fmt.Errorf("%s: %w", r.label, err)
		}
		r.endOfStream(err)
		return false
	}
	if r.ncols >= 0 && len(row) != r.ncols {
		if r.ncols == 0 && len(row) == 1 && len(row[0]) == 0 {
			r.row = row[:0]
			return true
		}
		r.finish(fmt.Errorf("%s: COPY row has %d fields, want %d", r.label, len(row), r.ncols))
		return false
	}
	r.row = row
	return true
}

// Row returns the current row; its fields are valid until the next Next.
func (r *copyRows) Row() dbtwin.Row { return r.row }

// Err returns the error that ended the stream, if any.
func (r *copyRows) Err() error { return r.err }

// Close stops the stream. An unfinished COPY is cancelled on the server and
// the session, restored to its savepoint, goes back to the snapshot.
func (r *copyRows) Close() error {
	r.once.Do(func() {
		r.closed = true
		failed := false
		select {
		case <-r.copyDone:
		default:
			r.snap.cancels.Add(1)
			r.discard.Store(true)
			r.pr.CloseWithError(errRowsClosed)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_ = r.conn.PgConn().CancelRequest(ctx)
			cancel()
			<-r.copyDone
			failed = true
		}
		if r.copyErr != nil {
			failed = true
		}
		r.pr.CloseWithError(errRowsClosed)
		if r.dec != nil {
			r.dec.release()
		}
		r.snap.release(r.conn, failed)
	})
	return nil
}

var errRowsClosed = errors.New("postgres: rows closed")

// readingWhat says what a COPY with this label was doing.
func readingWhat(label string) string {
	if t, ok := strings.CutPrefix(label, "read "); ok {
		return "reading table " + t + " from the source"
	}
	return "running a query on the source"
}
