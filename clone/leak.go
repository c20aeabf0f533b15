package clone

import (
	"context"
	"fmt"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/verify"
)

// ErrLeak marks a clone whose leak scan found original values in the twin
// (exit code 1). The twin is removed (SQLite) or emptied (PostgreSQL).
var ErrLeak = verify.ErrLeak

// leakScan proves, after a masked clone, that no original value of a masked
// or personal-looking column survived: it reads the clone's own source
// snapshot and the finished twin. On a leak the twin is taken away, so a
// leaking copy is never left for someone to use.
func leakScan(ctx context.Context, snap dbtwin.Snapshot, dst dbtwin.Target, cfg *config.Config, opt Options, res *Result, logf func(string, ...any)) error {
	twin, ok := opt.TargetDB.(dbtwin.Source)
	if !ok {
		var err error
		if twin, err = dbtwin.OpenSource(ctx, opt.Target); err != nil {
			return fmt.Errorf("leak scan: open the twin %s: %w", res.Target, err)
		}
		defer twin.Close()
	}
	tsnap, err := twin.Snapshot(ctx, opt.Jobs)
	if err != nil {
		return fmt.Errorf("leak scan: snapshot of the twin %s: %w", res.Target, err)
	}
	defer tsnap.Close()
	rep, err := verify.Run(ctx, snap, tsnap, cfg, verify.Options{Jobs: opt.Jobs, Source: res.Source, Target: res.Target, Log: logf})
	if err != nil {
		return fmt.Errorf("leak scan: %w", err)
	}
	res.LeakReport = rep
	if rep.OK() {
		return nil
	}
	tsnap.Close()
	if !ok {
		twin.Close()
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
