// Package dbtest provisions real databases for tests: a PostgreSQL server
// (named by DBTWIN_TEST_POSTGRES_URL, else the local server on 127.0.0.1:5432,
// else a throwaway server started with initdb/pg_ctl), one fresh database per
// test, SQLite files in the test's temporary directory, and the fixtures of
// ../shared/fixtures. With CI=true a test that cannot get its server fails
// instead of skipping.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Unavailable fails the test under CI=true and skips it otherwise.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and a database test cannot run: %s", msg)
	}
	t.Skipf("skipping: %s (set CI=true to make this a failure)", msg)
}

// RandomName returns prefix followed by a random suffix, usable as a database name.
func RandomName(prefix string) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + hex.EncodeToString(b[:])
}

// RepoRoot returns the repository's root directory (where go.mod is).
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Fixtures returns the path of ../shared/fixtures, failing the test if absent.
func Fixtures(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("DBTWIN_FIXTURES")
	if dir == "" {
		dir = filepath.Join(RepoRoot(t), "..", "shared", "fixtures")
	}
	if _, err := os.Stat(dir); err != nil {
		Unavailable(t, "fixtures not found at %s (set DBTWIN_FIXTURES)", dir)
	}
	return dir
}

// Postgres creates a fresh, empty PostgreSQL database for the test and returns
// its URL. The database is dropped when the test ends.
func Postgres(t testing.TB) string {
	t.Helper()
	admin := PostgresAdminURL(t)
	name := RandomName("dbtwin_test")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		Unavailable(t, "connect to PostgreSQL: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name+" TEMPLATE template0 ENCODING 'UTF8'"); err != nil {
		t.Fatalf("create test database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Logf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	return withDatabase(admin, name)
}

func withDatabase(admin, db string) string {
	u, err := url.Parse(admin)
	if err != nil {
		return admin
	}
	u.Path = "/" + db
	return u.String()
}

// Exec runs SQL statements (separated as the server allows, simple protocol)
// against a PostgreSQL URL, failing the test on error.
func Exec(t testing.TB, dbURL string, sql string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("exec %q: %v", abbreviate(sql), err)
	}
}

func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// SQLite returns a path for a new SQLite database file in the test's temp dir.
func SQLite(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(t.TempDir(), name)
}

// CopyFile copies a file (a SQLite fixture) into the test's temp dir and
// returns the copy's path, so tests never write the shared fixture.
func CopyFile(t testing.TB, src string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatalf("copy fixture: %v", err)
	}
	return dst
}

// QueryString runs a query returning one value on a PostgreSQL URL and
// returns it as text ("" for NULL), failing the test on error.
func QueryString(t testing.TB, dbURL, q string) string {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer c.Close(ctx)
	var s *string
	if err := c.QueryRow(ctx, "SELECT ("+q+")::text").Scan(&s); err != nil {
		t.Fatalf("%s: %v", abbreviate(q), err)
	}
	if s == nil {
		return ""
	}
	return *s
}

// QueryInt runs a query returning one number on a PostgreSQL URL.
func QueryInt(t testing.TB, dbURL, q string) int64 {
	t.Helper()
	s := QueryString(t, dbURL, q)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("%s: %q is not a number", abbreviate(q), s)
	}
	return n
}
