package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/dbtwin/dbtwin"
)

// PartialSuffix is appended to the target's path to name the file the twin
// is built in; it is renamed over the target only once the clone is complete.
const PartialSuffix = ".dbtwin-partial"

// Loading parameters: rows per INSERT statement (capped so a statement binds
// at most maxVariables values), rows and bytes per transaction.
const (
	rowsPerStatement = 100
	maxVariables     = 32766
	rowsPerTx        = 10000
	bytesPerTx       = 32 << 20
)

// Target writes a twin into a new SQLite file. The final path is untouched
// until MarkComplete renames the finished partial file over it, so a failed
// or interrupted clone never looks complete.
type Target struct {
	base
	partial string

	// mu serialises every use of the partial file: SQLite has one writer.
	mu        sync.Mutex
	db        *sql.DB
	conn      *sql.Conn
	reset     bool
	completed bool
	affinity  map[string]map[string]Affinity
}

// TableNames lists the tables of the file at the final path (none when it
// does not exist).
func (t *Target) TableNames(ctx context.Context) ([]string, error) {
	if _, err := os.Stat(t.path); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	var names []string
	err := t.withFinal(ctx, func(q querier) error {
		var name string
		return queryAll(ctx, q, `SELECT name FROM sqlite_master WHERE type = 'table'
			AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`, nil, []any{&name}, func() error {
			names = append(names, name)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list tables of SQLite target %s: %w", t.path, err)
	}
	sort.Strings(names)
	return names, nil
}

// Reset arranges for the existing file at the final path to be replaced at
// MarkComplete. Nothing is deleted now: until the clone succeeds, the old
// file stays as it was. After MarkComplete, Reset removes the twin this
// target wrote (a twin that failed its leak scan must not stay usable).
func (t *Target) Reset(context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.completed {
		if err := removePartial(t.path); err != nil {
			return fmt.Errorf("SQLite target %s: remove the twin: %w", t.path, err)
		}
		return nil
	}
	t.reset = true
	return nil
}

// withFinal runs fn on the file at the final path, opened read-only.
func (t *Target) withFinal(ctx context.Context, fn func(q querier) error) error {
	db, err := sql.Open("sqlite", readOnlyDSN(t.path))
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

// withDB runs fn on the twin: the partial file while the clone is under
// way, else the final file.
func (t *Target) withDB(ctx context.Context, fn func(q querier, path string) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn != nil {
		return fn(t.conn, t.partial)
	}
	if _, err := os.Stat(t.path); err != nil {
		return fmt.Errorf("SQLite target %s: %w", t.path, err)
	}
	return t.withFinal(ctx, func(q querier) error { return fn(q, t.path) })
}

// Inspect reads the twin's schema (the partial file during a clone); a
// target file that does not exist yet has an empty schema.
func (t *Target) Inspect(ctx context.Context) (*dbtwin.Schema, error) {
	t.mu.Lock()
	busy := t.conn != nil
	t.mu.Unlock()
	if _, err := os.Stat(t.path); !busy && errors.Is(err, os.ErrNotExist) {
		return &dbtwin.Schema{Engine: Engine}, nil
	}
	var s *dbtwin.Schema
	err := t.withDB(ctx, func(q querier, path string) (err error) {
		s, err = inspect(ctx, q, path)
		return err
	})
	return s, err
}

// Count returns the number of rows of a table in the twin.
func (t *Target) Count(ctx context.Context, tbl *dbtwin.Table) (int64, error) {
	var n int64
	err := t.withDB(ctx, func(q querier, path string) error {
		return queryAll(ctx, q, "SELECT count(*) FROM "+QuoteIdent(tbl.Name), nil, []any{&n},
			func() error { return nil })
	})
	if err != nil {
		return 0, fmt.Errorf("count rows of %s in SQLite target %s: %w", tbl.Name, t.path, err)
	}
	return n, nil
}

// MarkIncomplete does nothing: an unfinished twin is a partial file, which
// never sits at the final path.
func (t *Target) MarkIncomplete(context.Context, string) error { return nil }

// MarkComplete finishes the twin: it switches the partial file to a normal
// rollback journal, closes it, syncs it to disk and renames it over the
// final path in one atomic step.
func (t *Target) MarkComplete(ctx context.Context, note string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn == nil {
		if t.completed {
			return nil
		}
		return fmt.Errorf("SQLite target %s: nothing to complete: CreateSchema was not called or failed", t.path)
	}
	if !t.reset {
		if err := t.refuseNonEmpty(ctx); err != nil {
			return err
		}
	}
	_, errJournal := t.conn.ExecContext(ctx, "PRAGMA journal_mode=DELETE")
	if err := errors.Join(errJournal, t.closeDB()); err != nil {
		return fmt.Errorf("SQLite target %s: finish %s: %w", t.path, t.partial, diskFull(t.path, err))
	}
	if err := syncFile(t.partial); err != nil {
		return fmt.Errorf("SQLite target %s: sync %s: %w", t.path, t.partial, diskFull(t.path, err))
	}
	// A journal or WAL left by the old file would be applied to the new one.
	for _, suffix := range []string{"-journal", "-wal", "-shm"} {
		if err := os.Remove(t.path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("SQLite target %s: remove the old file's %s: %w", t.path, suffix, err)
		}
	}
	if err := os.Rename(t.partial, t.path); err != nil {
		return fmt.Errorf("SQLite target %s: rename %s over it: %w", t.path, t.partial, err)
	}
	t.completed = true
	if err := syncFile(filepath.Dir(t.path)); err != nil {
		return fmt.Errorf("SQLite target %s: sync its directory: %w", t.path, err)
	}
	return nil
}

// refuseNonEmpty fails when the final file exists with tables and Reset was
// not called: replacing it needs --replace.
func (t *Target) refuseNonEmpty(ctx context.Context) error {
	if _, err := os.Stat(t.path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	var n int
	err := t.withFinal(ctx, func(q querier) error {
		return queryAll(ctx, q, `SELECT count(*) FROM sqlite_master WHERE type = 'table'
			AND name NOT LIKE 'sqlite\_%' ESCAPE '\'`, nil, []any{&n}, func() error { return nil })
	})
	if err != nil {
		return fmt.Errorf("%w: SQLite target %s exists and cannot be read as a database (%v): pass --replace to overwrite it",
			dbtwin.ErrUsage, t.path, err)
	}
	if n > 0 {
		return fmt.Errorf("%w: SQLite target %s already has %d tables: pass --replace to overwrite it", dbtwin.ErrUsage, t.path, n)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	errSync := f.Sync()
	return errors.Join(errSync, f.Close())
}

// closeDB closes the partial file's connection; t.mu must be held.
func (t *Target) closeDB() error {
	if t.db == nil {
		return nil
	}
	errConn := t.conn.Close()
	errDB := t.db.Close()
	t.conn, t.db = nil, nil
	return errors.Join(errConn, errDB)
}

// Close releases the target. Without MarkComplete, the partial file is
// removed and the final path is left as it was.
func (t *Target) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	err := t.closeDB()
	if !t.completed {
		err = errors.Join(err, removePartial(t.partial))
	}
	return err
}

// removePartial removes a partial file and its journal, if present.
func removePartial(path string) error {
	var errs []error
	for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// quoteList quotes and joins column names.
func quoteList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = QuoteIdent(c)
	}
	return strings.Join(q, ", ")
}
