package snapshot

import (
	"context"
	"fmt"
	"strings"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/clone"
)

// RestoreOptions configure Restore.
type RestoreOptions struct {
	// Target is the database URL to restore into (same engine as the
	// snapshot; for PostgreSQL a server of the snapshot's major version or
	// newer).
	Target string
	// Replace empties a target that already has tables.
	Replace bool
	// Jobs is the number of tables loaded (and indexes built) at once.
	Jobs int
	// Progress receives pipeline events (nil = none); Log one-line notes.
	Progress clone.Progress
	Log      func(format string, args ...any)
}

// Restore builds a database from a checked snapshot with clone's own path,
// the snapshot playing the source: the schema before the data, the data in
// bulk (COPY on PostgreSQL, its bytes untouched) with Jobs tables at once,
// then indexes, constraints and triggers, then the clone's verification (row
// counts, constraints valid, no dangling reference). It needs neither the
// source database nor the masking secret: the data is already masked.
// A failed restore leaves the target empty (PostgreSQL) or untouched (SQLite).
func Restore(ctx context.Context, f *File, opt RestoreOptions) (*clone.Result, error) {
	if u, err := dbtwin.ParseURL(opt.Target); err != nil {
		return nil, fmt.Errorf("--target: %w", err)
	} else if u.Engine != f.Header.Engine {
		return nil, fmt.Errorf("%w: snapshot %s was made from a %s database: restore it into a %s database (the target is %s)",
			dbtwin.ErrUsage, f.Name(), f.Header.Engine, f.Header.Engine, u.Engine)
	}
	off := false
	res, err := clone.Run(ctx, clone.Options{
		Source: "snapshot " + f.Name(), SourceDB: f, Target: opt.Target,
		Replace: opt.Replace, Jobs: opt.Jobs, Strict: &off, NoLeakScan: true,
		Progress: opt.Progress, Log: opt.Log,
	})
	if res != nil {
		// The snapshot was masked and leak-scanned when it was made;
		// strict mode's name-based notes do not apply to a restore.
		var keep []string
		for _, w := range res.Warnings {
			if !strings.HasPrefix(w, "strict mode") {
				keep = append(keep, w)
			}
		}
		res.Warnings = keep
	}
	if err != nil {
		return res, err
	}
	var problems []string
	for _, t := range res.Tables {
		if e := f.Manifest.Table(t.Table); e != nil && e.Rows != t.CountTarget {
			problems = append(problems, fmt.Sprintf("%s: %d rows in the snapshot but %d in the target", t.Table, e.Rows, t.CountTarget))
		}
	}
	if len(problems) > 0 {
		res.Verified = false
		res.Verification = append(res.Verification, problems...)
		return res, fmt.Errorf("%w: %s", clone.ErrVerification, strings.Join(problems, "; "))
	}
	return res, nil
}
