package postgres

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/jackc/pgx/v5"
)

const benchRows = 200000

// benchSetup returns a snapshot of a source with benchRows 6-column rows
// and a target with the same empty table.
func benchSetup(b *testing.B) (*Snapshot, *Target, string, *dbtwin.Table) {
	b.Helper()
	ctx := context.Background()
	u := itemsDB(b, benchRows)
	su, _ := dbtwin.ParseURL(u)
	src, err := OpenSource(ctx, su)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { src.Close() })
	snap, err := src.OpenSnapshot(ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { snap.Close() })
	dst := dbtest.Postgres(b)
	dbtest.Exec(b, dst, "CREATE UNLOGGED TABLE items (id int, name text, price numeric(8,2), at timestamptz, ok boolean, note text)")
	du, _ := dbtwin.ParseURL(dst)
	tg, err := OpenTarget(ctx, du, dbtwin.TargetOptions{Writers: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { tg.Close() })
	return snap, tg, dst, snap.Schema().Table("public.items")
}

func reportRows(b *testing.B, rows int64) {
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkReadDecoded measures COPY TO + decoding (Next) alone.
func BenchmarkReadDecoded(b *testing.B) {
	snap, _, _, items := benchSetup(b)
	ctx := context.Background()
	for b.Loop() {
		rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for rows.Next() {
			n++
		}
		if rows.Err() != nil || n != benchRows {
			b.Fatal(rows.Err(), n)
		}
		rows.Close()
	}
	reportRows(b, benchRows)
}

func benchCopy(b *testing.B, decoded bool) {
	snap, tg, _, items := benchSetup(b)
	ctx := context.Background()
	cols := []string{"id", "name", "price", "at", "ok", "note"}
	for b.Loop() {
		b.StopTimer()
		tg.pool.withConn(ctx, func(c *pgx.Conn) error { _, err := c.Exec(ctx, "TRUNCATE items"); return err })
		b.StartTimer()
		rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items})
		if err != nil {
			b.Fatal(err)
		}
		var in dbtwin.Rows = rows
		if decoded {
			in = decodedOnly{rows}
		}
		n, err := tg.Write(ctx, items, cols, in)
		if err != nil || n != benchRows {
			b.Fatal(err, n)
		}
		rows.Close()
	}
	reportRows(b, benchRows)
}

// BenchmarkCopyDecoded: COPY TO -> decode -> encode -> COPY FROM.
func BenchmarkCopyDecoded(b *testing.B) { benchCopy(b, true) }

// BenchmarkCopyRaw: COPY TO -> bytes untouched -> COPY FROM (the fast path).
func BenchmarkCopyRaw(b *testing.B) { benchCopy(b, false) }

// BenchmarkCopyPipeBaseline is the yardstick: a bare pgconn COPY TO piped
// (64 KiB buffered, as a shell pipe would be) into a bare COPY FROM, no
// dbtwin code in between.
func BenchmarkCopyPipeBaseline(b *testing.B) { benchPipe(b, true) }

// BenchmarkCopyPipeUnbuffered is the same pipe without a buffer: every COPY
// row becomes its own message to the target, which is much slower.
func BenchmarkCopyPipeUnbuffered(b *testing.B) { benchPipe(b, false) }

// BenchmarkCopyPsqlPipe runs psql -c "COPY ... TO STDOUT" | psql -c "COPY ... FROM STDIN".
func BenchmarkCopyPsqlPipe(b *testing.B) {
	snap, tg, dst, _ := benchSetup(b)
	ctx := context.Background()
	psql, err := exec.LookPath("psql")
	if err != nil {
		b.Fatal(err)
	}
	src := snap.src.url.Raw
	for b.Loop() {
		b.StopTimer()
		tg.pool.withConn(ctx, func(c *pgx.Conn) error { _, err := c.Exec(ctx, "TRUNCATE items"); return err })
		b.StartTimer()
		cmd := exec.Command("sh", "-c", psql+` -X -q -d "$SRC" -c "COPY items TO STDOUT" | `+psql+` -X -q -d "$DST" -c "COPY items FROM STDIN"`)
		cmd.Env = append(os.Environ(), "SRC="+src, "DST="+dst)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatal(err, string(out))
		}
	}
	reportRows(b, benchRows)
}

