package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

func openSnapshot(t *testing.T, url string) (dbtwin.Source, dbtwin.Snapshot) {
	t.Helper()
	ctx := context.Background()
	src, err := dbtwin.OpenSource(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	snap, err := src.Snapshot(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	return src, snap
}

// collect reads a stream to the end as strings ("NULL" for nil) and classes.
func collect(t *testing.T, rows dbtwin.Rows) (out [][]string, classes []string) {
	t.Helper()
	defer rows.Close()
	for rows.Next() {
		var r []string
		for _, f := range rows.Row() {
			if f == nil {
				r = append(r, "NULL")
			} else {
				r = append(r, string(f))
			}
		}
		out = append(out, r)
		if c, ok := rows.(ClassedRows); ok {
			var b []byte
			for _, x := range c.StorageClasses() {
				b = append(b, byte(x))
			}
			classes = append(classes, string(b))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out, classes
}

func TestReadValuesAsText(t *testing.T) {
	ctx := context.Background()
	_, snap := openSnapshot(t, "sqlite:"+makeDB(t, "hand.db", handmadeSQL))
	notes := snap.Schema().Table("notes")
	var progressed int64
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: notes, Columns: []string{"id", "amount", "extra", "score", "data", "body"},
		OrderBy: "id", Progress: func(n int64) { progressed += n }})
	if err != nil {
		t.Fatal(err)
	}
	got, classes := collect(t, rows)
	want := [][]string{
		{"1", "42", "7", "0.1", "\x00\xff\x10", "hello"},
		{"2", "n/a", "text in untyped", "1e+300", "", "int holds text"},
		{"3", "3.5", "2.25", "0", "NULL", "int holds real"},
		{"4", "\x01\x02", "\xca\xfe", "NULL", "text in blob column", "int holds blob"},
		{"5", "-9223372036854775808", "NULL", "1.2345678912345679e+08", "", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows =\n%q\nwant\n%q", got, want)
	}
	wantClasses := []string{"iiirbt", "ittrbt", "irrrnt", "ibbntt", "iinrbt"}
	if !reflect.DeepEqual(classes, wantClasses) {
		t.Errorf("classes = %v, want %v", classes, wantClasses)
	}
	if progressed == 0 {
		t.Error("Progress was never called")
	}
	// An empty blob and an empty text are empty, not NULL.
	rows, err = snap.Read(ctx, dbtwin.ReadRequest{Table: notes, Columns: []string{"data", "body"}, Where: "id = 5"})
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() || rows.Row()[0] == nil || rows.Row()[1] == nil {
		t.Errorf("empty values read as NULL: %q", rows.Row())
	}
	rows.Close()
}

func TestReadKeepsDateText(t *testing.T) {
	ctx := context.Background()
	_, snap := openSnapshot(t, "sqlite:"+makeDB(t, "hand.db", handmadeSQL))
	want := [][]string{{"2024-01-02 03:04:05"}, {"2024-02-03"}, {"1700000000"}, {"2024-13-45 bogus"}}
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: snap.Schema().Table("accounts"), Columns: []string{"created"}, OrderBy: "id"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := collect(t, rows); !reflect.DeepEqual(got, want) {
		t.Errorf("Read = %q", got)
	}
	rows, err = snap.Query(ctx, "SELECT created FROM accounts ORDER BY id;")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := collect(t, rows); !reflect.DeepEqual(got, want) {
		t.Errorf("Query = %q", got)
	}
	rows, err = snap.Query(ctx, "WITH x AS (SELECT id, created FROM accounts) SELECT created FROM x ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := collect(t, rows); !reflect.DeepEqual(got, want) {
		t.Errorf("Query with its own WITH = %q", got)
	}
	rows, err = snap.Query(ctx, "SELECT a.created, b.created, a.id FROM accounts a JOIN accounts b ON a.id = b.id WHERE a.id = ?", 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := collect(t, rows); !reflect.DeepEqual(got, [][]string{{"2024-01-02 03:04:05", "2024-01-02 03:04:05", "1"}}) {
		t.Errorf("Query with args and duplicate names = %q", got)
	}
}

func TestReadRequestOptions(t *testing.T) {
	ctx := context.Background()
	_, snap := openSnapshot(t, "sqlite:"+makeDB(t, "hand.db", handmadeSQL))
	office := snap.Schema().Table(`office "hq" list`)
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: office, OrderBy: "id DESC", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := collect(t, rows); !reflect.DeepEqual(got, [][]string{{"2", "US", "CA", "NULL"}}) {
		t.Errorf("rows = %q (generated column must not be read)", got)
	}
	n, err := snap.Count(ctx, snap.Schema().Table("accounts"), "active = 1")
	if err != nil || n != 2 {
		t.Errorf("Count = %d, %v", n, err)
	}
	if _, err := snap.Read(ctx, dbtwin.ReadRequest{Table: office, Where: "nope = 1"}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("bad predicate: %v", err)
	}
}

func TestSnapshotIsReadOnly(t *testing.T) {
	ctx := context.Background()
	path := makeDB(t, "hand.db", handmadeSQL)
	before := fileHash(t, path)
	_, snap := openSnapshot(t, path)
	for _, q := range []string{"DELETE FROM notes", "INSERT INTO events VALUES (1, 2, 3)", "CREATE TABLE x (y)"} {
		rows, err := snap.Query(ctx, q)
		if err == nil {
			rows.Next()
			err = rows.Err()
			rows.Close()
		}
		if err == nil {
			t.Errorf("%s succeeded on a source", q)
		}
	}
	snap.Close()
	if fileHash(t, path) != before {
		t.Error("the source file changed")
	}
}

func TestSnapshotIsConsistent(t *testing.T) {
	ctx := context.Background()
	path := makeDB(t, "wal.db", `PRAGMA journal_mode=WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1), (2);`)
	_, snap := openSnapshot(t, path)
	w, err := openRW(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if _, err := w.Exec("INSERT INTO t VALUES (3)"); err != nil {
		t.Fatal(err)
	}
	n, err := snap.Count(ctx, snap.Schema().Table("t"), "")
	if err != nil || n != 2 {
		t.Errorf("snapshot sees %d rows (%v), want 2: a write after the snapshot must not show", n, err)
	}
}

func TestNestedReadsShareTheSnapshot(t *testing.T) {
	ctx := context.Background()
	_, snap := openSnapshot(t, "sqlite:"+makeDB(t, "hand.db", handmadeSQL))
	s := snap.Schema()
	a, err := snap.Read(ctx, dbtwin.ReadRequest{Table: s.Table("accounts"), Columns: []string{"id"}, OrderBy: "id"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := snap.Read(ctx, dbtwin.ReadRequest{Table: s.Table("notes"), Columns: []string{"id"}, OrderBy: "id"})
	if err != nil {
		t.Fatal(err)
	}
	var seq []string
	for a.Next() && b.Next() {
		seq = append(seq, string(a.Row()[0])+"/"+string(b.Row()[0]))
		if _, err := snap.Count(ctx, s.Table("events"), ""); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"1/1", "2/2", "3/3", "4/4"}; !reflect.DeepEqual(seq, want) {
		t.Errorf("interleaved = %v, want %v", seq, want)
	}
	// Closing the snapshot closes what is still open, without hanging.
	if err := snap.Close(); err != nil {
		t.Fatal(err)
	}
	if b.Next() {
		t.Error("a Rows of a closed snapshot must stop")
	}
	if _, err := snap.Query(ctx, "SELECT 1"); err == nil {
		t.Error("Query on a closed snapshot must fail")
	}
}

func TestOpenSourceErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	if _, err := dbtwin.OpenSource(ctx, missing); !errors.Is(err, dbtwin.ErrUsage) || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("missing source: %v", err)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Error("opening a missing source created it")
	}
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte(strings.Repeat("not a database ", 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := dbtwin.OpenSource(ctx, junk); err == nil {
		t.Error("a file that is not a database must not open")
	}
	if _, err := dbtwin.OpenSource(ctx, "sqlite:"+dir); !errors.Is(err, dbtwin.ErrUsage) {
		t.Errorf("directory as source: %v", err)
	}
	if _, err := dbtwin.OpenTarget(ctx, "sqlite:"+filepath.Join(dir, "no", "such", "x.db"), dbtwin.TargetOptions{}); !errors.Is(err, dbtwin.ErrUsage) {
		t.Errorf("target in a missing directory: %v", err)
	}
}

func TestIdentity(t *testing.T) {
	ctx := context.Background()
	path := makeDB(t, "id db?#.db", `CREATE TABLE t (x)`)
	dir, base := filepath.Split(path)
	spellings := []string{"sqlite:" + path, "sqlite://" + path, path, "sqlite:" + dir + "./" + base,
		"sqlite:" + filepath.Join(dir, "sub") + "/../" + base}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, u := range spellings {
		src, err := dbtwin.OpenSource(ctx, u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		id, err := src.Identity(ctx)
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	for _, id := range ids[1:] {
		if id != ids[0] {
			t.Errorf("identities differ: %v", ids)
		}
	}
	tgt, err := dbtwin.OpenTarget(ctx, "sqlite:"+path, dbtwin.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tgt.Close()
	if id, _ := tgt.Identity(ctx); id != ids[0] {
		t.Errorf("target identity %s, source %s", id, ids[0])
	}
	other := filepath.Join(dir, "new.db")
	tgt2, err := dbtwin.OpenTarget(ctx, other, dbtwin.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer tgt2.Close()
	if id, _ := tgt2.Identity(ctx); id != "sqlite:"+other {
		t.Errorf("identity of a file to be = %s", id)
	}
	if q := tgt2.QuoteTable(&dbtwin.Table{Name: `a "b"`}); q != `"a ""b"""` {
		t.Errorf("QuoteTable = %s", q)
	}
}
