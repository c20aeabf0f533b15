// Command clone benchmarks `dbtwin clone` on the shared incident-shaped
// PostgreSQL database (benchdb.Incident: 1M users, 5.8M rows, about 1.3 GB)
// against the fastest unmasked pg_dump configuration, in one run:
//
//   - pg_dump -Fd -jN -Z0 + pg_restore -jN (the baseline every ratio refers to);
//   - raw COPY TO | COPY FROM pipes, N tables at a time (data only, into the
//     pre-data schema: the floor for moving the rows);
//   - dbtwin clone unmasked (--strict=false, no config);
//   - dbtwin clone -c with the config `dbtwin init` writes, leak scan on (the
//     README path: scan → init → clone);
//
// and each one's peak RSS (rusage of the child; for pg_dump/pg_restore the
// larger of the two). For dbtwin runs it also prints the process's CPU time,
// the cores that makes on average, and the host's load average: the masked
// clone is CPU-bound, so on a machine whose load exceeds its cores it waits
// for a CPU (kernel run queue) and its wall time says more about the
// neighbours than about dbtwin. Hold the benchmark lock while it runs:
//
//	flock /tmp/dbtwin-bench.lock go run ./bench/clone -jobs 2
//	go run ./bench/clone -users 20000   # a small incident database, quick check
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbtwin/dbtwin/bench/internal/benchdb"
)

func main() {
	users := flag.Int("users", benchdb.IncidentUsers, "users of the incident database (other tables scale with it)")
	jobs := flag.Int("jobs", runtime.NumCPU(), "parallel jobs for every tool")
	skip := flag.String("skip", "", "comma-separated runs to skip: pgdump,raw,unmasked,masked,nomask-leak")
	flag.Parse()
	if err := run(context.Background(), *users, *jobs, *skip); err != nil {
		fmt.Fprintln(os.Stderr, "bench/clone:", err)
		os.Exit(1)
	}
}

type measure struct {
	label string
	d     time.Duration
	rss   int64
	// cpu is the dbtwin process's user+system CPU time (0 = not measured).
	cpu time.Duration
	// load is the host's 1-minute load average when the run ended.
	load   string
	phases map[string]int64
	note   string
}

