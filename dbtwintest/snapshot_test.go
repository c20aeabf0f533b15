package dbtwintest

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/snapshot"
)

// makeSnapshot writes an unmasked snapshot of source into the test's
// temporary directory.
func makeSnapshot(t *testing.T, source string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "twin.dbtwin")
	no := false
	if _, err := snapshot.Create(context.Background(), snapshot.CreateOptions{
		Clone: clone.Options{Source: source, Strict: &no}, Output: out,
	}); err != nil {
		t.Fatalf("snapshot of %s: %v", source, err)
	}
	return out
}

// A snapshot file is a source too: each parallel test gets its own database
// restored from it (once per process), on SQLite and on PostgreSQL.
func TestSnapshotSource(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		snap := makeSnapshot(t, sqliteProduction(t))
		parallelFromSnapshot(t, snap, "sqlite")
	})
	t.Run("postgres", func(t *testing.T) {
		src := postgresProduction(t)
		snap := makeSnapshot(t, src)
		admin, _ := withDatabase(src, "postgres")
		t.Setenv("DBTWINTEST_POSTGRES_URL", "")
		r := &recorder{TB: t}
		r.run(func(tb testing.TB) { New(tb, snap) })
		if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "WithAdminURL") {
			t.Fatalf("PostgreSQL snapshot without a server: fatals %q", r.fatals)
		}
		t.Setenv("DBTWINTEST_POSTGRES_URL", admin)
		parallelFromSnapshot(t, snap, "postgres")
		key := "snapshot:" + mustAbs(t, snap)
		tpl := dbtest.QueryString(t, admin, fmt.Sprintf("SELECT coalesce(string_agg(datname, ','), '') FROM pg_database WHERE starts_with(datname, '%s')", tplPrefix+shortHash(key)+"_"))
		if tpl == "" {
			t.Fatal("no template database for the snapshot")
		}
		dbtest.Exec(t, admin, "ALTER DATABASE "+quoteIdent(tpl)+" WITH IS_TEMPLATE false")
		dbtest.Exec(t, admin, "DROP DATABASE "+quoteIdent(tpl))
	})
}

func parallelFromSnapshot(t *testing.T, snap, dialect string) {
	var mu sync.Mutex
	seen := map[string]bool{}
	t.Run("tests", func(t *testing.T) {
		for i := range 5 {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				db := Open(t, snap)
				if db.Dialect != dialect {
					t.Fatalf("dialect %s, want %s", db.Dialect, dialect)
				}
				var users int
				if err := db.QueryRow("SELECT count(*) FROM users").Scan(&users); err != nil || users != sizes.Users {
					t.Fatalf("users: %d, %v; want %d", users, err, sizes.Users)
				}
				if _, err := db.Exec("DELETE FROM subscriptions"); err != nil {
					t.Fatal(err)
				}
				mu.Lock()
				seen[db.Name] = true
				mu.Unlock()
			})
		}
	})
	if len(seen) != 5 {
		t.Fatalf("%d distinct databases for 5 tests", len(seen))
	}
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
