package clone

import (
	"context"
	"fmt"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/internal/pipeline"
	"github.com/dbtwin/dbtwin/verify"
)

// ErrLeak marks a clone whose leak scan found original values in the twin
// (exit code 1). The twin is removed (SQLite) or emptied (PostgreSQL).
var ErrLeak = verify.ErrLeak

// startLeakScan prepares the leak scan of a masked clone and hooks it into
// every job: originals are digested from the rows the clone reads and twin
// cells as they are written, so neither database is read a second time.
func startLeakScan(schema *dbtwin.Schema, plan *jobPlan, opt Options, res *Result) (*verify.Scan, error) {
	cfg := opt.Config
	if cfg == nil {
		cfg = &config.Config{Version: 1}
	}
	vopt := verify.Options{Jobs: opt.Jobs, Source: res.Source, Target: res.Target, Log: opt.Log,
		MemoryBudget: opt.LeakScanMemory, TempDir: opt.LeakScanTempDir, Strict: opt.Strict}
	if plan.masking != nil {
		vopt.Masking = plan.masking
	}
	scan, err := verify.NewScan(schema, schema, cfg, vopt)
	if err != nil {
		return nil, err
	}
	for i := range plan.jobs {
		j := &plan.jobs[i]
		ts, err := scan.Table(j.Table, j.Columns)
		if err != nil {
			scan.Close()
			return nil, err
		}
		prev := j.Observe
		j.Observe = func() pipeline.RowObserver {
			if prev != nil {
				return multiObserver{prev(), ts.Observer()}
			}
			return ts.Observer()
		}
	}
	return scan, nil
}

// finishLeakScan joins the digests once the twin is written. On a leak the
// twin is taken away, so a leaking copy is never left for someone to use.
func finishLeakScan(ctx context.Context, scan *verify.Scan, dst dbtwin.Target, res *Result, logf func(string, ...any)) error {
	rep, err := scan.Finish(ctx)
	if err != nil {
		return err
	}
	rep.Tables = len(res.Tables)
	res.LeakReport = rep
	if rep.OK() {
		return nil
	}
	removeTwin(dst, logf)
	return fmt.Errorf("%w: %d original value(s) found in the twin, which was removed: see the report; fix the mask rules and clone again", ErrLeak, rep.Leaks())
}

// removeTwin takes a finished twin away after a failed leak scan: Reset
// empties a PostgreSQL target and removes a finished SQLite file.
func removeTwin(dst dbtwin.Target, logf func(string, ...any)) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := dst.Reset(ctx); err != nil {
		logf("could not remove the leaking twin (%v): empty or delete it yourself", err)
		return
	}
	_ = dst.MarkIncomplete(ctx, "dbtwin: twin removed: the leak scan found original values")
}
