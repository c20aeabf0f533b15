package subset

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	_ "github.com/dbtwin/dbtwin/postgres"
	_ "github.com/dbtwin/dbtwin/sqlite"
	_ "modernc.org/sqlite"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// sqliteFrom creates a SQLite database from testdata/name.sql, with
// replacements applied to the script ("old", "new", ...), and returns its URL.
func sqliteFrom(t testing.TB, name string, replace ...string) string {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("testdata", name+".sql"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.NewReplacer(replace...).Replace(string(script))
	path := dbtest.SQLite(t, name+".db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(text); err != nil {
		t.Fatalf("load testdata/%s.sql: %v", name, err)
	}
	return "sqlite:" + path
}

// outcome is what one subset run kept: per table, the rows the clone would
// copy (read through Selection.Filter), in the table's copied columns.
type outcome struct {
	schema *dbtwin.Schema
	plan   *Plan
	sel    *Selection
	cols   map[string][]string
	kept   map[string][]dbtwin.Row
	source map[string]int64
}

func (o *outcome) result(table string) TableResult {
	for _, r := range o.sel.Tables() {
		if r.Table == table {
			return r
		}
	}
	return TableResult{}
}

// subsetRun plans and selects on a source, reads back what the clone would
// copy, and checks the guarantees: closure (every non-NULL reference of a
// kept row finds its parent among kept rows, unless the source itself lacks
// the parent, which the result must then report) and no empty table that has
// rows in the source.
func subsetRun(t testing.TB, url string, rels []dbtwin.Relation, cfg *config.Subset, opt Options) *outcome {
	t.Helper()
	ctx := context.Background()
	src, err := dbtwin.OpenSource(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	snap, err := src.Snapshot(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	o := &outcome{schema: snap.Schema(), cols: map[string][]string{}, kept: map[string][]dbtwin.Row{}, source: map[string]int64{}}
	if o.plan, err = NewPlan(o.schema, rels, cfg); err != nil {
		t.Fatal(err)
	}
	if err := o.plan.Estimate(ctx, snap); err != nil {
		t.Fatal(err)
	}
	if o.sel, err = Select(ctx, snap, o.plan, opt); err != nil {
		t.Fatal(err)
	}
	for _, tb := range o.schema.Tables {
		if !tb.HasRows() {
			continue
		}
		name := tb.QualifiedName()
		var cols []string
		for _, c := range tb.CopyColumns() {
			cols = append(cols, c.Name)
		}
		o.cols[name] = cols
		where, keep, err := o.sel.Filter(tb, cols)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: tb, Columns: cols, Where: where})
		if err != nil {
			t.Fatalf("read %s where %q: %v", name, where, err)
		}
		for rows.Next() {
			if keep == nil || keep(rows.Row()) {
				o.kept[name] = append(o.kept[name], copyRow(rows.Row()))
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if o.source[name], err = snap.Count(ctx, tb, ""); err != nil {
			t.Fatal(err)
		}
	}
	o.checkClosed(t, ctx, snap, rels)
	o.checkNotEmpty(t, cfg)
	return o
}

func copyRow(r dbtwin.Row) dbtwin.Row {
	out := make(dbtwin.Row, len(r))
	for i, f := range r {
		if f != nil {
			out[i] = append([]byte{}, f...)
		}
	}
	return out
}

func leavesFor(s *dbtwin.Schema, t *dbtwin.Table) []*dbtwin.Table {
	if !t.Partitioned {
		return []*dbtwin.Table{t}
	}
	var out []*dbtwin.Table
	for _, c := range s.Tables {
		if c.PartitionOf != "" && s.Table(c.PartitionOf) == t {
			out = append(out, leavesFor(s, c)...)
		}
	}
	return out
}

func (o *outcome) values(table string, row dbtwin.Row, cols []string) (string, bool) {
	var parts []string
	for _, c := range cols {
		i := indexOf(o.cols[table], c)
		if i < 0 || row[i] == nil {
			return "", false
		}
		parts = append(parts, string(row[i]))
	}
	return strings.Join(parts, "\x00"), true
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

func (o *outcome) checkClosed(t testing.TB, ctx context.Context, snap dbtwin.Snapshot, rels []dbtwin.Relation) {
	t.Helper()
	all := o.schema.Relations()
	for _, r := range rels {
		if !r.Declared && (r.Kind == "fk" || r.Kind == "") {
			all = append(all, r)
		}
	}
	for _, r := range all {
		from, to := o.schema.Table(r.FromTable), o.schema.Table(r.ToTable)
		if internalClone(o.schema, r, all) {
			continue
		}
		have := map[string]bool{}
		for _, p := range leavesFor(o.schema, to) {
			for _, row := range o.kept[p.QualifiedName()] {
				if v, ok := o.values(p.QualifiedName(), row, r.ToColumns); ok {
					have[v] = true
				}
			}
		}
		for _, c := range leavesFor(o.schema, from) {
			cname := c.QualifiedName()
			var inSource map[string]bool
			for _, row := range o.kept[cname] {
				v, ok := o.values(cname, row, r.FromColumns)
				if !ok || have[v] {
					continue
				}
				if inSource == nil {
					inSource = o.sourceValues(t, ctx, snap, to, r.ToColumns)
				}
				if inSource[v] {
					t.Fatalf("closure broken: %s row %q references %s(%s) = %q, which exists in the source but was not selected",
						cname, row, to, strings.Join(r.ToColumns, ","), v)
				}
				if res := o.result(cname); res.Unresolved == 0 {
					t.Errorf("%s references %s(%s) = %q, missing in the source, but the result reports no unresolved reference",
						cname, to, strings.Join(r.ToColumns, ","), v)
				}
			}
		}
	}
}

// internalClone reports a PostgreSQL internal copy of a foreign key to a
// partitioned table: one per partition, beside the key to the parent.
func internalClone(s *dbtwin.Schema, r dbtwin.Relation, all []dbtwin.Relation) bool {
	to := s.Table(r.ToTable)
	if to.PartitionOf == "" {
		return false
	}
	for _, p := range all {
		if p.FromTable == r.FromTable && s.Table(p.ToTable) == s.Table(to.PartitionOf) &&
			strings.Join(p.FromColumns, ",") == strings.Join(r.FromColumns, ",") {
			return true
		}
	}
	return false
}

func (o *outcome) sourceValues(t testing.TB, ctx context.Context, snap dbtwin.Snapshot, to *dbtwin.Table, cols []string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	for _, p := range leavesFor(o.schema, to) {
		rows, err := snap.Read(ctx, dbtwin.ReadRequest{Table: p, Columns: cols})
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var parts []string
			for _, f := range rows.Row() {
				parts = append(parts, string(f))
			}
			out[strings.Join(parts, "\x00")] = true
		}
		rows.Close()
	}
	return out
}

func (o *outcome) checkNotEmpty(t testing.TB, cfg *config.Subset) {
	t.Helper()
	off := map[*dbtwin.Table]bool{}
	for _, ts := range cfg.Tables {
		if ts.Exclude || ts.Empty {
			for _, l := range leavesFor(o.schema, o.schema.Table(ts.Table)) {
				off[l] = true
			}
		}
	}
	for _, tb := range o.schema.Tables {
		name := tb.QualifiedName()
		if !tb.HasRows() {
			continue
		}
		n := len(o.kept[name])
		switch {
		case off[tb] && n > 0:
			t.Errorf("%s is configured empty but %d rows were kept", name, n)
		case !off[tb] && o.source[name] > 0 && n == 0:
			t.Errorf("%s has %d rows in the source and none in the subset", name, o.source[name])
		}
		res := o.result(name)
		if tb.PrimaryKey != nil && res.Rows != int64(n) {
			t.Errorf("%s: result says %d rows, the filter keeps %d", name, res.Rows, n)
		}
	}
}

// fingerprint summarises the kept rows, for determinism checks.
func (o *outcome) fingerprint() string {
	var names []string
	for n := range o.kept {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		var rows []string
		for _, r := range o.kept[n] {
			rows = append(rows, fmt.Sprintf("%q", r))
		}
		sort.Strings(rows)
		fmt.Fprintf(&b, "%s:%d:%x\n", n, len(rows), hashBytes(1, []byte(strings.Join(rows, "\n"))))
	}
	return b.String()
}

// deterministic runs the same subset twice and compares the kept rows.
func deterministic(t *testing.T, url string, rels []dbtwin.Relation, cfg *config.Subset) *outcome {
	t.Helper()
	a := subsetRun(t, url, rels, cfg, Options{})
	b := subsetRun(t, url, rels, cfg, Options{})
	if fa, fb := a.fingerprint(), b.fingerprint(); fa != fb {
		t.Fatalf("two runs differ:\n%s\nvs\n%s", fa, fb)
	}
	return a
}

func (o *outcome) count(table string) int { return len(o.kept[table]) }

func (o *outcome) logResults(t testing.TB) {
	t.Helper()
	var b strings.Builder
	if err := o.sel.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	t.Logf("selection:\n%s", b.String())
}
