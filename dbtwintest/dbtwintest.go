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
// as one; the test must not close it (Cleanup does).
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

// Option changes what New and Open do.
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
// which takes milliseconds. SQLite: the first call writes a consistent copy
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
	o := options{timeout: 10 * time.Minute}
	for _, opt := range opts {
		opt(&o)
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	var db *DB
	var err error
	if path, ok := snapshotPath(source); ok {
		var pg *pgSource
		var lite *sqliteSource
		if pg, lite, err = snapshotSource(path, o); err == nil && pg != nil {
			db, err = newPostgres(ctx, t, pg)
		} else if err == nil {
			db, err = newSQLite(ctx, t, lite)
		}
	} else {
		u, perr := dbtwin.ParseURL(source)
		if perr != nil {
			t.Fatalf("dbtwintest: source (a twin's URL or a snapshot file): %v", perr)
		}
		switch u.Engine {
		case "postgres":
			var pg *pgSource
			if pg, err = urlSource(u, o); err == nil {
				db, err = newPostgres(ctx, t, pg)
			}
		case "sqlite":
			var lite *sqliteSource
			if lite, err = fileSource(u); err == nil {
				db, err = newSQLite(ctx, t, lite)
			}
		default:
			t.Fatalf("dbtwintest: source %s: engine %q is not supported (PostgreSQL and SQLite are)", u.Redacted(), u.Engine)
		}
	}
	if err != nil {
		var un *unavailableError
		if errors.As(err, &un) {
			unavailable(t, "%v", err)
		}
		t.Fatalf("dbtwintest: %v", err)
	}
	db.t = t
	for _, path := range o.checks {
		if rep := db.runChecks(path); rep != nil && rep.ExitCode() != 0 {
			t.FailNow()
		}
	}
	return db
}

// Check runs the checks file at path (a checks.yaml) against the test's
// database now, e.g. after the code under test wrote to it, and reports
// every failed check with t.Errorf (the test goes on). It returns the report,
// or nil when the file could not be loaded or run (also reported).
func (db *DB) Check(path string) *check.Report {
	db.t.Helper()
	return db.runChecks(path)
}

func (db *DB) runChecks(path string) *check.Report {
	t := db.t
	t.Helper()
	f, err := check.Load(path)
	if err != nil {
		t.Errorf("dbtwintest: checks %s: %v", path, err)
		return nil
	}
	rep, err := check.Run(context.Background(), db.DB, db.Dialect, f, check.Options{})
	if err != nil {
		t.Errorf("dbtwintest: run checks %s: %v", path, err)
		return nil
	}
	if rep.ExitCode() != 0 {
		var b strings.Builder
		_ = check.WriteText(&b, rep)
		t.Errorf("dbtwintest: checks %s failed on %s:\n%s", path, db.Name, b.String())
	}
	return rep
}

// unavailableError is a server that cannot be reached.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string { return e.err.Error() }
func (e *unavailableError) Unwrap() error { return e.err }

// unavailable skips the test, or fails it when CI=true.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("dbtwintest: CI=true and the test's database cannot be made: %s", msg)
	}
	t.Skipf("dbtwintest: skipping: %s (with CI=true this fails)", msg)
}
