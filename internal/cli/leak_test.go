package cli

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/internal/demo"
)

// A masked clone whose leak scan finds original values exits 1 and takes
// the twin away: the SQLite file is removed, the PostgreSQL target emptied.
func TestLeakingTwinIsRemoved(t *testing.T) {
	t.Setenv("DBTWIN_SECRET", testSecret)
	sizes := demo.Sizes{Users: 300, GuestPurchases: 100, Orders: 300, SharedGuestIDs: 0.3}
	cfg := filepath.Join(t.TempDir(), "dbtwin.yaml")
	// keep leaves every original email in place: a leak.
	if err := os.WriteFile(cfg, []byte("version: 1\nstrict: false\nmask:\n  users:\n    email: keep\n    first_name: first_name\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	src := filepath.Join(t.TempDir(), "production.db")
	if err := demo.Build(context.Background(), src, sizes); err != nil {
		t.Fatal(err)
	}
	twin := filepath.Join(t.TempDir(), "twin.db")
	code, out, errOut := run(t, "clone", "--source", src, "--target", twin, "-c", cfg)
	if code != 1 || !strings.Contains(out, "users.email") || !strings.Contains(errOut, "leak found") {
		t.Fatalf("sqlite: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(twin); !os.IsNotExist(err) {
		t.Fatalf("the leaking SQLite twin is still there (%v)", err)
	}

	pgSrc, pgDst := dbtest.Postgres(t), dbtest.Postgres(t)
	db, err := sql.Open("pgx", pgSrc)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.BuildDB(context.Background(), db, "postgres", sizes); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, errOut = run(t, "clone", "--source", pgSrc, "--target", pgDst, "-c", cfg)
	if code != 1 || !strings.Contains(out, "users.email") {
		t.Fatalf("postgres: exit %d\n%s\n%s", code, out, errOut)
	}
	if n := dbtest.QueryInt(t, pgDst, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema')"); n != 0 {
		t.Fatalf("the leaking PostgreSQL twin still has %d tables", n)
	}
	if c := dbtest.QueryString(t, pgDst, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"); !strings.Contains(c, "leak scan") {
		t.Fatalf("target comment %q does not say why it is empty", c)
	}
}
