package pipeline

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dbtwin/dbtwin"
)

// Job copies one table.
type Job struct {
	Table *dbtwin.Table
	// Columns to copy, in order (nil = the table's copied columns).
	Columns []string
	// Where is an optional SQL predicate applied when reading (subsets).
	Where string
	// Keep is an optional in-process row filter applied after reading (subsets).
	Keep func(dbtwin.Row) bool
	// Transform is an optional per-row transform between reading and writing
	// (masking). It receives rows in Columns order and returns the row to write.
	Transform func(dbtwin.Row) (dbtwin.Row, error)
	// EstimatedRows is used for progress only (-1 = unknown).
	EstimatedRows int64
	// Observe, when set, is called once by every goroutine that handles the
	// job's rows and returns that goroutine's observer (the leak scan digests
	// rows as they are copied). An observed job never takes the raw path:
	// its rows are decoded so the observer can see them.
	Observe func() RowObserver
}

// RowObserver sees each row of a job as read (after Keep) and as written
// (after Transform). One RowObserver is used by one goroutine only.
type RowObserver interface {
	// Row receives the row as read and as written (the same slice when the
	// job has no transform). Both are valid only during the call.
	Row(read, written dbtwin.Row)
	// Done is called once when the goroutine stops handling rows, also
	// when the job fails.
	Done()
}

// Progress receives events as jobs run. Implementations must be safe for
// concurrent use.
type Progress interface {
	// Start is called once before any job with the jobs to run.
	Start(jobs []Job)
	// TableStarted and TableDone bracket each job; Advance reports running totals.
	TableStarted(table string)
	Advance(table string, rows, bytes int64)
	TableDone(table string, rows, bytes int64, err error)
	// Finish is called once at the end.
	Finish()
}

// Options tune a run.
type Options struct {
	// Jobs is the number of tables copied at once (>= 1).
	Jobs     int
	Progress Progress
	// TransformWorkers is the number of goroutines masking each table's rows
	// (0 = the number of CPUs).
	TransformWorkers int
}

// Result is what one job did.
type Result struct {
	Table    string
	RowsRead int64
	Written  int64
	Bytes    int64
	Duration time.Duration
	// Raw is true when the rows moved in the engine's bulk format untouched.
	Raw bool
}

// Splitter is implemented by snapshots that can read one table as several
// disjoint parts at once (PostgreSQL: ctid ranges read in the same exported
// snapshot), so that a database whose bulk is one table still uses every
// worker.
type Splitter interface {
	// SplitTable returns SQL predicates that partition the rows of t into at
	// most parts disjoint parts of similar size, or nil when t is too small
	// to be worth splitting or cannot be split.
	SplitTable(ctx context.Context, t *dbtwin.Table, parts int) ([]string, error)
}

// unit is one stream of a job: the whole table, or one part of it.
type unit struct {
	job   int
	where string
}

// jobState accumulates the units of one job into its Result.
type jobState struct {
	mu          sync.Mutex
	pending     int
	started     bool
	start       time.Time
	err         error
	raw         bool
	rows, bytes atomic.Int64
	written     int64
}

// Run executes the jobs, largest first, and returns one result per job in the
// jobs' order. A job whose table the snapshot can split (see Splitter) runs
// as up to opts.Jobs parts at once. On the first error every other job is
// cancelled and the error (naming the table) is returned.
func Run(ctx context.Context, snap dbtwin.Snapshot, target dbtwin.Target, jobs []Job, opts Options) ([]Result, error) {
	if opts.Jobs < 1 {
		opts.Jobs = 1
	}
	prog := opts.Progress
	if prog == nil {
		prog = nopProgress{}
	}
	prog.Start(jobs)
	defer prog.Finish()

	order := make([]int, len(jobs))
	for i := range order {
		order[i] = i
	}
	// Largest first keeps workers busy to the end.
	sort.SliceStable(order, func(a, b int) bool { return jobs[order[a]].EstimatedRows > jobs[order[b]].EstimatedRows })

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	units, states, err := planUnits(ctx, snap, jobs, order, opts.Jobs)
	if err != nil {
		return make([]Result, len(jobs)), err
	}
	results := make([]Result, len(jobs))
	next := make(chan unit)
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for w := 0; w < opts.Jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for u := range next {
				if err := runUnit(ctx, snap, target, jobs[u.job], u.where, states[u.job], &results[u.job], prog, opts.TransformWorkers); err != nil {
					errOnce.Do(func() { firstErr = err })
					cancel(err)
				}
			}
		}()
	}
	for _, u := range units {
		if ctx.Err() != nil {
			break
		}
		select {
		case next <- u:
		case <-ctx.Done():
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return results, firstErr
	}
	if err := ctx.Err(); err != nil {
		if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
			return results, cause
		}
		return results, err
	}
	return results, nil
}

