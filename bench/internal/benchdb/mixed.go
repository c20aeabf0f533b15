package benchdb

import (
	"context"
	"fmt"
)

// The column mix: text, numeric, timestamps, jsonb, with indexes and FKs.
const schema = `
CREATE TABLE customers (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL,
  created_at timestamptz NOT NULL, country char(2) NOT NULL, profile jsonb);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id),
  total numeric(12,2) NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL, note text);
CREATE INDEX orders_customer ON orders(customer_id);
CREATE TABLE order_lines (order_id bigint NOT NULL REFERENCES orders(id), line int NOT NULL,
  sku text NOT NULL, qty int NOT NULL, price numeric(10,2) NOT NULL, PRIMARY KEY (order_id, line));
CREATE TABLE events (id bigserial PRIMARY KEY, customer_id bigint REFERENCES customers(id),
  kind text NOT NULL, at timestamptz NOT NULL, payload jsonb NOT NULL);
`

// BuildMixed fills a database with about sizeMB of a realistic column mix
// (text, numeric, timestamps, jsonb; PKs, FKs, indexes) and returns the rows.
func BuildMixed(ctx context.Context, dbURL string, sizeMB int) (int64, error) {
	// About 1 KB of data (on disk, with indexes) for every 6.8 rows in this mix: scale rows to size.
	unit := int64(sizeMB) * 1024 * 15 / 2
	customers, orders, events := unit/20, unit/5, unit/4
	stmts := []string{schema,
		fmt.Sprintf(`INSERT INTO customers SELECT g, 'user'||g||'@example.org', 'Name '||md5(g::text),
		  timestamptz '2020-01-01' + g * interval '7 seconds', (ARRAY['NL','DE','FR','US'])[1+g%%4],
		  jsonb_build_object('phone', '+31 6 '||(10000000+g), 'tags', jsonb_build_array('a','b'), 'score', g%%100)
		  FROM generate_series(1::bigint,%d) g`, customers),
		fmt.Sprintf(`INSERT INTO orders SELECT g, 1+(g*7919)%%%d, (g%%10000)/100.0, (ARRAY['paid','shipped','refunded'])[1+g%%3],
		  timestamptz '2021-01-01' + g * interval '3 seconds', CASE WHEN g%%5=0 THEN repeat('note ', (1+g%%20)::int) END
		  FROM generate_series(1::bigint,%d) g`, customers, orders),
		fmt.Sprintf(`INSERT INTO order_lines SELECT o, l, 'SKU-'||(o*l)%%99991, 1+l, (o%%500)/10.0+l
		  FROM generate_series(1::bigint,%d) o, generate_series(1,2) l`, orders),
		fmt.Sprintf(`INSERT INTO events (customer_id, kind, at, payload) SELECT 1+(g*31)%%%d, (ARRAY['login','view','cart'])[1+g%%3],
		  timestamptz '2022-01-01' + g * interval '1 second', jsonb_build_object('ip','10.0.'||(g%%255)||'.'||(g%%250), 'ua', md5(g::text))
		  FROM generate_series(1::bigint,%d) g`, customers, events),
		`ANALYZE`,
	}
	for _, s := range stmts {
		if err := Exec(ctx, dbURL, s); err != nil {
			return 0, fmt.Errorf("build benchmark data: %w", err)
		}
	}
	return customers + orders + 2*orders + events, nil
}
