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

// Run executes the jobs, largest first, and returns one result per job in the
// jobs' order. On the first error every other job is cancelled and the error
// (naming the table) is returned.
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
	results := make([]Result, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	var firstErr error
	var errOnce sync.Once
	for w := 0; w < opts.Jobs; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				res, err := runJob(ctx, snap, target, jobs[i], prog, opts.TransformWorkers)
				results[i] = res
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					cancel(err)
				}
			}
		}()
	}
	for _, i := range order {
		if ctx.Err() != nil {
			break
		}
		select {
		case next <- i:
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

func runJob(ctx context.Context, snap dbtwin.Snapshot, target dbtwin.Target, job Job, prog Progress, workers int) (Result, error) {
	name := job.Table.QualifiedName()
	res := Result{Table: name}
	start := time.Now()
	prog.TableStarted(name)
	// The job's own context is cancelled (deferred last, so run first) before
	// the stream is closed, so no step stays blocked in a read.
	ctx, cancelJob := context.WithCancel(ctx)
	defer cancelJob()
	req := dbtwin.ReadRequest{Table: job.Table, Columns: job.Columns, Where: job.Where}
	columns := req.ColumnNames()
	req.Columns = columns
	rows, err := snap.Read(ctx, req)
	if err != nil {
		err = fmt.Errorf("read %s: %w", name, err)
		prog.TableDone(name, 0, 0, err)
		return res, err
	}
	defer rows.Close()

	var nrows, nbytes atomic.Int64
	stop := make(chan struct{})
	ticker := time.NewTicker(200 * time.Millisecond)
	go func() {
		defer ticker.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ticker.C:
				prog.Advance(name, nrows.Load(), nbytes.Load())
			}
		}
	}()

	var stream dbtwin.Rows = wrapCounting(rows, &nrows, &nbytes)
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
	_, res.Raw = stream.(dbtwin.RawRows)
	written, err := target.Write(ctx, job.Table, columns, stream)
	if err == nil {
		err = stream.Err()
	}
	close(stop)
	res.RowsRead, res.Bytes, res.Written = nrows.Load(), nbytes.Load(), written
	if res.Raw {
		// In the raw path rows are counted from the stream's line ends; the
		// writer's count is authoritative.
		res.RowsRead = written
	}
	res.Duration = time.Since(start)
	if err != nil {
		err = fmt.Errorf("copy %s: %w", name, err)
	}
	prog.TableDone(name, res.Written, res.Bytes, err)
	return res, err
}

// identity is the transform of an observed job without one.
func identity(row dbtwin.Row) (dbtwin.Row, error) { return row, nil }

type nopProgress struct{}

func (nopProgress) Start([]Job)                           {}
func (nopProgress) TableStarted(string)                   {}
func (nopProgress) Advance(string, int64, int64)          {}
func (nopProgress) TableDone(string, int64, int64, error) {}
func (nopProgress) Finish()                               {}
