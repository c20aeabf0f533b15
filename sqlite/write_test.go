package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

// failingRows yields n rows and then fails.
type failingRows struct {
	n, i int
	row  dbtwin.Row
}

func (r *failingRows) Next() bool {
	r.i++
	return r.i <= r.n
}
func (r *failingRows) Row() dbtwin.Row { return r.row }
func (r *failingRows) Err() error {
	if r.i > r.n {
		return errors.New("source connection lost")
	}
	return nil
}
func (r *failingRows) Close() error { return nil }

// startClone opens src, a snapshot and a target at dst, and creates the schema.
func startClone(t *testing.T, src, dst string, reset bool) (dbtwin.Source, dbtwin.Snapshot, dbtwin.Target, dbtwin.PostData) {
	t.Helper()
	ctx := context.Background()
	source, err := dbtwin.OpenSource(ctx, "sqlite:"+src)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { source.Close() })
	snap, err := source.Snapshot(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { snap.Close() })
	target, err := dbtwin.OpenTarget(ctx, dst, dbtwin.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { target.Close() })
	if reset {
		if err := target.Reset(ctx); err != nil {
			t.Fatal(err)
		}
	}
	post, err := target.CreateSchema(ctx, source, snap)
	if err != nil {
		t.Fatal(err)
	}
	return source, snap, target, post
}

func TestFailedWriteLeavesNoFile(t *testing.T) {
	ctx := context.Background()
	src := makeDB(t, "hand.db", handmadeSQL)
	dst := filepath.Join(t.TempDir(), "twin.db")
	_, snap, target, _ := startClone(t, src, dst, false)
	tbl := snap.Schema().Table("events")
	rows := &failingRows{n: 25000, row: dbtwin.Row{[]byte("a"), []byte("b"), nil}}
	n, err := target.Write(ctx, tbl, []string{"at", "kind", "payload"}, rows)
	if err == nil || !strings.Contains(err.Error(), "source connection lost") || !strings.Contains(err.Error(), "events") {
		t.Fatalf("Write error = %v", err)
	}
	if n != 20000 {
		t.Errorf("rows written before the failure = %d, want 20000 (two full transactions)", n)
	}
	if err := target.Close(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{dst, dst + PartialSuffix} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s exists after a failed clone (stat: %v)", p, err)
		}
	}
}

