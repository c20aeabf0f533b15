package postgres

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// decodedOnly hides a Rows' RawRows side, forcing the decode/encode path.
type decodedOnly struct{ dbtwin.Rows }

// TestRoundTrip clones every PostgreSQL fixture with this engine alone and
// checks that the target has the same content and the same schema.
func TestRoundTrip(t *testing.T) {
	for _, fx := range dbtest.PostgresFixtures {
		t.Run(fx.Name, func(t *testing.T) {
			t.Parallel()
			roundTrip(t, dbtest.LoadPostgresFixture(t, fx.Name))
		})
	}
}

func TestRoundTripHandmade(t *testing.T) {
	t.Parallel()
	u := dbtest.Postgres(t)
	dbtest.Exec(t, u, handmadeSchema+`
INSERT INTO shop.users (email, national_id, first_name, last_name, status, balance, credit, deleted_at) VALUES
  ('a@x.org', 'N1', 'Ann', 'Lee', 'paid', 10.5, 3, NULL),
  ('B@x.org', 'N2', E'Tab\there', E'new\nline \\ back', 'new', NULL, 1, now()),
  ('c@x.org', NULL, NULL, 'Ünïcödé', 'shipped', 0, 2, NULL);
INSERT INTO shop.orders SELECT id, 1, '2024-01-02' FROM shop.users;
INSERT INTO shop.order_lines VALUES (1, 1, 1, 'N1', NULL), (1, 1, 2, NULL, 1);
INSERT INTO shop.audit_log VALUES (now(), '{"a": [1, "x\ty"]}', '\x00ff5c0a', '{a,"b c",NULL}', gen_random_uuid(), '12:00', '1 day', 1.5e300, true),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SELECT nextval('shop.loose_seq'), nextval('shop.loose_seq');
`)
	roundTrip(t, u)
}

func roundTrip(t *testing.T, srcURL string) {
	ctx := context.Background()
	src := openSource(t, srcURL)
	snap, err := src.OpenSnapshot(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	schema := snap.Schema()
	dstURL := dbtest.Postgres(t)
	dst := openTarget(t, dstURL, 2)
	if err := dst.MarkIncomplete(ctx, "test run"); err != nil {
		t.Fatal(err)
	}
	post, err := dst.CreateSchema(ctx, src, snap)
	if err != nil {
		t.Fatal(err)
	}
	names, err := dst.TableNames(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, schema.TableNames()) {
		t.Fatalf("target tables after pre-data = %v, want %v", names, schema.TableNames())
	}

	// Two writers, as many snapshot readers; odd tables take the decoded path.
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for range 2 {
		wg.Go(func() {
			for i := range jobs {
				if err := copyTable(ctx, snap, dst, schema.Tables[i], i%2 == 1); err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
				}
			}
		})
	}
	for i, tb := range schema.Tables {
		if tb.HasRows() {
			jobs <- i
		}
	}
	close(jobs)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("copy failed:\n%s", strings.Join(failures, "\n"))
	}
	if err := post.Apply(ctx); err != nil {
		t.Fatal(err)
	}
	if err := dst.MarkComplete(ctx, "test run"); err != nil {
		t.Fatal(err)
	}
	v, err := dst.Verify(ctx, schema)
	if err != nil {
		t.Fatal(err)
	}
	if !v.OK() {
		t.Errorf("verification failed: %+v", v)
	}
	fks := 0
	for _, tb := range schema.Tables {
		for _, fk := range tb.ForeignKeys {
			if !inheritedFK(schema, tb, fk) {
				fks++
			}
		}
	}
	if len(v.DanglingReferences) != fks {
		t.Errorf("verified %d foreign keys, want %d", len(v.DanglingReferences), fks)
	}

	// Same content, table by table.
	for _, tb := range schema.Tables {
		a, b := digest(t, srcURL, tb), digest(t, dstURL, tb)
		if a != b {
			t.Errorf("%s: content differs: source %s, target %s", tb, a, b)
		}
	}
	// Same sequence values.
	for _, sq := range schema.Sequences {
		q := "SELECT last_value || ' ' || is_called FROM " + QuoteTable(&dbtwin.Table{Schema: sq.Schema, Name: sq.Name})
		if a, b := dbtest.QueryString(t, srcURL, q), dbtest.QueryString(t, dstURL, q); a != b {
			t.Errorf("sequence %s.%s: source %s, target %s", sq.Schema, sq.Name, a, b)
		}
	}
	mv := "SELECT coalesce(string_agg(relname || ':' || relispopulated, ',' ORDER BY relname), '') FROM pg_class WHERE relkind = 'm'"
	if a, b := dbtest.QueryString(t, srcURL, mv), dbtest.QueryString(t, dstURL, mv); a != b {
		t.Errorf("materialized views: source %s, target %s", a, b)
	}
	// Same schema, as pg_dump sees it.
	if a, b := dumpLines(t, srcURL), dumpLines(t, dstURL); !slices.Equal(a, b) {
		t.Errorf("pg_dump --schema-only differs:\n%s", lineDiff(a, b))
	}
	if c := dbtest.QueryString(t, dstURL, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"); !strings.HasPrefix(c, "dbtwin: clone complete") {
		t.Errorf("database comment = %q", c)
	}
}

func copyTable(ctx context.Context, snap *Snapshot, dst *Target, tb *dbtwin.Table, decoded bool) error {
	rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: tb})
	if err != nil {
		return err
	}
	defer rows.Close()
	var in dbtwin.Rows = rows
	if decoded {
		in = decodedOnly{rows}
	}
	var cols []string
	for _, c := range tb.CopyColumns() {
		cols = append(cols, c.Name)
	}
	n, err := dst.Write(ctx, tb, cols, in)
	if err != nil {
		return err
	}
	want, err := snap.Count(ctx, tb, "")
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("%s: wrote %d rows, source has %d", tb, n, want)
	}
	return nil
}

// digest is the md5 of a table's rows as text, in sorted order.
func digest(t *testing.T, dbURL string, tb *dbtwin.Table) string {
	return dbtest.QueryString(t, dbURL, "SELECT count(*) || ':' || md5(coalesce(string_agg(x, E'\\n' ORDER BY x COLLATE \"C\"), '')) FROM (SELECT r::text AS x FROM "+
		QuoteTable(tb)+" r) s")
}

// dumpLines returns pg_dump --schema-only's lines, sorted, without comments,
// blank lines and psql meta-commands.
func dumpLines(t *testing.T, dbURL string) []string {
	t.Helper()
	d, err := findPgDump(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(d.path, append(slices.Clone(pgDumpArgs), "--dbname="+dbURL)...).Output()
	if err != nil {
		t.Fatalf("pg_dump: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l == "" || strings.HasPrefix(l, "--") || strings.HasPrefix(l, `\`) {
			continue
		}
		lines = append(lines, l)
	}
	sort.Strings(lines)
	return lines
}

func lineDiff(a, b []string) string {
	var out []string
	ia, ib := 0, 0
	for ia < len(a) || ib < len(b) {
		switch {
		case ib >= len(b) || (ia < len(a) && a[ia] < b[ib]):
			out = append(out, "- "+a[ia])
			ia++
		case ia >= len(a) || b[ib] < a[ia]:
			out = append(out, "+ "+b[ib])
			ib++
		default:
			ia++
			ib++
		}
	}
	if len(out) > 40 {
		out = append(out[:40], "...")
	}
	return strings.Join(out, "\n")
}
