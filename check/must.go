package check

import (
	"context"
	"database/sql"
	"fmt"
)

// Must loads the checks file at path, runs it against db with default
// options and returns nil when every check passed (warnings allowed). Else
// it returns an error naming each failed check with its counts and
// examples: ErrChecksFailed or ErrChecksErrored under errors.Is, or the
// load error (a *ConfigError for an invalid file). Call it right before a
// bulk job to stop when an invariant does not hold; ctx bounds the whole
// run (see MustRun).
func Must(ctx context.Context, db *sql.DB, dialect, path string) error {
	f, err := Load(path)
	if err != nil {
		return err
	}
	return MustRun(ctx, db, dialect, f, Options{})
}

// MustRun is Must for a parsed file, such as a checks.yaml embedded in the
// application and read with Parse, with options (a per-check Timeout, a
// Baseline). dialect is "postgres" or "sqlite".
//
// ctx bounds the whole run: give it a deadline (context.WithTimeout) so a
// bulk job is never held up by its safeguards. When ctx ends first, the
// running check is cancelled, the others do not run, and the error matches
// both ErrChecksErrored and ctx's error (context.DeadlineExceeded) under
// errors.Is: not knowing is not passing. Every check runs read-only, so
// MustRun is safe against production.
func MustRun(ctx context.Context, db *sql.DB, dialect string, file *File, opts Options) error {
	rep, err := Run(ctx, db, dialect, file, opts)
	if rep == nil {
		return err
	}
	rerr := rep.Err()
	switch {
	case rerr == nil:
		return nil // every check ran and passed, even if ctx ended just after
	case err != nil:
		return fmt.Errorf("%w\n  (stopped before every check ran: %w)", rerr, err)
	default:
		return rerr
	}
}
