package subset

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// fixtureCases runs several subset shapes against one real database; the
// guarantees (closure, no empty table, determinism) are checked by
// subsetRun and deterministic.
func fixtureCases(t *testing.T, url string, cases map[string]*config.Subset) map[string]*outcome {
	out := map[string]*outcome{}
	for name, cfg := range cases {
		t.Run(name, func(t *testing.T) {
			out[name] = deterministic(t, url, nil, cfg)
		})
	}
	return out
}

func TestChinookSQLite(t *testing.T) {
	url := "sqlite:" + dbtest.SQLiteFixture(t, "chinook")
	res := fixtureCases(t, url, map[string]*config.Subset{
		"percent":  {Roots: []config.Root{{Table: "Customer", Percent: 5}}},
		"where":    {Roots: []config.Root{{Table: "Invoice", Where: "BillingCountry = 'Germany'"}}},
		"several":  {Roots: []config.Root{{Table: "Customer", Percent: 5}, {Table: "Playlist", Where: "PlaylistId = 3"}, {Table: "Artist", Percent: 5}}},
		"limit":    {Roots: []config.Root{{Table: "Track", Limit: 50}}},
		"no roots": {},
	})
	if o := res["limit"]; o != nil && o.result("Track").Reached[0].Rows != 50 {
		t.Errorf("limit 50 on Track: %+v", o.result("Track").Reached)
	}
	if o := res["where"]; o != nil {
		o.logResults(t)
	}
}

func TestNorthwindSQLite(t *testing.T) {
	url := "sqlite:" + dbtest.SQLiteFixture(t, "northwind")
	fixtureCases(t, url, map[string]*config.Subset{
		"percent": {Roots: []config.Root{{Table: "Orders", Percent: 5}}},
		"where":   {Roots: []config.Root{{Table: "Customers", Where: "Country = 'France'"}}},
		"several": {Roots: []config.Root{{Table: "Orders", Percent: 5}, {Table: "Employees", Where: "EmployeeID = 2"},
			{Table: "Products", Percent: 5}}},
		"limit": {Roots: []config.Root{{Table: "Order Details", Limit: 20, OrderBy: `"Quantity" DESC`}}},
	})
}

func TestPagilaPostgres(t *testing.T) {
	url := dbtest.LoadPostgresFixture(t, "pagila")
	res := fixtureCases(t, url, map[string]*config.Subset{
		"percent": {Roots: []config.Root{{Table: "public.customer", Percent: 5}}},
		"where":   {Roots: []config.Root{{Table: "film", Where: "rating = 'G' AND length > 150"}}},
		"several": {Roots: []config.Root{{Table: "customer", Percent: 5}, {Table: "film", Percent: 5},
			{Table: "public.payment", Where: "amount > 10"}}},
		"limit": {Roots: []config.Root{{Table: "rental", Limit: 25, OrderBy: "rental_date DESC"}}},
	})
	if o := res["percent"]; o != nil {
		o.logResults(t)
		var b []byte
		buf := &bytesBuffer{b: b}
		if err := o.plan.WriteText(buf); err != nil {
			t.Fatal(err)
		}
		t.Logf("plan:\n%s", buf.b)
	}
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

func TestPartitionedPostgres(t *testing.T) {
	url := dbtest.Postgres(t)
	script, err := os.ReadFile(filepath.Join("testdata", "partitioned_pg.sql"))
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Exec(t, url, string(script))
	res := fixtureCases(t, url, map[string]*config.Subset{
		"notes":     {Roots: []config.Root{{Table: "event_note", Where: "id <= 10"}}},
		"customers": {Roots: []config.Root{{Table: "customer", Percent: 10}}, Children: config.ChildCaps{MaxPerParent: 5}},
		"events":    {Roots: []config.Root{{Table: "event", Where: "customer_id = 7"}}},
	})
	if o := res["customers"]; o != nil {
		o.logResults(t)
		// The cap of 5 children per customer holds across both partitions.
		per := map[string]int{}
		for _, part := range []string{"public.event_2023", "public.event_2024"} {
			ci := indexOf(o.cols[part], "customer_id")
			for _, r := range o.kept[part] {
				if r[ci] != nil {
					per[string(r[ci])]++
				}
			}
		}
		for c, n := range per {
			if n > 5 {
				t.Errorf("customer %s has %d events selected across partitions; max_per_parent is 5", c, n)
			}
		}
		if len(per) == 0 {
			t.Error("no event of a selected customer")
		}
	}
}