func benchPipe(b *testing.B, buffered bool) {
	snap, tg, _, _ := benchSetup(b)
	ctx := context.Background()
	src := <-snap.free
	defer func() { snap.free <- src }()
	dst, err := tg.pool.acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer tg.pool.release(dst, false)
	for b.Loop() {
		b.StopTimer()
		if _, err := dst.Exec(ctx, "TRUNCATE items"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		pr, pw := io.Pipe()
		go func() {
			var w io.Writer = pw
			bw := bufio.NewWriterSize(pw, 64<<10)
			if buffered {
				w = bw
			}
			_, err := src.PgConn().CopyTo(ctx, w, "COPY items TO STDOUT")
			if err == nil {
				err = bw.Flush()
			}
			pw.CloseWithError(err)
		}()
		tag, err := dst.PgConn().CopyFrom(ctx, pr, "COPY items FROM STDIN")
		if err != nil || tag.RowsAffected() != benchRows {
			b.Fatal(err)
		}
	}
	reportRows(b, benchRows)
}

// BenchmarkCodec measures decoding and re-encoding COPY text in memory.
func BenchmarkCodec(b *testing.B) {
	var text []byte
	row := dbtwin.Row{[]byte("123456"), []byte("item 123456"), []byte("1234.56"),
		[]byte("2024-03-04 05:06:07+00"), []byte("t"), []byte("tab\there\nnewline \\ 123456")}
	const n = 10000
	for range n {
		text = appendCopyRow(text, row)
	}
	var out []byte
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		d := newCopyDecoder(bytesReader(text))
		out = out[:0]
		for {
			r, err := d.next()
			if err != nil {
				break
			}
			out = appendCopyRow(out, r)
		}
		d.release()
	}
	reportRows(b, n)
}

type bytesReaderT struct {
	b []byte
	i int
}

func bytesReader(b []byte) *bytesReaderT { return &bytesReaderT{b: b} }

func (r *bytesReaderT) Read(p []byte) (int, error) {
	if r.i >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.i:])
	r.i += n
	return n, nil
}

// BenchmarkRawVsPipe alternates the raw path and the buffered pipe baseline
// in the same loop, so machine load affects both alike, and reports the
// ratio of their times (raw/pipe).
func BenchmarkRawVsPipe(b *testing.B) {
	snap, tg, _, items := benchSetup(b)
	ctx := context.Background()
	cols := []string{"id", "name", "price", "at", "ok", "note"}
	truncate := func() {
		tg.pool.withConn(ctx, func(c *pgx.Conn) error { _, err := c.Exec(ctx, "TRUNCATE items"); return err })
	}
	var raw, pipe time.Duration
	for b.Loop() {
		truncate()
		start := time.Now()
		rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items})
		if err != nil {
			b.Fatal(err)
		}
		if n, err := tg.Write(ctx, items, cols, rows); err != nil || n != benchRows {
			b.Fatal(err, n)
		}
		rows.Close()
		raw += time.Since(start)

		truncate()
		src := <-snap.free
		dst, err := tg.pool.acquire(ctx)
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		pr, pw := io.Pipe()
		go func() {
			bw := bufio.NewWriterSize(pw, 64<<10)
			_, err := src.PgConn().CopyTo(ctx, bw, "COPY items TO STDOUT")
			if err == nil {
				err = bw.Flush()
			}
			pw.CloseWithError(err)
		}()
		if tag, err := dst.PgConn().CopyFrom(ctx, pr, "COPY items FROM STDIN"); err != nil || tag.RowsAffected() != benchRows {
			b.Fatal(err)
		}
		pipe += time.Since(start)
		snap.free <- src
		tg.pool.release(dst, false)
	}
	b.ReportMetric(raw.Seconds()/pipe.Seconds(), "raw/pipe")
	b.ReportMetric(float64(benchRows)*float64(b.N)/raw.Seconds(), "raw-rows/s")
	b.ReportMetric(float64(benchRows)*float64(b.N)/pipe.Seconds(), "pipe-rows/s")
}
