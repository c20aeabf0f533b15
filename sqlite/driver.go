package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/dbtwin/dbtwin"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Engine is the engine name this package registers.
const Engine = "sqlite"

func init() { dbtwin.Register(Engine, Driver{}) }

// Driver opens SQLite files. It is registered with dbtwin as "sqlite".
type Driver struct{}

// OpenSource opens an existing SQLite file read-only (mode=ro and
// PRAGMA query_only). A file that does not exist is an error: a source is
// never created.
func (Driver) OpenSource(ctx context.Context, u *dbtwin.URL) (dbtwin.Source, error) {
	path, err := filePath(u)
	if err != nil {
		return nil, err
	}
	if err := checkParams(u, false); err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: SQLite source %s does not exist: check the path (a source is never created)", dbtwin.ErrUsage, path)
		}
		return nil, fmt.Errorf("SQLite source %s: %w", path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%w: SQLite source %s is a directory, not a database file", dbtwin.ErrUsage, path)
	}
	db, err := sql.Open("sqlite", readOnlyDSN(path))
	if err != nil {
		return nil, fmt.Errorf("open SQLite source %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open SQLite source %s: %w: %s", path, err, openHint(err))
	}
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		db.Close()
		return nil, fmt.Errorf("read SQLite source %s: %w: %s", path, err, openHint(err))
	}
	return &Source{base: base{path: path}, db: db}, nil
}

// OpenTarget prepares to write a twin to the file at the URL's path. Nothing
// is written there until MarkComplete: the twin is built in a partial file
// next to it and renamed over it at the end.
func (Driver) OpenTarget(ctx context.Context, u *dbtwin.URL, opts dbtwin.TargetOptions) (dbtwin.Target, error) {
	path, err := filePath(u)
	if err != nil {
		return nil, err
	}
	if err := checkParams(u, true); err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%w: SQLite target %s is a directory: give a file path", dbtwin.ErrUsage, path)
	}
	if st, err := os.Stat(filepath.Dir(path)); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("%w: SQLite target %s: directory %s does not exist: create it first", dbtwin.ErrUsage, path, filepath.Dir(path))
	}
	return &Target{base: base{path: path}, partial: path + PartialSuffix}, nil
}

// filePath returns the absolute, cleaned file path of a sqlite URL.
func filePath(u *dbtwin.URL) (string, error) {
	p := u.Path
	if lit := literalPath(u); lit != p {
		if _, err := os.Stat(lit); err == nil {
			// An existing file whose name contains "?" is that file.
			p = lit
			u.Params = nil
		}
	}
	if strings.TrimSpace(p) == "" {
		return "", fmt.Errorf("%w: SQLite URL %q has no file path: use sqlite:PATH", dbtwin.ErrUsage, u.Redacted())
	}
	if p == ":memory:" {
		return "", fmt.Errorf("%w: SQLite URL %q names an in-memory database: dbtwin needs a file", dbtwin.ErrUsage, u.Redacted())
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("SQLite path %s: %w", p, err)
	}
	return abs, nil
}

// openHint says what to do about an error opening a source file.
func openHint(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "not a database"), strings.Contains(msg, "malformed"), strings.Contains(msg, "corrupt"):
		return "the file is not a SQLite database or is damaged: check that the path names the right file, and run `sqlite3 FILE 'PRAGMA integrity_check'` on it"
	case errors.Is(err, os.ErrPermission), strings.Contains(msg, "unable to open"), strings.Contains(msg, "permission"):
		return "the file cannot be opened: check that your user may read the file and its directory"
	case strings.Contains(msg, "locked"), strings.Contains(msg, "busy"):
		return "another process holds a lock on the file: retry when it is done"
	}
	return "check that the path names a SQLite database file you may read"
}

// literalPath is the URL's text after the scheme, "?" and all.
func literalPath(u *dbtwin.URL) string {
	s := strings.TrimSpace(u.Raw)
	for _, prefix := range []string{"sqlite://", "sqlite:"} {
		if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			return s[len(prefix):]
		}
	}
	return s
}

// checkParams accepts the SQLite URI parameters that agree with what dbtwin
// does anyway and refuses the others, so that "sqlite:x.db?mode=rwc" neither
// creates a file named "x.db?mode=rwc" nor is silently misread. A source is
// always opened read-only (mode=ro, and rw/rwc are accepted as they are
// common in application URLs); a target is always created (mode=rwc; rw
// accepted); cache=shared|private is accepted and has no effect.
func checkParams(u *dbtwin.URL, target bool) error {
	for k, vs := range u.Params {
		v := strings.ToLower(vs[len(vs)-1])
		switch {
		case k == "mode" && (v == "ro" || v == "rw" || v == "rwc") && !(target && v == "ro"):
		case k == "cache" && (v == "shared" || v == "private"):
		case k == "mode" && v == "ro":
			return fmt.Errorf("%w: SQLite target %s has mode=ro: a target is written; drop the parameter", dbtwin.ErrUsage, u.Redacted())
		case k == "mode" && v == "memory":
			return fmt.Errorf("%w: SQLite URL %s names an in-memory database: dbtwin needs a file", dbtwin.ErrUsage, u.Redacted())
		default:
			return fmt.Errorf("%w: SQLite URL %s: parameter %q is not supported (accepted: mode=ro|rw|rwc, cache=shared|private; "+
				"a file name containing \"?\" is written with %%3F)", dbtwin.ErrUsage, u.Redacted(), k)
		}
	}
	return nil
}

// uriPath escapes a file path for a SQLite "file:" URI.
func uriPath(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		c := path[i]
		if c == '%' || c == '?' || c == '#' || c <= ' ' || c == 0x7f {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return "file:" + b.String()
}

// readOnlyDSN opens a file read-only, with a busy timeout so a writer in
// another process makes us wait rather than fail.
func readOnlyDSN(path string) string {
	return uriPath(path) + "?mode=ro&_pragma=query_only(1)&_pragma=busy_timeout(10000)"
}

// identity names a file by device and inode when it exists, else by its
// absolute path, so two spellings of one file are one identity.
func identity(path string) string {
	if st, err := os.Stat(path); err == nil {
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			return fmt.Sprintf("sqlite:%d:%d", sys.Dev, sys.Ino)
		}
	}
	return "sqlite:" + filepath.Clean(path)
}

// QuoteIdent quotes an SQLite identifier with double quotes.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// base holds what sources and targets share.
type base struct {
	path string
}

// Engine returns "sqlite".
func (base) Engine() string { return Engine }

// QuoteIdent quotes an identifier.
func (base) QuoteIdent(name string) string { return QuoteIdent(name) }

// QuoteTable quotes a table's name (SQLite tables have no schema here).
func (base) QuoteTable(t *dbtwin.Table) string { return QuoteIdent(t.Name) }

// Path returns the database file's absolute path.
func (b base) Path() string { return b.path }

// Identity returns "sqlite:DEV:INODE" for an existing file, else
// "sqlite:" and the absolute path.
func (b base) Identity(context.Context) (string, error) { return identity(b.path), nil }
