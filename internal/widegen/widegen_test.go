package widegen

import (
	"context"
	"database/sql"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	_ "github.com/dbtwin/dbtwin/postgres" // registers the engines
	"github.com/dbtwin/dbtwin/scan"
	_ "github.com/dbtwin/dbtwin/sqlite"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// scanOf scans a database URL with default options.
func scanOf(t *testing.T, url string) *scan.Result {
	t.Helper()
	ctx := context.Background()
	src, err := dbtwin.OpenSource(ctx, url)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer src.Close()
	snap, err := src.Snapshot(ctx, 1)
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	defer snap.Close()
	res, err := scan.Run(ctx, snap, scan.Options{})
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	return res
}

// The scan finds the generated schema's undeclared links (no foreign key is
// declared) with recall and precision >= 0.95 on the links that have data,
// writes key-like ones as fk links, activates nothing on empty tables and
// flags every personal column, on PostgreSQL and SQLite; another seed gives
// another database of the same shape.
func TestScanWideSchema(t *testing.T) {
	for _, c := range []struct {
		engine string
		seed   int64
	}{{"postgres", 1}, {"sqlite", 2}} {
		t.Run(c.engine, func(t *testing.T) {
			g := Generate(Options{Entities: 40, Rows: 150, Seed: c.seed})
			var url string
			if c.engine == "postgres" {
				url = dbtest.Postgres(t)
				dbtest.Exec(t, url, g.SQL+";ANALYZE")
			} else {
				url = dbtest.SQLite(t, "wide.db")
				db, err := sql.Open("sqlite", url)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec(g.SQL); err != nil {
					t.Fatal(err)
				}
				db.Close()
			}
			s := Evaluate(scanOf(t, url), g.Truth)
			t.Logf("%d tables: recall %.3f, precision %.3f (%d true, %d false, %d missed), fk %d/%d, active on empty tables %d, PII %d/%d",
				g.Truth.Tables, s.Recall(), s.Precision(), s.TruePositives, s.FalsePositives, s.Missed, s.FKAsFK, s.FKFound,
				s.ActiveOnEmpty, s.PIIFound, s.PIIFound+s.PIIMissed)
			for _, f := range s.FalseLinks {
				t.Log("false:", f)
			}
			for _, m := range s.MissedLinks {
				t.Log("missed:", m)
			}
			if s.Recall() < 0.95 || s.Precision() < 0.95 {
				t.Errorf("recall %.3f precision %.3f, want both >= 0.95", s.Recall(), s.Precision())
			}
			if s.ActiveOnEmpty != 0 || s.FKAsFK != s.FKFound || s.PIIMissed != 0 {
				t.Errorf("active links on empty tables %d (want 0), fk kind %d/%d, personal columns missed %v",
					s.ActiveOnEmpty, s.FKAsFK, s.FKFound, s.MissedPII)
			}
		})
	}
}
