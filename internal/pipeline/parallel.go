package pipeline

import (
	"fmt"
	"sync"

	"github.com/dbtwin/dbtwin"
)

// batchRows is how many rows travel together between the reader, the
// transform workers and the writer.
const batchRows = 512

// batch holds copies of rows (fields point into one arena per batch).
type batch struct {
	rows  []dbtwin.Row
	cells [][]byte // the fields of rows
	arena []byte
	first int64 // number of the batch's first row in the table, for messages
}

// parallelRows runs the per-row transform (masking) on several goroutines.
// Rows leave in batch completion order, not read order: the target does not
// care about order, and the row set is the same. Memory is bounded by the
// channel capacities (a few batches per worker).
type parallelRows struct {
	src   dbtwin.Rows
	fn    func(dbtwin.Row) (dbtwin.Row, error)
	table string
	// observe, when set, gives each worker its observer.
	observe func() RowObserver

	out      chan *batch
	done     chan struct{}
	feedDone chan struct{}
	wg       sync.WaitGroup

	mu  sync.Mutex
	err error

	cur  *batch
	idx  int
	once sync.Once
}

func newParallelRows(src dbtwin.Rows, fn func(dbtwin.Row) (dbtwin.Row, error), table string, workers int) *parallelRows {
	return newObservedParallelRows(src, fn, table, workers, nil)
}

// newObservedParallelRows is newParallelRows whose workers each report the
// rows they handle to an observer from observe (nil = none).
func newObservedParallelRows(src dbtwin.Rows, fn func(dbtwin.Row) (dbtwin.Row, error), table string, workers int, observe func() RowObserver) *parallelRows {
	p := &parallelRows{src: src, fn: fn, table: table, observe: observe,
		out: make(chan *batch, workers*2), done: make(chan struct{}), feedDone: make(chan struct{})}
	in := make(chan *batch, workers*2)
	go p.feed(in)
	for w := 0; w < workers; w++ {
		p.wg.Add(1)
		go p.work(in)
	}
	go func() {
		p.wg.Wait()
		close(p.out)
	}()
	return p
}

func (p *parallelRows) setErr(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
}

// feed reads the source and copies rows into batches.
func (p *parallelRows) feed(in chan<- *batch) {
	defer close(p.feedDone)
	defer close(in)
	var n int64
	b := &batch{first: 1}
	for p.src.Next() {
		row := p.src.Row()
		start := len(b.arena)
		for _, f := range row {
			b.arena = append(b.arena, f...)
		}
		// Rows of a batch share one slice of fields (one allocation per batch).
		if cap(b.cells)-len(b.cells) < len(row) {
			b.cells = make([][]byte, 0, batchRows*max(len(row), 1))
		}
		cp := b.cells[len(b.cells) : len(b.cells)+len(row) : len(b.cells)+len(row)]
		b.cells = b.cells[:len(b.cells)+len(row)]
		off := start
		for i, f := range row {
			if f == nil {
				continue
			}
			cp[i] = b.arena[off : off+len(f) : off+len(f)]
			off += len(f)
		}
		b.rows = append(b.rows, cp)
		n++
		if len(b.rows) == batchRows {
			if !p.send(in, b) {
				return
			}
			b = &batch{first: n + 1, arena: make([]byte, 0, len(b.arena))}
		}
	}
	if err := p.src.Err(); err != nil {
		p.setErr(err)
		return
	}
	if len(b.rows) > 0 {
		p.send(in, b)
	}
}

func (p *parallelRows) send(ch chan<- *batch, b *batch) bool {
	select {
	case ch <- b:
		return true
	case <-p.done:
		return false
	}
}

// work transforms whole batches in place.
func (p *parallelRows) work(in <-chan *batch) {
	defer p.wg.Done()
	var obs RowObserver
	defer func() {
		if obs != nil {
			obs.Done()
		}
	}()
	for {
		var b *batch
		select {
		case <-p.done:
			return
		case next, ok := <-in:
			if !ok {
				return
			}
			b = next
		}
		if obs == nil && p.observe != nil {
			obs = p.observe()
		}
		for i, row := range b.rows {
			out, err := p.fn(row)
			if err != nil {
				p.setErr(fmt.Errorf("%s, row %d: %w", p.table, b.first+int64(i), err))
				p.stop()
				return
			}
			if obs != nil {
				obs.Row(row, out)
			}
			b.rows[i] = out
		}
		if !p.send(p.out, b) {
			return
		}
	}
}

func (p *parallelRows) stop() { p.once.Do(func() { close(p.done) }) }

// Next advances to the next transformed row.
func (p *parallelRows) Next() bool {
	for p.cur == nil || p.idx >= len(p.cur.rows) {
		b, ok := <-p.out
		if !ok {
			return false
		}
		if p.Err() != nil {
			return false
		}
		p.cur, p.idx = b, 0
	}
	p.idx++
	return true
}

// Row returns the current row.
func (p *parallelRows) Row() dbtwin.Row { return p.cur.rows[p.idx-1] }

// Err returns the first error of the source or of a transform.
func (p *parallelRows) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Close stops the workers and closes the source. The caller cancels the
// source's context first when the stream is abandoned, so a feeder blocked
// in a read returns.
func (p *parallelRows) Close() error {
	p.stop()
	for range p.out { // let the workers finish
	}
	<-p.feedDone
	return p.src.Close()
}
