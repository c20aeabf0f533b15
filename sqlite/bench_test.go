package sqlite

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/dbtwin/dbtwin"
)

// genRows produces n rows of (id, name, amount, qty, note) in text form.
type genRows struct {
	n, i int
	buf  []byte
	row  dbtwin.Row
}

func (g *genRows) Next() bool {
	g.i++
	if g.i > g.n {
		return false
	}
	b := g.buf[:0]
	b = strconv.AppendInt(b, int64(g.i), 10)
	e0 := len(b)
	b = append(b, "customer "...)
	b = strconv.AppendInt(b, int64(g.i*7919%100003), 10)
	e1 := len(b)
	b = strconv.AppendFloat(b, float64(g.i)*1.25, 'g', -1, 64)
	e2 := len(b)
	b = strconv.AppendInt(b, int64(g.i%50), 10)
	e3 := len(b)
	b = append(b, "a note of moderate length for row"...)
	g.buf = b
	g.row = dbtwin.Row{b[:e0], b[e0:e1], b[e1:e2], b[e2:e3], b[e3:]}
	return true
}
func (g *genRows) Row() dbtwin.Row { return g.row }
func (g *genRows) Err() error      { return nil }
func (g *genRows) Close() error    { return nil }

// BenchmarkWrite200k loads a 5-column table of 200,000 rows into a fresh
// target per iteration and reports rows/s.
func BenchmarkWrite200k(b *testing.B) {
	const n = 200000
	ctx := context.Background()
	src := makeDB(b, "src.db", `CREATE TABLE orders (id INTEGER PRIMARY KEY, name TEXT NOT NULL,
		amount REAL, qty INTEGER, note TEXT)`)
	source, err := dbtwin.OpenSource(ctx, src)
	if err != nil {
		b.Fatal(err)
	}
	defer source.Close()
	snap, err := source.Snapshot(ctx, 1)
	if err != nil {
		b.Fatal(err)
	}
	defer snap.Close()
	tbl := snap.Schema().Table("orders")
	cols := []string{"id", "name", "amount", "qty", "note"}
	var total time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		target, err := dbtwin.OpenTarget(ctx, filepath.Join(b.TempDir(), "t"+strconv.Itoa(i)+".db"), dbtwin.TargetOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := target.CreateSchema(ctx, source, snap); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		written, err := target.Write(ctx, tbl, cols, &genRows{n: n, buf: make([]byte, 0, 128)})
		total += time.Since(start)
		if err != nil || written != n {
			b.Fatalf("wrote %d: %v", written, err)
		}
		b.StopTimer()
		target.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/total.Seconds(), "rows/s")
}