func TestExistingTargetNeedsReset(t *testing.T) {
	ctx := context.Background()
	src := makeDB(t, "hand.db", handmadeSQL)
	dst := makeDB(t, "old.db", `CREATE TABLE old (x); INSERT INTO old VALUES (1);`)
	before := fileHash(t, dst)

	target, err := dbtwin.OpenTarget(ctx, dst, dbtwin.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	names, err := target.TableNames(ctx)
	if err != nil || len(names) != 1 || names[0] != "old" {
		t.Fatalf("TableNames = %v, %v", names, err)
	}
	source, err := dbtwin.OpenSource(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer source.Close()
	snap, err := source.Snapshot(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if _, err := target.CreateSchema(ctx, source, snap); !errors.Is(err, dbtwin.ErrUsage) || !strings.Contains(err.Error(), "--replace") {
		t.Fatalf("CreateSchema over a non-empty file: %v", err)
	}
	onSource, err := dbtwin.OpenTarget(ctx, "sqlite:"+filepath.Dir(src)+"/./"+filepath.Base(src), dbtwin.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer onSource.Close()
	_ = onSource.Reset(ctx)
	if _, err := onSource.CreateSchema(ctx, source, snap); !errors.Is(err, dbtwin.ErrUsage) || !strings.Contains(err.Error(), "source file itself") {
		t.Fatalf("CreateSchema onto the source: %v", err)
	}

	// With Reset, the old file stays intact until MarkComplete.
	_, snap2, t2, post := startClone(t, src, dst, true)
	if got := fileHash(t, dst); got != before {
		t.Fatal("Reset or CreateSchema changed the existing file")
	}
	for _, tbl := range snap2.Schema().Tables {
		rows, err := snap2.Read(ctx, dbtwin.ReadRequest{Table: tbl})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := t2.Write(ctx, tbl, dbtwin.ReadRequest{Table: tbl}.ColumnNames(), rows); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	if err := post.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	if got := fileHash(t, dst); got != before {
		t.Fatal("the existing file changed before MarkComplete")
	}
	if err := t2.MarkComplete(ctx, ""); err != nil {
		t.Fatal(err)
	}
	names, err = t2.TableNames(ctx)
	if err != nil || len(names) != 6 {
		t.Errorf("after MarkComplete: tables %v, %v", names, err)
	}
	if n, err := t2.Count(ctx, &dbtwin.Table{Name: "notes"}); err != nil || n != 5 {
		t.Errorf("Count after MarkComplete = %d, %v", n, err)
	}
	if err := t2.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dst); err != nil {
		t.Errorf("the completed twin must survive Close: %v", err)
	}
}

func TestVerifyFindsDanglingReferences(t *testing.T) {
	ctx := context.Background()
	src := makeDB(t, "hand.db", handmadeSQL)
	dst := filepath.Join(t.TempDir(), "twin.db")
	_, snap, target, post := startClone(t, src, dst, false)
	schema := snap.Schema()
	// Load the children only: every reference dangles.
	for _, name := range []string{"notes", `office "hq" list`} {
		tbl := schema.Table(name)
		req := dbtwin.ReadRequest{Table: tbl}
		rows, err := snap.Read(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := target.Write(ctx, tbl, req.ColumnNames(), rows); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	if err := post.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := target.Verify(ctx, schema)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"notes.notes_account_id_fkey": 4, `office "hq" list.office_region`: 2, `office "hq" list.office "hq" list_account_code_fkey`: 1}
	for k, n := range want {
		if v.DanglingReferences[k] != n {
			t.Errorf("dangling %s = %d, want %d (all: %v)", k, v.DanglingReferences[k], n, v.DanglingReferences)
		}
	}
	if v.OK() {
		t.Error("verification must fail")
	}
	if len(v.InvalidConstraints) != 0 {
		t.Errorf("invalid constraints = %v", v.InvalidConstraints)
	}
}

func TestVerifyFindsBrokenCheck(t *testing.T) {
	ctx := context.Background()
	src := makeDB(t, "c.db", `CREATE TABLE p (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL CHECK (qty > 0))`)
	dst := filepath.Join(t.TempDir(), "twin.db")
	_, snap, target, post := startClone(t, src, dst, false)
	// Write cannot break a CHECK (SQLite enforces it on insert): break one
	// behind the target's back to see that Verify reports it.
	tg := target.(*Target)
	if _, err := tg.conn.ExecContext(ctx, "PRAGMA ignore_check_constraints=1"); err != nil {
		t.Fatal(err)
	}
	if _, err := tg.conn.ExecContext(ctx, "INSERT INTO p VALUES (2, -1)"); err != nil {
		t.Fatal(err)
	}
	if _, err := tg.conn.ExecContext(ctx, "PRAGMA ignore_check_constraints=0"); err != nil {
		t.Fatal(err)
	}
	if err := post.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	v, err := target.Verify(ctx, snap.Schema())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.InvalidConstraints) != 1 || !strings.Contains(v.InvalidConstraints[0], "CHECK") {
		t.Errorf("invalid constraints = %v", v.InvalidConstraints)
	}
}

func TestWriteErrors(t *testing.T) {
	ctx := context.Background()
	src := makeDB(t, "hand.db", handmadeSQL)
	dst := filepath.Join(t.TempDir(), "twin.db")
	target, err := dbtwin.OpenTarget(ctx, dst, dbtwin.TargetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	tbl := &dbtwin.Table{Name: "events"}
	if _, err := target.Write(ctx, tbl, []string{"at"}, &failingRows{}); err == nil || !strings.Contains(err.Error(), "CreateSchema") {
		t.Errorf("Write before CreateSchema: %v", err)
	}
	if err := target.MarkComplete(ctx, ""); err == nil {
		t.Error("MarkComplete before CreateSchema must fail")
	}
	_, _, target2, _ := startClone(t, src, filepath.Join(t.TempDir(), "t2.db"), false)
	if _, err := target2.Write(ctx, tbl, []string{"nope"}, &failingRows{}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown column: %v", err)
	}
	if _, err := target2.Write(ctx, &dbtwin.Table{Name: "nope"}, []string{"x"}, &failingRows{}); err == nil || !strings.Contains(err.Error(), "no such table") {
		t.Errorf("unknown table: %v", err)
	}
	rows := &failingRows{n: 1, row: dbtwin.Row{[]byte("a")}}
	if _, err := target2.Write(ctx, tbl, []string{"at", "kind"}, rows); err == nil || !strings.Contains(err.Error(), "1 fields for 2 columns") {
		t.Errorf("short row: %v", err)
	}
}
