package verify

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

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
}

// ErrLeak marks a scan that found original values in the twin (exit code 1).
var ErrLeak = errors.New("leak found")

// Run proves that no original value of the source's personal-data columns
// survived in the twin. It reads src (the production snapshot) and keeps a
// keyed 8-byte digest of each original value of every masked column and
// every column the name dictionary flags (except keep: entries), then reads
// every cell of every table of dst and reports the cells whose values, JSON
// members or words equal one of them. cfg may be nil (no rules: only the
// name dictionary decides what is personal). Leaks are reported in the
// Report, not as an error; the error is for failures to read or a bad
// config.
func Run(ctx context.Context, src, dst dbtwin.Snapshot, cfg *config.Config, opt Options) (*Report, error) {
	start := time.Now()
	logf := opt.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if opt.Jobs < 1 {
		opt.Jobs = 1
	}
	srcSchema, dstSchema := src.Schema(), dst.Schema()
	if cfg != nil {
		if err := config.Validate(cfg, srcSchema); err != nil {
			return nil, fmt.Errorf("check the config against the source: %w", err)
		}
	}
	set := newDigestSet()
	h := newHasher()
	plans, err := planSource(srcSchema, cfg, maskRules(srcSchema, cfg), set)
	if err != nil {
		return nil, err
	}
	rep := &Report{Source: opt.Source, Target: opt.Target}
	cols := map[string]bool{}
	for _, o := range set.origins.origins {
		cols[o.String()] = true
	}
	rep.SourceColumns = sortedKeys(cols)

	// 1. Collect the digests of the original values.
	exempt := tallies{}
	var mu sync.Mutex
	err = parallel(ctx, opt.Jobs, len(plans), func(ctx context.Context, i int) error {
		c := newCollector(h, set)
		if err := c.table(ctx, src, plans[i]); err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		exempt.merge(c.exempt)
		rep.SourceRows += c.rows
		rep.SourceValues += c.values
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("leak scan: collect original values: %w", err)
	}
	rep.Digests = set.len()
	logf("leak scan: %d digest(s) of original values from %d column(s)", rep.Digests, len(rep.SourceColumns))

	// 2. Scan every cell of the twin.
	fake := map[colKey]bool{}
	for k, r := range maskRules(dstSchema, cfg) {
		if isFakeRule(r.Rule) {
			fake[k] = true
		}
	}
	var tables []*dbtwin.Table
	for _, t := range dstSchema.Tables {
		if t.HasRows() {
			tables = append(tables, t)
		}
	}
	var scans []*tableScan
	err = parallel(ctx, opt.Jobs, len(tables), func(ctx context.Context, i int) error {
		s := newScanner(h, set, fake)
		s.kept = keptColumns(dstSchema, cfg)
		ts, err := s.table(ctx, dst, tables[i])
		if err != nil {
			return err
		}
		mu.Lock()
		defer mu.Unlock()
		scans = append(scans, ts)
		exempt.merge(s.exempt)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("leak scan: scan the twin: %w", err)
	}
	rep.Tables = len(tables)
	for _, ts := range scans {
		rep.RowsScanned += ts.rows
		rep.CellsScanned += ts.cells
		for col, ch := range ts.hits {
			rep.Findings = append(rep.Findings, set.leak(ts.table, col, ch))
		}
	}
	sort.Slice(rep.Findings, func(i, j int) bool {
		a, b := rep.Findings[i], rep.Findings[j]
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		return a.Column < b.Column
	})
	rep.Exemptions = set.exemptions(exempt)
	rep.Duration = time.Since(start)
	return rep, nil
}

// leak describes the hits of one twin column.
func (s *digestSet) leak(table, column string, ch *columnHits) Leak {
	l := Leak{Table: table, Column: column, Cells: ch.cells}
	srcs, cats := map[string]bool{}, map[string]bool{}
	for set := range ch.sets {
		for _, o := range s.origins.members(set) {
			or := s.origins.origins[o]
			srcs[or.String()] = true
			cats[or.Category] = true
		}
	}
	l.Sources, l.Categories = sortedKeys(srcs), sortedKeys(cats)
	return l
}

// exemptions turns the tallies into report entries, in rule order.
func (s *digestSet) exemptions(t tallies) []Exemption {
	var out []Exemption
	for _, rule := range exemptionOrder {
		x := t[rule]
		if x == nil || x.values == 0 {
			continue
		}
		cols := map[string]bool{}
		for o := range x.origins {
			cols[s.origins.origins[o].String()] = true
		}
		for w := range x.where {
			cols[w] = true
		}
		out = append(out, Exemption{Rule: rule, Reason: exemptionText[rule], Values: x.values, Columns: sortedKeys(cols)})
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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