// planUnits splits the jobs (in order) into units: the parts of a table
// follow each other, so they run at the same time.
func planUnits(ctx context.Context, snap dbtwin.Snapshot, jobs []Job, order []int, workers int) ([]unit, []*jobState, error) {
	states := make([]*jobState, len(jobs))
	var units []unit
	sp, _ := snap.(Splitter)
	for _, i := range order {
		job := jobs[i]
		var parts []string
		if sp != nil && workers > 1 && job.Keep == nil {
			var err error
			if parts, err = sp.SplitTable(ctx, job.Table, workers); err != nil {
				return nil, nil, fmt.Errorf("split %s into parts read in parallel: %w", job.Table.QualifiedName(), err)
			}
		}
		if len(parts) < 2 {
			parts = []string{""}
		}
		states[i] = &jobState{pending: len(parts), raw: true}
		for _, p := range parts {
			units = append(units, unit{job: i, where: p})
		}
	}
	return units, states, nil
}

// and joins two SQL predicates.
func and(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return "(" + a + ") AND (" + b + ")"
}

// runUnit copies one unit of a job and folds its outcome into the job's
// state; the last unit of a job fills res and reports the table done.
func runUnit(ctx context.Context, snap dbtwin.Snapshot, target dbtwin.Target, job Job, part string, st *jobState, res *Result, prog Progress, workers int) error {
	name := job.Table.QualifiedName()
	st.mu.Lock()
	first := !st.started
	if first {
		st.started, st.start = true, time.Now()
	}
	st.mu.Unlock()
	if first {
		prog.TableStarted(name)
	}
	stop := make(chan struct{})
	go func() {
		ticker := time.NewTicker(200 * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				prog.Advance(name, st.rows.Load(), st.bytes.Load())
			}
		}
	}()
	written, raw, err := copyUnit(ctx, snap, target, job, part, &st.rows, &st.bytes, workers)
	close(stop)

	st.mu.Lock()
	defer st.mu.Unlock()
	st.pending--
	st.written += written
	st.raw = st.raw && raw
	if err != nil && st.err == nil {
		st.err = err
	}
	if st.pending > 0 {
		return err
	}
	*res = Result{Table: name, RowsRead: st.rows.Load(), Written: st.written, Bytes: st.bytes.Load(),
		Duration: time.Since(st.start), Raw: st.raw}
	if st.raw {
		// In the raw path rows are counted from the stream's line ends; the
		// writers' counts are authoritative.
		res.RowsRead = st.written
	}
	prog.TableDone(name, res.Written, res.Bytes, st.err)
	return err
}

// copyUnit streams one part of a job's table (part = "": all of it) from the
// snapshot through the job's filter and transform into the target.
func copyUnit(ctx context.Context, snap dbtwin.Snapshot, target dbtwin.Target, job Job, part string, nrows, nbytes *atomic.Int64, workers int) (written int64, raw bool, err error) {
	name := job.Table.QualifiedName()
	// The unit's own context is cancelled (deferred last, so run first)
	// before the stream is closed, so no step stays blocked in a read.
	ctx, cancelJob := context.WithCancel(ctx)
	defer cancelJob()
	req := dbtwin.ReadRequest{Table: job.Table, Columns: job.Columns, Where: and(job.Where, part)}
	columns := req.ColumnNames()
	req.Columns = columns
	rows, err := snap.Read(ctx, req)
	if err != nil {
		return 0, false, fmt.Errorf("read %s: %w", name, err)
	}
	defer rows.Close()

	var stream dbtwin.Rows = wrapCounting(rows, nrows, nbytes)
	if job.Keep != nil {
		stream = &filterRows{Rows: stream, keep: job.Keep}
	}
	transform := job.Transform
	if transform == nil && job.Observe != nil {
		transform = identity
	}
	if transform != nil {
		if workers <= 0 {
			workers = runtime.GOMAXPROCS(0)
		}
		if workers > 1 {
			p := newObservedParallelRows(stream, transform, name, workers, job.Observe)
			defer p.Close()
			defer cancelJob()
			stream = p
		} else {
			tr := &transformRows{Rows: stream, fn: transform, table: name}
			if job.Observe != nil {
				tr.obs = job.Observe()
				defer tr.obs.Done()
			}
			stream = tr
		}
	}
	_, raw = stream.(dbtwin.RawRows)
	written, err = target.Write(ctx, job.Table, columns, stream)
	if err == nil {
		err = stream.Err()
	}
	if err != nil {
		err = fmt.Errorf("copy %s: %w", name, err)
	}
	return written, raw, err
}

// identity is the transform of an observed job without one.
func identity(row dbtwin.Row) (dbtwin.Row, error) { return row, nil }

type nopProgress struct{}

func (nopProgress) Start([]Job)                           {}
func (nopProgress) TableStarted(string)                   {}
func (nopProgress) Advance(string, int64, int64)          {}
func (nopProgress) TableDone(string, int64, int64, error) {}
func (nopProgress) Finish()                               {}
