package scan

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	_ "github.com/dbtwin/dbtwin/postgres" // registers the engines
	_ "github.com/dbtwin/dbtwin/sqlite"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// snapshotOf opens a source and a snapshot, closed when the test ends.
func snapshotOf(t *testing.T, url string) dbtwin.Snapshot {
	t.Helper()
	ctx := context.Background()
	src, err := dbtwin.OpenSource(ctx, url)
	if err != nil {
		t.Fatalf("open %s: %v", dbtwin.RedactURL(url), err)
	}
	t.Cleanup(func() { src.Close() })
	snap, err := src.Snapshot(ctx, 1)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	t.Cleanup(func() { snap.Close() })
	return snap
}

// scanURL runs a scan of a database with default options.
func scanURL(t *testing.T, url string, opt Options) (*Result, *dbtwin.Schema) {
	t.Helper()
	snap := snapshotOf(t, url)
	res, err := Run(context.Background(), snap, opt)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return res, snap.Schema()
}

// fkString names a single-column link the way truth.json does.
func fkString(fromTable, fromCol, toTable, toCol string) string {
	return fmt.Sprintf("%s(%s)->%s(%s)", fromTable, fromCol, toTable, toCol)
}

// dropPostgresFKs drops every foreign key of a PostgreSQL database and
// returns them (a partition's keys are named after its partitioned parent).
func dropPostgresFKs(t *testing.T, url string) []string {
	t.Helper()
	snap := snapshotOf(t, url)
	schema := snap.Schema()
	seen := map[string]bool{}
	var truth []string
	var stmts []string
	for _, tb := range schema.Tables {
		for _, fk := range tb.ForeignKeys {
			from := tb.QualifiedName()
			if tb.PartitionOf != "" {
				from = tb.PartitionOf
			}
			k := fkString(from, strings.Join(fk.Columns, ","), fk.RefTable, strings.Join(fk.RefColumns, ","))
			if !seen[k] {
				seen[k] = true
				truth = append(truth, k)
			}
			stmts = append(stmts, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", quoteTable(tb), quoteIdent(fk.Name)))
		}
	}
	snap.Close()
	dbtest.Exec(t, url, strings.Join(stmts, ";\n"))
	return truth
}

// sqliteWithoutFKs copies a SQLite fixture into a new file whose tables have
// the same columns, types, primary and unique keys, but no foreign keys. It
// returns the copy's URL and the dropped foreign keys.
func sqliteWithoutFKs(t *testing.T, fixture string) (string, []string) {
	t.Helper()
	orig := dbtest.SQLiteFixture(t, fixture)
	snap := snapshotOf(t, "sqlite:"+orig)
	schema := snap.Schema()
	var truth, ddl []string
	for _, tb := range schema.Tables {
		for _, fk := range tb.ForeignKeys {
			truth = append(truth, fkString(tb.QualifiedName(), strings.Join(fk.Columns, ","), fk.RefTable, strings.Join(fk.RefColumns, ",")))
		}
		var defs []string
		for _, c := range tb.Columns {
			d := quoteIdent(c.Name) + " " + c.Type
			if !c.Nullable {
				d += " NOT NULL"
			}
			defs = append(defs, d)
		}
		if pk := tb.PrimaryKey; pk != nil {
			defs = append(defs, "PRIMARY KEY ("+quoteList(pk.Columns)+")")
		}
		for _, u := range tb.Uniques {
			if len(u.Expressions) == 0 && !u.Partial {
				defs = append(defs, "UNIQUE ("+quoteList(u.Columns)+")")
			}
		}
		ddl = append(ddl, "CREATE TABLE "+quoteIdent(tb.Name)+" ("+strings.Join(defs, ", ")+")",
			"INSERT INTO main."+quoteIdent(tb.Name)+" SELECT * FROM src."+quoteIdent(tb.Name))
	}
	snap.Close()
	path := dbtest.SQLite(t, fixture+"-nofk.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("ATTACH DATABASE ? AS src", orig); err != nil {
		t.Fatalf("attach: %v", err)
	}
	for _, s := range ddl {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	if _, err := db.Exec("DETACH DATABASE src"); err != nil {
		t.Fatal(err)
	}
	return "sqlite:" + path, truth
}

func quoteList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = quoteIdent(c)
	}
	return strings.Join(q, ", ")
}

// sqliteFixturePath copies a SQLite fixture for the test.
func sqliteFixturePath(t *testing.T, name string) string { return dbtest.SQLiteFixture(t, name) }
