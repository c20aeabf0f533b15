package postgres

import (
	"context"
	"errors"
	"io"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

const itemsSQL = `
CREATE TABLE items (id int PRIMARY KEY, name text, price numeric(8,2), at timestamptz, ok boolean, note text);
INSERT INTO items SELECT g, 'item ' || g, g / 100.0, '2024-01-01'::timestamptz + g * interval '1 minute', g % 2 = 0,
  CASE WHEN g % 10 = 0 THEN NULL ELSE E'tab\there\nnewline \\ ' || g END
FROM generate_series(1, %d) g;
CREATE SEQUENCE counter;
`

func itemsDB(t testing.TB, n int) string {
	u := dbtest.Postgres(t)
	dbtest.Exec(t, u, strings.Replace(itemsSQL, "%d", strconv.Itoa(n), 1))
	return u
}

func openSnap(t *testing.T, u string, readers int) (*Source, *Snapshot, *dbtwin.Table) {
	t.Helper()
	src := openSource(t, u)
	snap, err := src.OpenSnapshot(context.Background(), readers)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	return src, snap, snap.Schema().Table("public.items")
}

// sessionPID returns the backend pid of a one-reader snapshot's session.
func sessionPID(snap *Snapshot) uint32 {
	c := <-snap.free
	defer func() { snap.free <- c }()
	return c.PgConn().PID()
}

func countRows(t *testing.T, rows dbtwin.Rows) int {
	t.Helper()
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSnapshotSeesOnePointInTime(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := itemsDB(t, 1000)
	_, snap, items := openSnap(t, u, 3)
	if snap.SnapshotID() == "" {
		t.Fatal("no snapshot id")
	}
	dbtest.Exec(t, u, "INSERT INTO items (id, name) SELECT g, 'new' FROM generate_series(1001, 1500) g; DELETE FROM items WHERE id <= 10")
	// Three reads at once: each holds one of the snapshot's sessions.
	var all []dbtwin.Rows
	for range 3 {
		r, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	for i, r := range all {
		if n := countRows(t, r); n != 1000 {
			t.Errorf("reader %d saw %d rows, want the 1000 of the snapshot", i, n)
		}
	}
	raw, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, raw.(dbtwin.RawRows).Raw()); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	if n := snap.cancels.Load(); n != 0 {
		t.Errorf("%d COPYs were cancelled, though every read ran to its end", n)
	}
	if n, err := snap.Count(ctx, items, "name = 'new'"); err != nil || n != 0 {
		t.Errorf("Count of new rows = %d, %v", n, err)
	}
	r, err := snap.Query(ctx, "SELECT id FROM items WHERE id <= 10")
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, r); n != 10 {
		t.Errorf("deleted rows must still be visible in the snapshot: %d", n)
	}
	// A new snapshot sees the change.
	_, snap2, items2 := openSnap(t, u, 1)
	if n, err := snap2.Count(ctx, items2, ""); err != nil || n != 1490 {
		t.Errorf("new snapshot count = %d, %v", n, err)
	}
}

func TestSourceIsReadOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := itemsDB(t, 10)
	src, snap, items := openSnap(t, u, 1)
	var v string
	if err := src.meta.QueryRow(ctx, "SHOW default_transaction_read_only").Scan(&v); err != nil || v != "on" {
		t.Errorf("default_transaction_read_only = %q, %v", v, err)
	}
	attempts := []struct {
		sql  string
		args []any
	}{
		{"INSERT INTO items (id) VALUES (100) RETURNING id", nil},
		{"DELETE FROM items WHERE id = $1 RETURNING id", []any{1}},
		{"SELECT nextval('counter')", nil},
	}
	for _, a := range attempts {
		rows, err := snap.Query(ctx, a.sql, a.args...)
		if err == nil {
			for rows.Next() {
			}
			err = rows.Err()
			rows.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "read-only transaction") {
			t.Errorf("%s: want a read-only error, got %v", a.sql, err)
		}
	}
	// The failed statements left the session and its snapshot usable.
	if n, err := snap.Count(ctx, items, ""); err != nil || n != 10 {
		t.Errorf("count after failures = %d, %v", n, err)
	}
	if n := dbtest.QueryString(t, u, "SELECT count(*)::text FROM items"); n != "10" {
		t.Errorf("source changed: %s rows", n)
	}
}

func TestReadDecodesRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := itemsDB(t, 100)
	_, snap, items := openSnap(t, u, 1)
	var progress int64
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items, Columns: []string{"id", "name", "note", "ok", "price"},
		Where: "id BETWEEN 8 AND 50", OrderBy: "id DESC", Limit: 3, Progress: func(n int64) { progress += n }})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for rows.Next() {
		r := rows.Row()
		var fields []string
		for _, f := range r {
			if f == nil {
				fields = append(fields, "NULL")
			} else {
				fields = append(fields, string(f))
			}
		}
		got = append(got, strings.Join(fields, "|"))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	want := []string{
		"50|item 50|NULL|t|0.50",
		"49|item 49|tab\there\nnewline \\ 49|f|0.49",
		"48|item 48|tab\there\nnewline \\ 48|t|0.48",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows:\n%q\nwant\n%q", got, want)
	}
	if progress == 0 {
		t.Error("Progress was never called")
	}

	// Query with arguments goes through the simple protocol, same text form.
	q, err := snap.Query(ctx, "SELECT id, note FROM items WHERE id = ANY($1) ORDER BY id", []int32{9, 10})
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for q.Next() {
		r := q.Row()
		qs = append(qs, string(r[0])+"|"+string(r[1])+"|"+boolStr(r[1] == nil))
	}
	q.Close()
	if strings.Join(qs, ";") != "9|tab\there\nnewline \\ 9|false;10||true" {
		t.Errorf("query rows = %q (err %v)", qs, q.Err())
	}
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestRawStream(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := itemsDB(t, 3)
	_, snap, items := openSnap(t, u, 1)
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items, Columns: []string{"id", "note"}, OrderBy: "id"})
	if err != nil {
		t.Fatal(err)
	}
	rr, ok := rows.(dbtwin.RawRows)
	if !ok || rr.RawEngine() != "postgres" {
		t.Fatal("Read must return postgres RawRows")
	}
	b, err := io.ReadAll(rr.Raw())
	if err != nil {
		t.Fatal(err)
	}
	rows.Close()
	want := "1\ttab\\there\\nnewline \\\\ 1\n2\ttab\\there\\nnewline \\\\ 2\n3\ttab\\there\\nnewline \\\\ 3\n"
	if string(b) != want {
		t.Errorf("raw = %q, want %q", b, want)
	}
}

