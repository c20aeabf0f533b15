// Command scan benchmarks `dbtwin scan` on the ~1 GB benchmark database:
// time, rows read (against the database's rows) and queries.
//
//	go run ./bench/scan -size-mb 1024
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"

	"github.com/dbtwin/dbtwin/bench/internal/benchdb"
)

func main() {
	sizeMB := flag.Int("size-mb", 1024, "approximate size of the generated database")
	flag.Parse()
	if err := run(context.Background(), *sizeMB); err != nil {
		fmt.Fprintln(os.Stderr, "bench/scan:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, sizeMB int) error {
	admin := benchdb.AdminURL()
	src, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_scan_src")
	if err != nil {
		return err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_scan_src")
	fmt.Printf("building a ~%d MB database…\n", sizeMB)
	rows, err := benchdb.BuildMixed(ctx, src, sizeMB)
	if err != nil {
		return err
	}
	bin, _, cleanup, err := benchdb.Workspace(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	var out []byte
	d, err := benchdb.Time(func() error {
		var err error
		out, err = exec.CommandContext(ctx, bin, "scan", "--source", src, "--format", "json").Output()
		return err
	})
	if err != nil {
		return fmt.Errorf("dbtwin scan: %w", err)
	}
	var res struct {
		PII           []json.RawMessage `json:"pii"`
		Relationships []json.RawMessage `json:"relationships"`
		Stats         struct {
			Rows    int64 `json:"rows"`
			Queries int64 `json:"queries"`
		} `json:"stats"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return fmt.Errorf("read scan JSON: %w", err)
	}
	fmt.Printf("database: %d rows\n", rows)
	fmt.Printf("dbtwin scan: %.1fs (goal < 60 s), %d rows read = %.2f%% of the rows (goal < 5%%), %d queries\n",
		d.Seconds(), res.Stats.Rows, 100*float64(res.Stats.Rows)/float64(rows), res.Stats.Queries)
	fmt.Printf("found: %d personal-data columns, %d relationships\n", len(res.PII), len(res.Relationships))
	return nil
}
