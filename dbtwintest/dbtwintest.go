package dbtwintest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/check"
	_ "github.com/dbtwin/dbtwin/postgres" // register the engines clone uses
	_ "github.com/dbtwin/dbtwin/sqlite"
)

// DB is a test's own twin database. It embeds the *sql.DB, so it can be used
// as one; the test must not close it (Cleanup, or Copy's release, does).
type DB struct {
	*sql.DB
	// URL is the database's dbtwin URL: postgres://…/dbtwintest_… for
	// PostgreSQL, sqlite:PATH for SQLite. It may hold the source's password.
	URL string
	// Dialect is "postgres" or "sqlite" (what check.Run takes).
	Dialect string
	// Name is the PostgreSQL database name, or the SQLite file's path.
	Name string

	t testing.TB
}

// Option changes what New, Open and Copy do.
type Option func(*options)

type options struct {
	checks   []string
	adminURL string
	timeout  time.Duration
}

// WithChecks runs the checks file at path (a checks.yaml) against the new
// database before New returns, and fails the test (t.Fatal, with the report)
// when a check fails: the twin does not have the shape the test relies on.
// Fidelity checks (overlap, fanout, profile) need a baseline and are not
// allowed here. Use DB.Check to run checks later, after the test's own writes.
func WithChecks(path string) Option {
	return func(o *options) { o.checks = append(o.checks, path) }
}

// WithAdminURL names the PostgreSQL database used to create and drop the
// test databases and the template (default: the source URL with the database
// "postgres"). Its role needs the CREATEDB privilege.
func WithAdminURL(url string) Option {
	return func(o *options) { o.adminURL = url }
}

// WithTimeout bounds preparing the template (once per source and process)
// and creating each test's database. The default is 10 minutes.
func WithTimeout(d time.Duration) Option {
	return func(o *options) { o.timeout = d }
}

// New returns a fresh database holding a copy of source's schema and data,
// private to t and dropped (PostgreSQL) or deleted (SQLite) when t ends.
// source is a dbtwin URL of a twin (postgres://…, sqlite:PATH or a path
// ending in .db, .sqlite or .sqlite3) or the path of a snapshot file (see
// the package documentation); it is only read.
//
// PostgreSQL: the first call for a source prepares a template database (a
// clone of the source, made with the clone package, shared by the test
// processes on the server); every call then runs CREATE DATABASE … TEMPLATE,
// which costs about what creating an empty database does (measured in the
// README). SQLite: the first call writes a consistent copy
// of the source (VACUUM INTO); every call copies that file into t.TempDir().
// New is safe for parallel tests (t.Parallel).
//
// When the PostgreSQL server cannot be reached the test is skipped, or fails
// when the environment variable CI is "true". Any other problem fails the
// test with a message saying what to do.
func New(t testing.TB, source string, opts ...Option) *sql.DB {
	t.Helper()
	return Open(t, source, opts...).DB
}

// Open is New returning the database with its URL and dialect.
func Open(t testing.TB, source string, opts ...Option) *DB {
	t.Helper()
	o := newOptions(opts)
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	db, release, err := create(ctx, source, o, t.Name(), t.TempDir())
	if err != nil {
		if errors.Is(err, ErrUnavailable) {
			unavailable(t, "%v", err)
		}
		t.Fatalf("dbtwintest: %v", err)
	}
	t.Cleanup(func() {
		if err := release(); err != nil {
			t.Logf("dbtwintest: %v", err)
		}
	})
	db.t = t
	for _, path := range o.checks {
		if rep := db.runChecks(path); rep != nil && rep.ExitCode() != 0 {
			t.FailNow()
		}
	}
	return db
}

// ErrUnavailable matches (errors.Is) the error of Copy when the PostgreSQL
// server cannot be reached.
var ErrUnavailable = errors.New("database server unavailable")

// Copy makes a fresh database holding source's twin outside a test: for
// TestMain, a development server, a script or an example. It works as New
// does (same sources, templates and options; WithChecks makes Copy fail when
// a check fails) and returns release, which closes the database and drops
// or deletes it: call it when done. label appears in the PostgreSQL
// database's name.
func Copy(ctx context.Context, source, label string, opts ...Option) (db *DB, release func() error, err error) {
	o := newOptions(opts)
	dir, err := os.MkdirTemp("", "dbtwintest-")
	if err != nil {
		return nil, nil, fmt.Errorf("temporary directory: %w", err)
	}
	db, rel, err := create(ctx, source, o, label, dir)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, nil, err
	}
	release = func() error {
		err := rel()
		if rerr := os.RemoveAll(dir); err == nil && rerr != nil {
			err = fmt.Errorf("remove %s: %w", dir, rerr)
		}
		return err
	}
	for _, path := range o.checks {
		if err := check.Must(ctx, db.DB, db.Dialect, path); err != nil {
			_ = release()
			return nil, nil, fmt.Errorf("checks %s on the copy: %w", path, err)
		}
	}
	return db, release, nil
}

func newOptions(opts []Option) options {
	o := options{timeout: 10 * time.Minute}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// create makes the database: label names it (PostgreSQL), dir holds it
// (SQLite). release closes and removes it.
func create(ctx context.Context, source string, o options, label, dir string) (*DB, func() error, error) {
	if path, ok := snapshotPath(source); ok {
		pg, lite, err := snapshotSource(path, o)
		if err != nil {
			return nil, nil, err
		}
		if pg != nil {
			return newPostgres(ctx, label, pg)
		}
		return newSQLite(ctx, dir, lite)
	}
	u, err := dbtwin.ParseURL(source)
	if err != nil {
		return nil, nil, fmt.Errorf("source (a twin's URL or a snapshot file): %w", err)
	}
	switch u.Engine {
	case "postgres":
		pg, err := urlSource(u, o)
		if err != nil {
			return nil, nil, err
		}
		return newPostgres(ctx, label, pg)
	case "sqlite":
		lite, err := fileSource(u)
		if err != nil {
			return nil, nil, err
		}
		return newSQLite(ctx, dir, lite)
	}
	return nil, nil, fmt.Errorf("source %s: engine %q is not supported (PostgreSQL and SQLite are)", u.Redacted(), u.Engine)
}

// Check runs the checks file at path (a checks.yaml) against the test's
// database now, e.g. after the code under test wrote to it, and reports
// every failed check with t.Errorf (the test goes on). It returns the report,
// or nil when the file could not be loaded or run (also reported). On a DB
// from Copy, which has no test, it only returns the report.
func (db *DB) Check(path string) *check.Report {
	if db.t != nil {
		db.t.Helper()
	}
	return db.runChecks(path)
}

func (db *DB) runChecks(path string) *check.Report {
	errorf := func(format string, args ...any) {}
	if db.t != nil {
		db.t.Helper()
		errorf = db.t.Errorf
	}
	f, err := check.Load(path)
	if err != nil {
		errorf("dbtwintest: checks %s: %v", path, err)
		return nil
	}
	rep, err := check.Run(context.Background(), db.DB, db.Dialect, f, check.Options{})
	if err != nil {
		errorf("dbtwintest: run checks %s: %v", path, err)
		return nil
	}
	if rep.ExitCode() != 0 {
		var b strings.Builder
		_ = check.WriteText(&b, rep)
		errorf("dbtwintest: checks %s failed on %s:\n%s", path, db.Name, b.String())
	}
	return rep
}

// unavailable skips the test, or fails it when CI=true.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("dbtwintest: CI=true and the test's database cannot be made: %s", msg)
	}
	t.Skipf("dbtwintest: skipping: %s (with CI=true this fails)", msg)
}
