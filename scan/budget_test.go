package scan

import (
	"context"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// bigShop builds a PostgreSQL database of about 230,000 rows with
// undeclared references and a few small-integer columns that must not be
// taken for references.
func bigShop(t *testing.T) string {
	url := dbtest.Postgres(t)
	dbtest.Exec(t, url, `
CREATE TABLE customers (id integer PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL);
CREATE TABLE products (id integer PRIMARY KEY, title text NOT NULL, price numeric(8,2) NOT NULL);
CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer NOT NULL, status smallint NOT NULL,
	priority integer NOT NULL, placed_at timestamptz NOT NULL);
CREATE TABLE order_items (id integer PRIMARY KEY, order_id integer NOT NULL, product_id integer NOT NULL,
	quantity integer NOT NULL);
INSERT INTO customers SELECT g, 'customer' || g || '@example.com', now() - g * interval '1 minute'
	FROM generate_series(1, 20000) g;
INSERT INTO products SELECT g, 'product ' || g, (g % 97) + 0.99 FROM generate_series(1, 500) g;
INSERT INTO orders SELECT g, 1 + (hashint4(g) & 2147483647) % 20000, 1 + g % 3, 1 + g % 12,
	now() - g * interval '1 second' FROM generate_series(1, 80000) g;
INSERT INTO order_items SELECT g, 1 + (hashint4(g * 7) & 2147483647) % 80000, 1 + (hashint4(g * 13) & 2147483647) % 500,
	1 + g % 5 FROM generate_series(1, 130000) g;
ANALYZE;`)
	return url
}

// TestBoundedLoad checks the scan reads a small share of a larger database
// with few statements, and still finds its undeclared references.
func TestBoundedLoad(t *testing.T) {
	url := bigShop(t)
	res, _ := scanURL(t, url, Options{})
	st := res.Stats
	share := float64(st.Rows) / float64(st.DatabaseRows)
	t.Logf("read %d of %d rows (%.1f%%) with %d queries", st.Rows, st.DatabaseRows, 100*share, st.Queries)
	if st.DatabaseRows < 200000 {
		t.Fatalf("database rows %d: the estimate should see about 230,000", st.DatabaseRows)
	}
	if share > 0.05 {
		t.Errorf("read %.1f%% of the rows, want at most 5%%", 100*share)
	}
	if st.Queries > 4*st.Tables+10 {
		t.Errorf("%d queries for %d tables, want at most %d", st.Queries, st.Tables, 4*st.Tables+10)
	}
	want := map[string]bool{
		"public.orders(customer_id)->public.customers(id)":    false,
		"public.order_items(order_id)->public.orders(id)":     false,
		"public.order_items(product_id)->public.products(id)": false,
	}
	for _, r := range res.Relationships {
		k := fkString(r.From.Table, strings.Join(r.From.Columns, ","), r.To.Table, strings.Join(r.To.Columns, ","))
		if _, ok := want[k]; ok && r.Kind == "fk" && r.Level == LevelHigh {
			want[k] = true
			continue
		}
		if r.Level != LevelLow {
			t.Errorf("unexpected link %s (%s %s: %s)", k, r.Kind, r.Level, strings.Join(r.Evidence, "; "))
		}
	}
	for k, ok := range want {
		if !ok {
			t.Errorf("link %s not found with high confidence", k)
		}
	}
}

// TestQueryBudget: with a tiny MaxQueries the scan stops early, says so,
// and never runs more statements than allowed.
func TestQueryBudget(t *testing.T) {
	url := bigShop(t)
	snap := snapshotOf(t, url)
	res, err := Run(context.Background(), snap, Options{MaxQueries: 3})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stats.Queries > 3 {
		t.Errorf("%d queries run, budget 3", res.Stats.Queries)
	}
	if len(res.Warnings) == 0 || !strings.Contains(strings.Join(res.Warnings, " "), "budget") {
		t.Errorf("no budget warning: %v", res.Warnings)
	}
}
