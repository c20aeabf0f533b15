package postgres

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/internal/pipeline"
)

// Not parallel: these tests lower splitMinPages.

// Parts of a split table, read in parallel in one snapshot, hold every row
// of the snapshot exactly once.
func TestSplitTableCoversEveryRowOnce(t *testing.T) {
	ctx := context.Background()
	u := itemsDB(t, 20000)
	_, snap, items := openSnap(t, u, 3)
	if parts, err := snap.SplitTable(ctx, items, 3); err != nil || parts != nil {
		t.Fatalf("a 2 MB table was split: %v, %v", parts, err)
	}
	defer func(v int64) { splitMinPages = v }(splitMinPages)
	splitMinPages = 4
	dbtest.Exec(t, u, "INSERT INTO items (id, name) SELECT g, 'new' FROM generate_series(20001, 25000) g; DELETE FROM items WHERE id <= 10")
	parts, err := snap.SplitTable(ctx, items, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 3 {
		t.Fatalf("%d parts, want 3: %v", len(parts), parts)
	}
	seen := make([]int, 20001)
	var all []dbtwin.Rows
	for _, p := range parts {
		r, err := snap.Read(ctx, dbtwin.ReadRequest{Table: items, Columns: []string{"id"}, Where: p})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, r)
	}
	for i, r := range all {
		n := 0
		for r.Next() {
			id, err := strconv.Atoi(string(r.Row()[0]))
			if err != nil || id < 1 || id > 20000 {
				t.Fatalf("part %d: id %q outside the snapshot", i, r.Row()[0])
			}
			seen[id]++
			n++
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		r.Close()
		if n < 20000/5 {
			t.Errorf("part %d (%s) has %d rows: parts should be of similar size", i, parts[i], n)
		}
	}
	for id := 1; id <= 20000; id++ {
		if seen[id] != 1 {
			t.Fatalf("id %d read %d times", id, seen[id])
		}
	}
}

// pipeline.Run copies a split table (masked and raw) completely, with one
// result per table.
func TestRunSplitTable(t *testing.T) {
	ctx := context.Background()
	src := itemsDB(t, 30000)
	_, snap, items := openSnap(t, src, 2)
	defer func(v int64) { splitMinPages = v }(splitMinPages)
	splitMinPages = 4
	for _, masked := range []bool{false, true} {
		dst := dbtest.Postgres(t)
		dbtest.Exec(t, dst, "CREATE TABLE items (id int, name text, price numeric(8,2), at timestamptz, ok boolean, note text)")
		tg := openTarget(t, dst, 2)
		job := pipeline.Job{Table: items, EstimatedRows: 30000}
		if masked {
			job.Transform = func(r dbtwin.Row) (dbtwin.Row, error) {
				out := append(dbtwin.Row(nil), r...)
				if out[1] != nil {
					out[1] = []byte(strings.ToUpper(string(out[1])))
				}
				return out, nil
			}
		}
		res, err := pipeline.Run(ctx, snap, tg, []pipeline.Job{job}, pipeline.Options{Jobs: 2})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 1 || res[0].Written != 30000 || res[0].RowsRead != 30000 || res[0].Raw == masked {
			t.Fatalf("masked=%v: results %+v", masked, res)
		}
		got := dbtest.QueryInt(t, dst, "SELECT count(DISTINCT id) FROM items WHERE name = "+map[bool]string{false: "'item ' || id", true: "'ITEM ' || id"}[masked])
		if got != 30000 {
			t.Errorf("masked=%v: %d of 30000 rows copied as expected", masked, got)
		}
	}
}
