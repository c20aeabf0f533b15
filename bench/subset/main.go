// Command subset benchmarks a 1% subset of a database of at least 5 million
// rows: time, rows and peak memory, against reading every row once (COPY TO,
// discarded) in the same run.
//
//	go run ./bench/subset -customers 500000
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/jackc/pgx/v5"

	"github.com/dbtwin/dbtwin/bench/internal/benchdb"
)

func main() {
	customers := flag.Int("customers", 500000, "customers (orders = 5x, lines = 4x, events = 2x of them)")
	flag.Parse()
	if err := run(context.Background(), *customers); err != nil {
		fmt.Fprintln(os.Stderr, "bench/subset:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, customers int) error {
	admin := benchdb.AdminURL()
	src, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_subset_src")
	if err != nil {
		return err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_subset_src")
	c := customers
	fmt.Printf("building %d customers, %d orders, %d order lines, %d events…\n", c, 5*c, 4*c, 2*c)
	if err := benchdb.Exec(ctx, src, fmt.Sprintf(`
		CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, country char(2) NOT NULL, referred_by bigint REFERENCES customers(id));
		CREATE TABLE products (id int PRIMARY KEY, title text NOT NULL);
		CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers(id), total numeric(10,2), at timestamptz);
		CREATE TABLE order_lines (order_id bigint NOT NULL REFERENCES orders(id), line int, product_id int NOT NULL REFERENCES products(id), PRIMARY KEY (order_id, line));
		CREATE TABLE events (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers(id), kind text, at timestamptz);
		INSERT INTO customers SELECT g, 'customer '||g, (ARRAY['NL','DE'])[1+g%%2], CASE WHEN g > 10 AND g%%7=0 THEN g/7 END FROM generate_series(1,%[1]d) g;
		INSERT INTO products SELECT g, 'product '||g FROM generate_series(1,5000) g;
		INSERT INTO orders SELECT g, 1+(g*7919)%%%[1]d, (g%%10000)/100.0, timestamptz '2022-01-01' + g*interval '5 seconds' FROM generate_series(1::bigint,5*%[1]d) g;
		CREATE INDEX ON orders(customer_id);
		INSERT INTO order_lines SELECT 1+(g/2), g%%2, 1+g%%5000 FROM generate_series(0::bigint,4*%[1]d-1) g;
		INSERT INTO events SELECT g, 1+(g*31)%%%[1]d, 'view', timestamptz '2023-01-01' + g*interval '1 second' FROM generate_series(1::bigint,2*%[1]d) g;
		CREATE INDEX ON events(customer_id);
		ANALYZE;`, c)); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	total := int64(c + 5000 + 5*c + 4*c + 2*c)

	// Baseline: read every row once.
	dRead, err := benchdb.Time(func() error {
		conn, err := pgx.Connect(ctx, src)
		if err != nil {
			return err
		}
		defer conn.Close(ctx)
		for _, t := range []string{"customers", "products", "orders", "order_lines", "events"} {
			if _, err := conn.PgConn().CopyTo(ctx, io.Discard, "COPY "+t+" TO STDOUT"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	bin, tmp, cleanup, err := benchdb.Workspace(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	cfg := filepath.Join(tmp, "dbtwin.yaml")
	if err := os.WriteFile(cfg, []byte("version: 1\nsubset:\n  roots:\n    - {table: customers, percent: 1}\n  children: {max_per_parent: 100}\n"), 0o644); err != nil {
		return err
	}
	dst, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_subset_dst")
	if err != nil {
		return err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_subset_dst")
	var peak int64
	var out []byte
	dSubset, err := benchdb.Time(func() error {
		cmd := exec.CommandContext(ctx, bin, "clone", "--source", src, "--target", dst, "-c", cfg, "--strict=false", "--json", "--jobs", "2")
		var err error
		out, err = cmd.Output()
		if cmd.ProcessState != nil {
			peak = benchdb.MaxRSS(cmd.ProcessState)
		}
		if err != nil {
			return fmt.Errorf("dbtwin clone: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var sum struct {
		Totals   map[string]int64 `json:"totals"`
		PhasesMS map[string]int64 `json:"phases_ms"`
	}
	if err := json.Unmarshal(out, &sum); err != nil {
		return fmt.Errorf("read clone summary: %w", err)
	}
	selected := sum.Totals["rows"]
	// The footprint of dbtwin itself: a clone of an empty selection.
	base, err := baseRSS(ctx, bin, admin)
	if err != nil {
		return err
	}
	fmt.Printf("\nsource: %d rows; twin: %d rows (%.2f%%)\n", total, selected, 100*float64(selected)/float64(total))
	benchdb.Report(os.Stdout, "read every row once (COPY TO)", dRead, total, 0)
	benchdb.Report(os.Stdout, "dbtwin 1% subset clone", dSubset, total, 0)
	fmt.Printf("\ntime ratio subset / read-once: %.2f (goal <= 2.0)\n", float64(dSubset)/float64(dRead))
	fmt.Printf("dbtwin phases (ms; plan = the subset traversal): %v\n", sum.PhasesMS)
	keys, keyBytes := sum.Totals["subset_keys"], sum.Totals["subset_key_bytes"]
	fmt.Printf("key sets: %d keys in %d bytes = %.1f bytes per selected key (goal < 100)\n",
		keys, keyBytes, float64(keyBytes)/float64(max(keys, 1)))
	fmt.Printf("peak memory: %.1f MB; %.1f MB above a trivial clone (%.0f bytes per selected row, buffers included)\n",
		float64(peak)/1e6, float64(max(peak-base, 0))/1e6, float64(max(peak-base, 0))/float64(max(selected, 1)))
	return nil
}

// baseRSS is the peak memory of dbtwin cloning a one-row table: its own
// footprint, subtracted to see what the subset adds.
func baseRSS(ctx context.Context, bin, admin string) (int64, error) {
	src, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_subset_tiny")
	if err != nil {
		return 0, err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_subset_tiny")
	dst, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_subset_tiny2")
	if err != nil {
		return 0, err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_subset_tiny2")
	if err := benchdb.Exec(ctx, src, "CREATE TABLE t (id int primary key); INSERT INTO t VALUES (1)"); err != nil {
		return 0, err
	}
	return benchdb.Run(ctx, nil, bin, "clone", "--source", src, "--target", dst, "--strict=false")
}
