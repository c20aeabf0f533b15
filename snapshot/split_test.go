package snapshot_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/snapshot"
)

// A table of several chunks is restored in parts at once (chunk ranges),
// and every row comes back exactly once with its storage class.
func TestLargeTableRestoresInParts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	src := filepath.Join(dir, "big.db")
	db, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`CREATE TABLE big (id INTEGER PRIMARY KEY, note TEXT, n, b BLOB);
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 60000)
INSERT INTO big SELECT i, printf('%0200d', i), CASE WHEN i % 3 = 0 THEN 'text' || i WHEN i % 3 = 1 THEN i * 1.5 ELSE NULL END, randomblob(16) FROM g;`)
	if err != nil {
		t.Fatal(err)
	}
	want := digest(t, db)
	db.Close()

	off := false
	out := filepath.Join(dir, "big.dbtwin")
	if _, err := snapshot.Create(ctx, snapshot.CreateOptions{Clone: clone.Options{Source: src, Strict: &off}, Output: out}); err != nil {
		t.Fatal(err)
	}
	f, err := snapshot.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n := len(f.Manifest.Table("big").Chunks); n < 3 {
		t.Fatalf("the table has %d chunks; the test needs at least 3", n)
	}
	target := filepath.Join(dir, "restored.db")
	res, err := snapshot.Restore(ctx, f, snapshot.RestoreOptions{Target: target, Jobs: 4})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Verified || res.Tables[0].Rows != 60000 {
		t.Fatalf("restore: verified %v, %+v", res.Verified, res.Tables)
	}
	rdb, err := sql.Open("sqlite", target)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	if got := digest(t, rdb); got != want {
		t.Errorf("restored table differs: %s, want %s", got, want)
	}
}

func digest(t *testing.T, db *sql.DB) string {
	t.Helper()
	var d string
	err := db.QueryRow(`SELECT count(*) || ':' || sum(length(quote(id) || quote(note) || quote(n) || quote(b))) || ':' ||
		sum(typeof(n) = 'text') || ':' || sum(typeof(n) = 'real') || ':' || total(id * length(quote(n))) FROM big`).Scan(&d)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
