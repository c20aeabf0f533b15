package pipeline

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/dbtwin/dbtwin"
)

// sliceRows streams rows from memory, reusing one buffer per field the way
// engines do (so a step that keeps rows must copy them).
type sliceRows struct {
	rows [][]string
	i    int
	buf  dbtwin.Row
	err  error
}

func (s *sliceRows) Next() bool {
	if s.i >= len(s.rows) {
		return false
	}
	r := s.rows[s.i]
	s.i++
	s.buf = s.buf[:0]
	for _, f := range r {
		if f == "NULL" {
			s.buf = append(s.buf, nil)
			continue
		}
		s.buf = append(s.buf, []byte(f))
	}
	return true
}
func (s *sliceRows) Row() dbtwin.Row { return s.buf }
func (s *sliceRows) Err() error      { return s.err }
func (s *sliceRows) Close() error    { return nil }

func upper(row dbtwin.Row) (dbtwin.Row, error) {
	out := make(dbtwin.Row, len(row))
	for i, f := range row {
		if f != nil {
			out[i] = bytes.ToUpper(f)
		} else if i == 0 {
			out[i] = f
		} else {
			out[i] = row[i] // unmasked fields may alias the input
		}
	}
	return out, nil
}

func TestParallelTransformKeepsEveryRow(t *testing.T) {
	var in [][]string
	for i := 0; i < 5000; i++ {
		in = append(in, []string{fmt.Sprintf("row%d", i), "NULL", strings.Repeat("x", i%7)})
	}
	p := newParallelRows(&sliceRows{rows: in}, upper, "t", 4)
	defer p.Close()
	var got []string
	for p.Next() {
		r := p.Row()
		if r[1] != nil {
			t.Fatal("NULL became non-NULL")
		}
		got = append(got, string(r[0])+"|"+string(r[2]))
	}
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range in {
		want = append(want, strings.ToUpper(r[0])+"|"+strings.ToUpper(r[2]))
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("rows differ: got %d, want %d", len(got), len(want))
	}
}

func TestParallelTransformStopsOnError(t *testing.T) {
	var in [][]string
	for i := 0; i < 3000; i++ {
		in = append(in, []string{fmt.Sprint(i)})
	}
	boom := errors.New("boom")
	p := newParallelRows(&sliceRows{rows: in}, func(r dbtwin.Row) (dbtwin.Row, error) {
		if string(r[0]) == "2000" {
			return nil, boom
		}
		return r, nil
	}, "t", 3)
	for p.Next() {
	}
	if err := p.Err(); !errors.Is(err, boom) || !strings.Contains(err.Error(), "t, row 2001") {
		t.Fatalf("error %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// A source error surfaces too.
	src := &sliceRows{rows: in[:10], err: errors.New("read failed")}
	p = newParallelRows(src, upper, "t", 2)
	for p.Next() {
	}
	if p.Err() == nil {
		t.Fatal("source error lost")
	}
	p.Close()
}

// countingObserver records what its observers saw.
type countingObserver struct {
	mu      sync.Mutex
	rows    int
	changed int
	opened  int
	done    int
}

type countingRowObserver struct {
	c             *countingObserver
	rows, changed int
}

func (c *countingObserver) open() RowObserver {
	c.mu.Lock()
	c.opened++
	c.mu.Unlock()
	return &countingRowObserver{c: c}
}

func (o *countingRowObserver) Row(read, written dbtwin.Row) {
	o.rows++
	if string(read[0]) != string(written[0]) {
		o.changed++
	}
}

func (o *countingRowObserver) Done() {
	o.c.mu.Lock()
	o.c.rows += o.rows
	o.c.changed += o.changed
	o.c.done++
	o.c.mu.Unlock()
}

func TestObserverSeesEveryRowReadAndWritten(t *testing.T) {
	var in [][]string
	for i := 0; i < 3000; i++ {
		in = append(in, []string{fmt.Sprintf("row%d", i), "NULL"})
	}
	for _, workers := range []int{1, 3} {
		obs := &countingObserver{}
		var stream dbtwin.Rows
		if workers > 1 {
			p := newObservedParallelRows(&sliceRows{rows: in}, upper, "t", workers, obs.open)
			stream = p
		} else {
			tr := &transformRows{Rows: &sliceRows{rows: in}, fn: upper, table: "t", obs: obs.open()}
			stream = tr
		}
		n := 0
		for stream.Next() {
			n++
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		if tr, ok := stream.(*transformRows); ok {
			tr.obs.Done()
		}
		stream.Close()
		if n != len(in) || obs.rows != len(in) || obs.changed != len(in) || obs.done != obs.opened || obs.opened == 0 {
			t.Fatalf("workers %d: %d rows out, observed %d (%d changed), %d observers opened, %d done", workers, n, obs.rows, obs.changed, obs.opened, obs.done)
		}
	}
}
