package verify

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
)

// Options tune a leak scan.
type Options struct {
	// Jobs is the number of tables read at once, on each side (at most the
	// number of readers the snapshots were opened with). Default 1.
	Jobs int
	// Source and Target name the databases in the report (redact passwords:
	// dbtwin.RedactURL).
	Source, Target string
	// Log receives one-line notes; nil = discard.
	Log func(format string, args ...any)
	// MemoryBudget is the memory, in bytes, digests are held in before
	// sorted runs spill to TempDir (0 = DefaultMemoryBudget).
	MemoryBudget int64
	// TempDir is where spilled runs go ("" = the system's temporary
	// directory); they are removed by Scan.Close.
	TempDir string
	// Strict overrides the config's strict setting when non-nil. With
	// strict mode off, columns that look personal but have no rule are
	// copied as they are: they are reported as warnings, not searched for.
	Strict *bool
	// Masking, when set, resolves each column's rule (clone passes its
	// rules propagated along keys and relations); otherwise the config's
	// rules are used as written.
	Masking Masking
}

// ErrLeak marks a scan that found original values in the twin (exit code 1).
var ErrLeak = errors.New("leak found")

// Run proves that no original value of the source's personal-data columns
// survived in the twin, reading both (dbtwin verify). It digests each
// original value of every masked column and every column the name
// dictionary flags (except keep: entries), then every cell of every table
// of dst (kept columns included), and joins the two (see Scan). cfg may be
// nil. Leaks are reported in the Report, not as an error; the error is for
// failures to read or a bad config.
func Run(ctx context.Context, src, dst dbtwin.Snapshot, cfg *config.Config, opt Options) (*Report, error) {
	if opt.Jobs < 1 {
		opt.Jobs = 1
	}
	srcSchema, dstSchema := src.Schema(), dst.Schema()
	if cfg != nil {
		if err := config.Validate(cfg, srcSchema); err != nil {
			return nil, fmt.Errorf("check the config against the source: %w", err)
		}
	}
	s, err := NewScan(srcSchema, dstSchema, cfg, opt)
	if err != nil {
		return nil, err
	}
	defer s.Close()

	// 1. The original values.
	var srcTables []*dbtwin.Table
	for _, t := range srcSchema.Tables {
		if t.HasRows() {
			srcTables = append(srcTables, t)
		}
	}
	err = parallel(ctx, opt.Jobs, len(srcTables), func(ctx context.Context, i int) error {
		t := srcTables[i]
		var cols []string
		for _, c := range t.CopyColumns() {
			cols = append(cols, c.Name)
		}
		// Source and twin sides of a table are fed separately: the twin's
		// columns are registered when the twin is read.
		ts, err := s.sourceTable(t, cols)
		if err != nil || ts == nil {
			return err
		}
		return feed(ctx, src, t, ts, "source", func(o *RowObserver, row dbtwin.Row) { o.Source(row) })
	})
	if err != nil {
		return nil, fmt.Errorf("leak scan: collect original values: %w", err)
	}
	// 2. Every cell of the twin.
	var tables []*dbtwin.Table
	for _, t := range dstSchema.Tables {
		if t.HasRows() {
			tables = append(tables, t)
		}
	}
	err = parallel(ctx, opt.Jobs, len(tables), func(ctx context.Context, i int) error {
		t := tables[i]
		var cols []string
		for _, c := range t.CopyColumns() {
			if scannable(c) {
				cols = append(cols, c.Name)
			}
		}
		if len(cols) == 0 {
			return nil
		}
		ts, err := s.twinTable(t, cols)
		if err != nil {
			return err
		}
		return feed(ctx, dst, t, ts, "twin", func(o *RowObserver, row dbtwin.Row) { o.Twin(row) })
	})
	if err != nil {
		return nil, fmt.Errorf("leak scan: scan the twin: %w", err)
	}
	rep, err := s.Finish(ctx)
	if err != nil {
		return nil, err
	}
	rep.Tables = len(tables)
	return rep, nil
}

// feed reads one table (the table scan's columns) into an observer.
func feed(ctx context.Context, snap dbtwin.Snapshot, t *dbtwin.Table, ts *TableScan, side string, fn func(*RowObserver, dbtwin.Row)) error {
	name := t.QualifiedName()
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: t, Columns: ts.columns})
	if err != nil {
		return fmt.Errorf("read %s table %s: %w", side, name, err)
	}
	defer rows.Close()
	o := ts.Observer()
	defer o.Done()
	var n int64
	for rows.Next() {
		row := rows.Row()
		if len(row) != len(ts.columns) {
			return fmt.Errorf("read %s table %s: got %d fields for %d columns", side, name, len(row), len(ts.columns))
		}
		fn(o, row)
		n++
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %s table %s: %w", side, name, err)
	}
	return nil
}

// parallel runs fn(0..n-1) on up to jobs goroutines, stopping at the first
// error (the others see a cancelled context).
func parallel(ctx context.Context, jobs, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	for w := 0; w < min(jobs, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(ctx, i); err != nil {
					once.Do(func() { firstErr = err; cancel() })
				}
			}
		}()
	}
feed:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// RunURL opens the source and the twin for reading (the twin too is only
// read), takes a snapshot of each with opt.Jobs readers and runs the scan.
// It refuses a twin that is the source itself.
func RunURL(ctx context.Context, source, target string, cfg *config.Config, opt Options) (*Report, error) {
	if opt.Jobs < 1 {
		opt.Jobs = 1
	}
	if opt.Source == "" {
		opt.Source = dbtwin.RedactURL(source)
	}
	if opt.Target == "" {
		opt.Target = dbtwin.RedactURL(target)
	}
	src, err := dbtwin.OpenSource(ctx, source)
	if err != nil {
		return nil, fmt.Errorf("open source %s: %w", opt.Source, err)
	}
	defer src.Close()
	dst, err := dbtwin.OpenSource(ctx, target)
	if err != nil {
		return nil, fmt.Errorf("open twin %s: %w", opt.Target, err)
	}
	defer dst.Close()
	a, err := src.Identity(ctx)
	if err != nil {
		return nil, fmt.Errorf("identify source %s: %w", opt.Source, err)
	}
	b, err := dst.Identity(ctx)
	if err != nil {
		return nil, fmt.Errorf("identify twin %s: %w", opt.Target, err)
	}
	if a == b {
		return nil, fmt.Errorf("%w: --target is the source (%s): give the twin's URL", dbtwin.ErrUsage, a)
	}
	ss, err := src.Snapshot(ctx, opt.Jobs)
	if err != nil {
		return nil, fmt.Errorf("open a snapshot of source %s: %w", opt.Source, err)
	}
	defer ss.Close()
	ds, err := dst.Snapshot(ctx, opt.Jobs)
	if err != nil {
		return nil, fmt.Errorf("open a snapshot of twin %s: %w", opt.Target, err)
	}
	defer ds.Close()
	return Run(ctx, ss, ds, cfg, opt)
}
