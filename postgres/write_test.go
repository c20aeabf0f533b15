package postgres

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/jackc/pgx/v5"
)

// sliceRows is an in-memory Rows, standing for rows from another engine or
// from a transformation step.
type sliceRows struct {
	rows []dbtwin.Row
	i    int
}

func (s *sliceRows) Next() bool {
	if s.i >= len(s.rows) {
		return false
	}
	s.i++
	return true
}
func (s *sliceRows) Row() dbtwin.Row { return s.rows[s.i-1] }
func (s *sliceRows) Err() error      { return nil }
func (s *sliceRows) Close() error    { return nil }

func TestWriteEncodesRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := dbtest.Postgres(t)
	dbtest.Exec(t, u, "CREATE TABLE t (id int, s text, b bytea, j jsonb)")
	tg := openTarget(t, u, 1)
	tb := &dbtwin.Table{Schema: "public", Name: "t"}
	rows := &sliceRows{rows: []dbtwin.Row{
		{[]byte("1"), []byte("tab\tnl\ncr\rback\\slash"), []byte(`\x00ff`), []byte(`{"k": "v\\n"}`)},
		{[]byte("2"), nil, nil, nil},
		{[]byte("3"), []byte(""), []byte(`\x`), []byte(`[]`)},
		{[]byte("4"), []byte(`\N`), nil, nil},
	}}
	n, err := tg.Write(ctx, tb, []string{"id", "s", "b", "j"}, rows)
	if err != nil || n != 4 {
		t.Fatalf("Write = %d, %v", n, err)
	}
	got := dbtest.QueryString(t, u, `SELECT string_agg(coalesce(s, '<null>') || '|' || coalesce(encode(b, 'hex'), '<null>') || '|' || coalesce(j::text, '<null>'), ';' ORDER BY id) FROM t`)
	want := "tab\tnl\ncr\rback\\slash|00ff|{\"k\": \"v\\\\n\"};<null>|<null>|<null>;||[];\\N|<null>|<null>"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if c, err := tg.Count(ctx, tb); err != nil || c != 4 {
		t.Errorf("Count = %d, %v", c, err)
	}
	var sc string
	if err := tg.pool.withConn(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, "SHOW synchronous_commit").Scan(&sc)
	}); err != nil || sc != "off" {
		t.Errorf("target session synchronous_commit = %q, %v", sc, err)
	}
}

func TestWriteErrorsNameTheTable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := dbtest.Postgres(t)
	dbtest.Exec(t, u, "CREATE TABLE t (id int NOT NULL, s text)")
	tg := openTarget(t, u, 1)
	tb := &dbtwin.Table{Schema: "public", Name: "t"}
	_, err := tg.Write(ctx, tb, []string{"id", "s"}, &sliceRows{rows: []dbtwin.Row{{[]byte("1")}}})
	if err == nil || !strings.Contains(err.Error(), "public.t") || !strings.Contains(err.Error(), "has 1 fields, want 2") {
		t.Errorf("short row: %v", err)
	}
	_, err = tg.Write(ctx, tb, []string{"id", "s"}, &sliceRows{rows: []dbtwin.Row{{nil, []byte("x")}}})
	if err == nil || !strings.Contains(err.Error(), "public.t") || !strings.Contains(err.Error(), "23502") || !strings.Contains(err.Error(), "COPY t, line 1") {
		t.Errorf("null in NOT NULL column: %v", err)
	}
	// The session pool survived both failures.
	if n, err := tg.Write(ctx, tb, []string{"id", "s"}, &sliceRows{rows: []dbtwin.Row{{[]byte("7"), nil}}}); err != nil || n != 1 {
		t.Errorf("write after failures = %d, %v", n, err)
	}
}

func TestResetEmptiesTheTarget(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fresh := dbtest.Postgres(t)
	u := dbtest.Postgres(t)
	dbtest.Exec(t, u, handmadeSchema+"CREATE TABLE public.extra (id int); CREATE VIEW public.v AS SELECT 1 AS one;")
	tg := openTarget(t, u, 1)
	names, err := tg.TableNames(ctx)
	if err != nil || !slices.Equal(names, []string{"public.extra", "shop.audit_log", "shop.order_lines", "shop.orders", "shop.users"}) {
		t.Fatalf("TableNames = %v, %v", names, err)
	}
	if err := tg.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if names, err := tg.TableNames(ctx); err != nil || len(names) != 0 {
		t.Errorf("after Reset: %v, %v", names, err)
	}
	if a, b := dumpLines(t, fresh), dumpLines(t, u); !slices.Equal(a, b) {
		t.Errorf("reset database differs from a new one:\n%s", lineDiff(a, b))
	}
}

func TestVerifyFindsProblems(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := dbtest.Postgres(t)
	dbtest.Exec(t, u, `
CREATE TABLE parent (a int, b int, PRIMARY KEY (a, b));
CREATE TABLE child (id int, a int, b int);
INSERT INTO parent VALUES (1, 1);
INSERT INTO child VALUES (1, 1, 1), (2, 1, 2), (3, 9, 9), (4, NULL, 9), (5, 9, NULL);
ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (a, b) REFERENCES parent NOT VALID;
INSERT INTO child VALUES (6, 1, 1), (7, 1, 1);`)
	// A failed CREATE INDEX CONCURRENTLY leaves an invalid index behind.
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, "CREATE UNIQUE INDEX CONCURRENTLY child_a_idx ON child (a)"); err == nil {
		t.Fatal("the index should fail on duplicates")
	}
	c.Close(ctx)
	tg := openTarget(t, u, 1)
	schema, err := tg.Inspect(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v, err := tg.Verify(ctx, schema)
	if err != nil {
		t.Fatal(err)
	}
	if v.OK() {
		t.Fatal("Verify should find problems")
	}
	if !slices.Equal(v.InvalidConstraints, []string{"constraint public.child.child_parent_fk", "index public.child_a_idx"}) {
		t.Errorf("invalid = %v", v.InvalidConstraints)
	}
	if n := v.DanglingReferences["public.child.child_parent_fk"]; n != 2 || len(v.DanglingReferences) != 1 {
		t.Errorf("dangling = %v, want 2 for public.child.child_parent_fk (rows 2 and 3; rows with a NULL key column are not checked)", v.DanglingReferences)
	}
}

func TestMarkers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	u := dbtest.Postgres(t)
	tg := openTarget(t, u, 1)
	comment := func() string {
		return dbtest.QueryString(t, u, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()")
	}
	if err := tg.MarkIncomplete(ctx, "from prod's replica"); err != nil {
		t.Fatal(err)
	}
	if c := comment(); !strings.HasPrefix(c, "dbtwin: INCOMPLETE clone") || !strings.HasSuffix(c, "from prod's replica") {
		t.Errorf("comment = %q", c)
	}
	if err := tg.MarkComplete(ctx, ""); err != nil {
		t.Fatal(err)
	}
	if c := comment(); !strings.HasPrefix(c, "dbtwin: clone complete") {
		t.Errorf("comment = %q", c)
	}
}
