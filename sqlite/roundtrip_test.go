package sqlite

import (
	"context"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// roundTrip clones src and checks the twin: same rows with the same storage
// classes in every table, same schema objects, same AUTOINCREMENT counters,
// clean verification, and the source's bytes untouched.
func roundTrip(t *testing.T, src string) string {
	t.Helper()
	before := fileHash(t, src)
	dst := filepath.Join(t.TempDir(), "twin.db")
	v := clone(t, src, dst, nil)
	if !v.OK() {
		t.Errorf("verification found problems: %+v", v)
	}
	if got := fileHash(t, src); got != before {
		t.Error("the source file changed")
	}
	want, got := digests(t, src), digests(t, dst)
	if !reflect.DeepEqual(want, got) {
		for name := range want {
			if want[name] != got[name] {
				t.Errorf("table %s: source %s, twin %s", name, want[name], got[name])
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("table %s only in the twin", name)
			}
		}
	}
	if a, b := masterSet(t, src), masterSet(t, dst); !reflect.DeepEqual(a, b) {
		t.Errorf("schemas differ:\nsource %q\ntwin   %q", a, b)
	}
	return dst
}

func TestRoundTripChinook(t *testing.T) {
	roundTrip(t, dbtest.SQLiteFixture(t, "chinook"))
}

func TestRoundTripNorthwind(t *testing.T) {
	src := dbtest.SQLiteFixture(t, "northwind")
	dst := roundTrip(t, src)
	const q = `SELECT name || '=' || seq FROM sqlite_sequence ORDER BY name`
	want, got := strings1(t, rawDB(t, src), q), strings1(t, rawDB(t, dst), q)
	if !reflect.DeepEqual(got, want) || len(got) != 6 || got[2] != "Orders=11077" {
		t.Errorf("sqlite_sequence = %v, want %v", got, want)
	}
}

func TestRoundTripHandmade(t *testing.T) {
	src := makeDB(t, "hand.db", handmadeSQL)
	dst := roundTrip(t, src)
	db := rawDB(t, dst)
	if got := strings1(t, db, `SELECT seq FROM sqlite_sequence WHERE name = 'accounts'`); len(got) != 1 || got[0] != "5" {
		t.Errorf("accounts counter = %v, want 5 (the deleted row's id)", got)
	}
	if got := strings1(t, db, `SELECT count(*) FROM audit`); got[0] != "5" {
		t.Errorf("audit rows = %v: the trigger must not fire during the load", got)
	}
	classes := strings1(t, db, `SELECT typeof(amount) || ',' || typeof(extra) || ',' || typeof(data) FROM notes ORDER BY id`)
	want := []string{"integer,integer,blob", "text,text,blob", "real,real,null", "blob,blob,text", "integer,null,blob"}
	if !reflect.DeepEqual(classes, want) {
		t.Errorf("storage classes = %v, want %v", classes, want)
	}
	// The twin works like the source: the trigger and AUTOINCREMENT go on.
	w, err := openRW(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Exec(`INSERT INTO accounts (email) VALUES ('new@example.com')`); err != nil {
		t.Fatal(err)
	}
	var id, audits int
	if err := w.QueryRow(`SELECT max(id), (SELECT count(*) FROM audit) FROM accounts`).Scan(&id, &audits); err != nil {
		t.Fatal(err)
	}
	if id != 6 || audits != 6 {
		t.Errorf("after an insert: id %d (want 6), audit rows %d (want 6)", id, audits)
	}
}

// TestRoundTripByAffinity wraps the rows so Write cannot see storage
// classes: every value keeps its class except the documented loss, a text
// or number in a column without affinity to it (untyped or BLOB).
func TestRoundTripByAffinity(t *testing.T) {
	src := makeDB(t, "hand.db", handmadeSQL)
	dst := filepath.Join(t.TempDir(), "twin.db")
	v := clone(t, src, dst, func(r dbtwin.Rows) dbtwin.Rows { return plainRows{r} })
	if !v.OK() {
		t.Errorf("verification: %+v", v)
	}
	want, got := digests(t, src), digests(t, dst)
	for _, same := range []string{"accounts", "regions", `office "hq" list`, "audit", "sqlite_sequence"} {
		if want[same] != got[same] {
			t.Errorf("table %s: source %s, twin %s", same, want[same], got[same])
		}
	}
	classes := strings1(t, rawDB(t, dst), `SELECT typeof(amount) || ',' || typeof(extra) || ',' || typeof(data) FROM notes ORDER BY id`)
	wantClasses := []string{"integer,blob,blob", "text,blob,blob", "real,blob,null", "text,blob,blob", "integer,null,blob"}
	if !reflect.DeepEqual(classes, wantClasses) {
		t.Errorf("storage classes by affinity = %v, want %v", classes, wantClasses)
	}
}

// TestParallelClone reads and writes every table of Chinook at once, as a
// pipeline with many readers and writers would: reads share the snapshot's
// connection, writes take turns on the target.
func TestParallelClone(t *testing.T) {
	ctx := context.Background()
	src := dbtest.SQLiteFixture(t, "chinook")
	dst := filepath.Join(t.TempDir(), "twin.db")
	_, snap, target, post := startClone(t, src, dst, false)
	var wg sync.WaitGroup
	errs := make(chan error, len(snap.Schema().Tables))
	for _, tbl := range snap.Schema().Tables {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := dbtwin.ReadRequest{Table: tbl}
			rows, err := snap.Read(ctx, req)
			if err != nil {
				errs <- err
				return
			}
			defer rows.Close()
			if _, err := target.Write(ctx, tbl, req.ColumnNames(), rows); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := post.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	if v, err := target.Verify(ctx, snap.Schema()); err != nil || !v.OK() {
		t.Fatalf("verify: %+v, %v", v, err)
	}
	if err := target.MarkComplete(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if want, got := digests(t, src), digests(t, dst); !reflect.DeepEqual(want, got) {
		t.Errorf("digests differ:\n%v\n%v", want, got)
	}
}
