package check

import (
	"context"
	"database/sql"
)

// Must loads the checks file at path, runs it against db with default
// options and returns nil when every check passed (warnings allowed). Else
// it returns an error naming each failed check with its counts and
// examples: ErrChecksFailed or ErrChecksErrored under errors.Is, or the
// load error (a *ConfigError for an invalid file). Call it before a bulk
// job to stop when an invariant does not hold.
func Must(ctx context.Context, db *sql.DB, dialect, path string) error {
	f, err := Load(path)
	if err != nil {
		return err
	}
	rep, err := Run(ctx, db, dialect, f, Options{})
	if err != nil {
		return err
	}
	return rep.Err()
}