func run(ctx context.Context, users, jobs int, skip string) error {
	admin := benchdb.AdminURL()
	fmt.Printf("incident database (%d users)…\n", users)
	srcURL, err := benchdb.IncidentScaled(ctx, admin, users)
	if err != nil {
		return err
	}
	var dbSize string
	var rows int64
	if c, err := pgx.Connect(ctx, srcURL); err == nil {
		_ = c.QueryRow(ctx, "SELECT pg_size_pretty(pg_database_size(current_database()))").Scan(&dbSize)
		c.Close(ctx)
	}
	for _, n := range benchdb.IncidentRows(users) {
		rows += n
	}
	fmt.Printf("source: %s, %d rows, %s on disk, %d jobs, %d CPUs\n\n", srcURL, rows, dbSize, jobs, runtime.NumCPU())
	bin, tmp, cleanup, err := benchdb.Workspace(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	skipped := func(name string) bool { return strings.Contains(","+skip+",", ","+name+",") }
	var ms []measure
	J := fmt.Sprint(jobs)

	if !skipped("pgdump") {
		dst, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_restore")
		if err != nil {
			return err
		}
		dump := filepath.Join(tmp, "dump.d")
		var rssDump, rssRestore int64
		d, err := benchdb.Time(func() error {
			if rssDump, err = benchdb.Run(ctx, nil, "pg_dump", "-Fd", "-j", J, "-Z0", "-f", dump, "-d", srcURL); err != nil {
				return err
			}
			rssRestore, err = benchdb.Run(ctx, nil, "pg_restore", "-j", J, "--no-owner", "-d", dst, dump)
			return err
		})
		benchdb.Drop(ctx, admin, "dbtwin_bench_restore")
		os.RemoveAll(dump)
		if err != nil {
			return err
		}
		ms = append(ms, measure{label: fmt.Sprintf("pg_dump -Fd -j%d -Z0 + pg_restore -j%d", jobs, jobs), d: d, rss: max(rssDump, rssRestore)})
	}

	if !skipped("raw") {
		d, err := rawCopy(ctx, admin, srcURL, jobs)
		if err != nil {
			return err
		}
		ms = append(ms, measure{label: fmt.Sprintf("raw COPY pipes, %d at a time (data only)", jobs), d: d})
	}

	clone := func(label string, args ...string) error {
		dst, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_twin")
		if err != nil {
			return err
		}
		defer benchdb.Drop(ctx, admin, "dbtwin_bench_twin")
		var m measure
		m.label = label
		var out []byte
		m.d, err = benchdb.Time(func() error {
			cmd := exec.CommandContext(ctx, bin, append([]string{"clone", "--source", srcURL, "--target", dst, "--jobs", J, "--json"}, args...)...)
			cmd.Env = append(os.Environ(), "DBTWIN_SECRET=bench-secret-0123456789abcdef")
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err = cmd.Output()
			if cmd.ProcessState != nil {
				m.rss = benchdb.MaxRSS(cmd.ProcessState)
				m.cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			if err != nil {
				m.note = fmt.Sprintf("FAILED: %v %s", err, lastLine(stderr.String()))
			}
			return nil
		})
		m.load = loadAverage()
		var summary struct {
			PhasesMS map[string]int64 `json:"phases_ms"`
		}
		if json.Unmarshal(out, &summary) == nil {
			m.phases = summary.PhasesMS
		}
		ms = append(ms, m)
		return err
	}
	if !skipped("unmasked") {
		if err := clone("dbtwin clone, unmasked", "--strict=false"); err != nil {
			return err
		}
	}
	if !skipped("masked") || !skipped("nomask-leak") {
		cfg := filepath.Join(tmp, "dbtwin.yaml")
		if out, err := exec.CommandContext(ctx, bin, "init", "--source", srcURL, "-o", cfg).CombinedOutput(); err != nil {
			return fmt.Errorf("dbtwin init: %w\n%s", err, out)
		}
		if !skipped("masked") {
			if err := clone("dbtwin clone -c init's config (leak scan on)", "-c", cfg); err != nil {
				return err
			}
		}
		if !skipped("nomask-leak") {
			if err := clone("the same, --no-verify (no leak scan)", "-c", cfg, "--no-verify"); err != nil {
				return err
			}
		}
	}

	var base time.Duration
	if len(ms) > 0 && strings.HasPrefix(ms[0].label, "pg_dump") {
		base = ms[0].d
	}
	fmt.Printf("%-48s %9s  %14s  %9s  %s\n", "run", "seconds", "pg_dump/run", "peak RSS", "dbtwin CPU (cores used) · host load")
	for _, m := range ms {
		ratio := "-"
		if base > 0 {
			ratio = fmt.Sprintf("%.2f", float64(base)/float64(m.d))
		}
		rss := "-"
		if m.rss > 0 {
			rss = fmt.Sprintf("%.0f MB", float64(m.rss)/1e6)
		}
		cpu := ""
		if m.cpu > 0 {
			// A run far below its core count with a host load above it was
			// waiting for a CPU, not for the pipeline or the server.
			cpu = fmt.Sprintf("%.1f s (%.2f of %d) · load %s", m.cpu.Seconds(), m.cpu.Seconds()/m.d.Seconds(), runtime.NumCPU(), m.load)
		}
		fmt.Printf("%-48s %9.1f  %14s  %9s  %s %s\n", m.label, m.d.Seconds(), ratio, rss, cpu, m.note)
	}
	fmt.Println()
	var unmasked, masked time.Duration
	for _, m := range ms {
		if len(m.phases) > 0 {
			fmt.Printf("%s phases: %s\n", m.label, phases(m.phases))
		}
		switch {
		case strings.HasPrefix(m.label, "dbtwin clone, unmasked"):
			unmasked = m.d
		case strings.HasPrefix(m.label, "dbtwin clone -c"):
			masked = m.d
		}
	}
	if unmasked > 0 && masked > 0 {
		fmt.Printf("\nmasked / unmasked dbtwin: %.2f (goal <= 1.3)\n", float64(masked)/float64(unmasked))
	}
	if base > 0 && masked > 0 {
		fmt.Printf("pg_dump+pg_restore / masked dbtwin: %.2f (goal >= 1.0)\n", float64(base)/float64(masked))
	}
	return nil
}

// loadAverage returns the host's 1-minute load average ("?" when unknown,
// e.g. off Linux).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

// rawCopy copies every table with COPY TO | COPY FROM pipes, jobs at a time,
// into a database holding the source's pre-data schema.
func rawCopy(ctx context.Context, admin, srcURL string, jobs int) (time.Duration, error) {
	dst, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_raw")
	if err != nil {
		return 0, err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_raw")
	out, err := exec.CommandContext(ctx, "pg_dump", "--schema-only", "--section=pre-data", "-d", srcURL).Output()
	if err != nil {
		return 0, fmt.Errorf("pg_dump pre-data for the raw COPY baseline: %w", err)
	}
	if err := benchdb.Exec(ctx, dst, stripMeta(string(out))); err != nil {
		return 0, fmt.Errorf("apply pre-data for the raw COPY baseline: %w", err)
	}
	tables := []string{"subscriptions", "orders", "users", "guest_purchases"}
	return benchdb.Time(func() error {
		sem := make(chan struct{}, jobs)
		var wg sync.WaitGroup
		errs := make(chan error, len(tables))
		for _, t := range tables {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				errs <- benchdb.RawCopy(ctx, srcURL, dst, "public."+t)
			}()
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
}

func phases(p map[string]int64) string {
	order := []string{"plan", "schema", "data", "post-data", "verify", "leak scan"}
	var parts []string
	for _, k := range order {
		if v, ok := p[k]; ok {
			parts = append(parts, fmt.Sprintf("%s %.1fs", k, float64(v)/1000))
		}
	}
	var rest []string
	for k := range p {
		if !contains(order, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		parts = append(parts, fmt.Sprintf("%s %.1fs", k, float64(p[k])/1000))
	}
	return strings.Join(parts, " · ")
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
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