// Closing a stream early cancels the COPY and returns a usable session.
func TestCloseMidStream(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := itemsDB(t, 200000)
	_, snap, items := openSnap(t, u, 1)
	pid := sessionPID(snap)
	for round := range 3 {
		rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items})
		if err != nil {
			t.Fatal(err)
		}
		if round == 1 {
			buf := make([]byte, 1000)
			if _, err := io.ReadFull(rows.(dbtwin.RawRows).Raw(), buf); err != nil {
				t.Fatal(err)
			}
		} else {
			for i := 0; i < 10 && rows.Next(); i++ {
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if rows.Next() {
			t.Error("Next after Close")
		}
	}
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items})
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, rows); n != 200000 {
		t.Errorf("full read after early closes = %d rows", n)
	}
	q, err := snap.Query(ctx, "SELECT g FROM generate_series(1, 1000000) g WHERE g > $1", 0)
	if err != nil {
		t.Fatal(err)
	}
	q.Next()
	q.Close()
	if n, err := snap.Count(ctx, items, ""); err != nil || n != 200000 {
		t.Errorf("count = %d, %v", n, err)
	}
	if sessionPID(snap) != pid {
		t.Error("the session was replaced: cancelling should have kept it")
	}
}

func TestReadCancelledContext(t *testing.T) {
	t.Parallel()
	u := itemsDB(t, 200000)
	_, snap, items := openSnap(t, u, 1)
	pid := sessionPID(snap)
	ctx, cancel := context.WithCancel(context.Background())
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items})
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	cancel()
	for rows.Next() {
	}
	if err := rows.Err(); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "read public.items") {
		t.Errorf("want an error naming the table after cancel, got %v", err)
	}
	rows.Close()
	if n, err := snap.Count(context.Background(), items, "id < 5"); err != nil || n != 4 {
		t.Errorf("snapshot after cancel: %d, %v", n, err)
	}
	if sessionPID(snap) != pid {
		t.Error("the session was replaced: cancelling should have kept it")
	}
}

func TestReadErrorNamesTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := itemsDB(t, 5)
	_, snap, items := openSnap(t, u, 1)
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items, Where: "no_such_column = 1"})
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("rows from a failing read")
	}
	if err := rows.Err(); err == nil || !strings.Contains(err.Error(), "public.items") || !strings.Contains(err.Error(), "no_such_column") {
		t.Errorf("err = %v", err)
	}
	rows.Close()
	if n, err := snap.Count(ctx, items, ""); err != nil || n != 5 {
		t.Errorf("count after failed read = %d, %v", n, err)
	}
}

func TestSnapshotClosed(t *testing.T) {
	t.Parallel()
	u := itemsDB(t, 1)
	_, snap, items := openSnap(t, u, 1)
	snap.Close()
	if _, err := snap.Read(context.Background(), dbtwin.ReadRequest{Table: items}); !errors.Is(err, errSnapshotClosed) {
		t.Errorf("read on a closed snapshot: %v", err)
	}
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := dbtest.Postgres(t), dbtest.Postgres(t)
	ida, err := openSource(t, a).Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	idt, err := openTarget(t, a, 1).Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	idb, err := openSource(t, b).Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pa, _ := url.Parse(a)
	if ida != idt || ida == idb || !strings.HasPrefix(ida, "postgres:") || !strings.HasSuffix(ida, pa.Path) {
		t.Errorf("identities: %q %q %q", ida, idt, idb)
	}
}

func TestConnectionErrorsHidePassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, raw := range []string{
		"postgres://someone:S3cretPassw0rd@127.0.0.1:1/db?connect_timeout=2",
		"postgres://someone@127.0.0.1:1/db?password=S3cretPassw0rd&connect_timeout=2",
		"postgres://someone:S3cretPassw0rd@127.0.0.1:5432/db?sslmode=bogus",
	} {
		u, err := dbtwin.ParseURL(raw)
		if err != nil {
			t.Fatal(err)
		}
		_, serr := Driver{}.OpenSource(ctx, u)
		_, terr := Driver{}.OpenTarget(ctx, u, dbtwin.TargetOptions{Writers: 1})
		for _, err := range []error{serr, terr} {
			if err == nil {
				t.Fatalf("%s: connection should fail", dbtwin.RedactURL(raw))
			}
			t.Log(err)
			if strings.Contains(err.Error(), "S3cretPassw0rd") {
				t.Errorf("error reveals the password: %v", err)
			}
		}
	}
}
