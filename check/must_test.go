package check_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/dbtwin/dbtwin/check"
)

// A deadline stops the safeguards, and stopping is not passing.
func TestMustRunDeadline(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "app.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE users (id integer PRIMARY KEY, email text)"); err != nil {
		t.Fatal(err)
	}
	f, err := check.Parse("checks.yaml", []byte(`version: 1
checks:
  - name: slow
    rows: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c WHERE x < 0 LIMIT 1"
  - name: never runs
    unique: {table: users, columns: [email]}
`))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err = check.MustRun(ctx, db, "sqlite", f, check.Options{})
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, check.ErrChecksErrored) {
		t.Fatalf("err = %v, want ErrChecksErrored and DeadlineExceeded", err)
	}
	for _, want := range []string{`"slow"`, `"never runs"`, "stopped before every check ran"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
	// The application's handle stays usable and writable afterwards.
	if _, err := db.Exec("INSERT INTO users VALUES (1, 'a@example.com')"); err != nil {
		t.Fatalf("db after a cancelled check: %v", err)
	}
	if err := check.MustRun(context.Background(), db, "sqlite", &check.File{Checks: f.Checks[1:]}, check.Options{}); err != nil {
		t.Fatalf("passing checks: %v", err)
	}
}
