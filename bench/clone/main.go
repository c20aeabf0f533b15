// Command clone benchmarks a full `dbtwin clone` of a PostgreSQL database
// against pg_dump -Fc | pg_restore -j N and a raw COPY TO | COPY FROM pipe per
// table, in one run, and reports dbtwin's peak memory.
//
//	go run ./bench/clone -size-mb 1024 -jobs 2
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbtwin/dbtwin/bench/internal/benchdb"
)

func main() {
	sizeMB := flag.Int("size-mb", 1024, "approximate size of the generated database")
	jobs := flag.Int("jobs", 2, "parallel jobs for dbtwin, pg_restore and the raw COPY pipes")
	keep := flag.Bool("keep", false, "keep the source database for another run (with -reuse)")
	reuse := flag.Bool("reuse", false, "reuse a source database kept by -keep instead of building it")
	flag.Parse()
	if err := run(context.Background(), *sizeMB, *jobs, *keep, *reuse); err != nil {
		fmt.Fprintln(os.Stderr, "bench/clone:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, sizeMB, jobs int, keep, reuse bool) error {
	admin := benchdb.AdminURL()
	srcURL := benchdb.WithDB(admin, "dbtwin_bench_src")
	var rows int64
	if reuse {
		if c, err := pgx.Connect(ctx, srcURL); err == nil {
			err = c.QueryRow(ctx, "SELECT (SELECT count(*) FROM customers)+(SELECT count(*) FROM orders)+(SELECT count(*) FROM order_lines)+(SELECT count(*) FROM events)").Scan(&rows)
			c.Close(ctx)
			if err != nil {
				rows = 0
			}
		}
	}
	if rows == 0 {
		var err error
		if srcURL, err = benchdb.Recreate(ctx, admin, "dbtwin_bench_src"); err != nil {
			return fmt.Errorf("create source database: %w", err)
		}
		fmt.Printf("building a ~%d MB source database…\n", sizeMB)
		if rows, err = benchdb.BuildMixed(ctx, srcURL, sizeMB); err != nil {
			return err
		}
	}
	if !keep {
		defer benchdb.Drop(ctx, admin, "dbtwin_bench_src")
	}
	var dbSize string
	if c, err := pgx.Connect(ctx, srcURL); err == nil {
		_ = c.QueryRow(ctx, "SELECT pg_size_pretty(pg_database_size(current_database()))").Scan(&dbSize)
		c.Close(ctx)
	}
	fmt.Printf("source: %d rows, %s on disk, %d jobs\n\n", rows, dbSize, jobs)
	bin, tmp, cleanup, err := benchdb.Workspace(ctx)
	if err != nil {
		return err
	}
	defer cleanup()

	// dbtwin clone
	dstURL, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_dbtwin")
	if err != nil {
		return err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_dbtwin")
	var peak int64
	var summary struct {
		PhasesMS map[string]int64 `json:"phases_ms"`
	}
	dDbtwin, err := benchdb.Time(func() error {
		cmd := exec.CommandContext(ctx, bin, "clone", "--source", srcURL, "--target", dstURL,
			"--jobs", fmt.Sprint(jobs), "--strict=false", "--json")
		out, err := cmd.Output()
		if cmd.ProcessState != nil {
			peak = benchdb.MaxRSS(cmd.ProcessState)
		}
		if err != nil {
			return fmt.Errorf("dbtwin clone: %w", err)
		}
		return json.Unmarshal(out, &summary)
	})
	if err != nil {
		return err
	}

	// pg_dump -Fc | pg_restore -j N (a directory dump is needed for a parallel restore of a pipe? no:
	// pg_restore -j needs a seekable archive, so dump to a file, as people do).
	restoreURL, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_restore")
	if err != nil {
		return err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_restore")
	dump := tmp + "/dump.fc"
	dDump, err := benchdb.Time(func() error {
		if _, err := benchdb.Run(ctx, nil, "pg_dump", "-Fc", "-Z0", "-f", dump, "-d", srcURL); err != nil {
			return err
		}
		_, err := benchdb.Run(ctx, nil, "pg_restore", "-j", fmt.Sprint(jobs), "--no-owner", "-d", restoreURL, dump)
		return err
	})
	if err != nil {
		return err
	}

	// Raw COPY pipes, table by table, N at a time, into a schema-only copy.
	rawURL, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_raw")
	if err != nil {
		return err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_raw")
	out, err := exec.CommandContext(ctx, "pg_dump", "--schema-only", "--section=pre-data", "-d", srcURL).Output()
	if err != nil {
		return fmt.Errorf("pg_dump pre-data for the raw COPY baseline: %w", err)
	}
	if err := benchdb.Exec(ctx, rawURL, stripMeta(string(out))); err != nil {
		return fmt.Errorf("apply pre-data for the raw COPY baseline: %w", err)
	}
	dRaw, err := benchdb.Time(func() error {
		tables := []string{"events", "order_lines", "orders", "customers"}
		sem := make(chan struct{}, jobs)
		var wg sync.WaitGroup
		errs := make(chan error, len(tables))
		for _, t := range tables {
			wg.Add(1)
			sem <- struct{}{}
			go func(t string) {
				defer wg.Done()
				defer func() { <-sem }()
				errs <- benchdb.RawCopy(ctx, srcURL, rawURL, "public."+t)
			}(t)
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			if e != nil {
				return e
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	fmt.Printf("%-34s %9s  %16s\n", "", "time", "throughput")
	benchdb.Report(os.Stdout, "dbtwin clone (schema+data+verify)", dDbtwin, rows, 0)
	benchdb.Report(os.Stdout, "pg_dump -Fc | pg_restore -j", dDump, rows, dDbtwin)
	benchdb.Report(os.Stdout, "raw COPY pipe (data only)", dRaw, rows, dDbtwin)
	fmt.Printf("\nratio pg_dump|pg_restore / dbtwin: %.2f (goal >= 1.0)\n", float64(dDump)/float64(dDbtwin))
	dData := time.Duration(summary.PhasesMS["data"]) * time.Millisecond
	fmt.Printf("ratio dbtwin / raw COPY, whole clone: %.2f (dbtwin also builds indexes and constraints and verifies)\n", float64(dDbtwin)/float64(dRaw))
	fmt.Printf("ratio dbtwin / raw COPY, data phase:  %.2f (goal <= 1.3)\n", float64(dData)/float64(dRaw))
	fmt.Printf("dbtwin phases (ms): %v\n", summary.PhasesMS)
	fmt.Printf("dbtwin peak memory (max RSS):      %.1f MB (goal < 200 MB)\n", float64(peak)/1e6)
	return nil
}

func stripMeta(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "\\") {
			continue
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}
