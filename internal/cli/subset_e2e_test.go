package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// subsetConfigs are, per fixture: one root at 5%, a root with a where
// clause, several roots, and limit only.
var subsetConfigs = map[string][]string{
	"pg:chinook": {
		"roots: [{table: customer, percent: 5}]",
		"roots: [{table: invoice, where: \"total > 10\"}]",
		"roots: [{table: customer, percent: 5}, {table: track, percent: 5}]",
		"roots: [{table: invoice, limit: 20, order_by: invoice_id}]",
	},
	"pg:pagila": {
		"roots: [{table: customer, percent: 5}]",
		"roots: [{table: rental, where: \"rental_date < '2022-02-20'\"}]",
		"roots: [{table: customer, percent: 5}, {table: film, percent: 5}]",
		"roots: [{table: rental, limit: 100, order_by: rental_id}]",
	},
	"pg:northwind": {
		"roots: [{table: customers, percent: 5}]",
		"roots: [{table: orders, where: \"freight > 300\"}]",
		"roots: [{table: customers, percent: 5}, {table: products, percent: 5}]",
		"roots: [{table: orders, limit: 50, order_by: order_id}]",
	},
	"pg:world": {
		"roots: [{table: city, percent: 5}]",
		"roots: [{table: country, where: \"continent = 'Europe'\"}]",
		"roots: [{table: city, percent: 5}, {table: country_language, percent: 5}]",
		"roots: [{table: city, limit: 100, order_by: id}]",
	},
	"sqlite:chinook": {
		"roots: [{table: Customer, percent: 5}]",
		"roots: [{table: Invoice, where: \"Total > 10\"}]",
		"roots: [{table: Customer, percent: 5}, {table: Track, percent: 5}]",
		"roots: [{table: Invoice, limit: 20, order_by: InvoiceId}]",
	},
	"sqlite:northwind": {
		"roots: [{table: Customers, percent: 5}]",
		"roots: [{table: Orders, where: \"Freight > 300\"}]",
		"roots: [{table: Customers, percent: 5}, {table: Products, percent: 5}]",
		"roots: [{table: Orders, limit: 50, order_by: OrderID}]",
	},
}

func TestSubsetCloneOfEveryFixture(t *testing.T) {
	for name, configs := range subsetConfigs {
		t.Run(name, func(t *testing.T) {
			engine, fixture, _ := strings.Cut(name, ":")
			var src string
			var digests func(string) map[string]string
			if engine == "pg" {
				src = dbtest.LoadPostgresFixture(t, fixture)
				digests = func(u string) map[string]string { return dbtest.PostgresDigests(t, u) }
			} else {
				src = dbtest.SQLiteFixture(t, fixture)
				digests = func(u string) map[string]string { return dbtest.SQLiteDigests(t, u) }
			}
			before := digests(src)
			for i, subset := range configs {
				cfg := filepath.Join(t.TempDir(), "dbtwin.yaml")
				text := "version: 1\nstrict: false\nsubset:\n  " + subset + "\n  children: {max_per_parent: 20}\n"
				if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
				var dst string
				if engine == "pg" {
					dst = dbtest.Postgres(t)
				} else {
					dst = filepath.Join(t.TempDir(), "twin.db")
				}
				code, out, errOut := run(t, "clone", "--source", src, "--target", dst, "-c", cfg)
				if code != 0 {
					t.Fatalf("config %d (%s): exit %d\n%s\n%s", i, subset, code, out, errOut)
				}
				after := digests(dst)
				var srcRows, twinRows int64
				for table, d := range before {
					n := rowsOf(d)
					m := rowsOf(after[table])
					srcRows += n
					twinRows += m
					if n > 0 && m == 0 {
						t.Errorf("config %d (%s): %s has %d rows in the source and none in the twin", i, subset, table, n)
					}
				}
				if twinRows >= srcRows {
					t.Errorf("config %d (%s): twin has %d rows, source %d: not smaller", i, subset, twinRows, srcRows)
				}
				t.Logf("%s config %d: %d of %d rows", name, i, twinRows, srcRows)
			}
			dbtest.CompareDigests(t, before, digests(src)) // the source is untouched
		})
	}
}

func rowsOf(digest string) int64 {
	n, _ := strconv.ParseInt(strings.SplitN(digest, ":", 2)[0], 10, 64)
	return n
}
