// Command leak benchmarks the leak scan along the README's path on the
// shared incident-shaped PostgreSQL database (benchdb.Incident: 1M users with
// unique lower(email), 11-digit national IDs, Brazilian mobiles, a jsonb
// profile; 500k guest_purchases sharing national IDs; 2M orders; 2.3M
// subscriptions): `dbtwin scan`, `dbtwin init -o dbtwin.yaml`, then
// `dbtwin clone -c dbtwin.yaml` in full and as a 10% subset, each clone run
// twice in the same process of this benchmark: with the leak scan (the
// default) and with --no-verify (the baseline its share is measured
// against). It prints each run's exit status, time, phases, peak RSS, and
// the leak scan's coincidences observed against expected.
//
//	flock /tmp/dbtwin-bench.lock go run ./bench/leak
//	go run ./bench/leak -users 20000    # a small incident database, quick check
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/dbtwin/dbtwin/bench/internal/benchdb"
)

func main() {
	users := flag.Int("users", benchdb.IncidentUsers, "users of the incident database (other tables scale with it)")
	jobs := flag.Int("jobs", runtime.NumCPU(), "--jobs of every clone")
	budget := flag.String("memory", "", "leak scan memory budget passed as DBTWIN_LEAK_MEMORY (e.g. 16MB); empty = default")
	flag.Parse()
	if err := run(context.Background(), *users, *jobs, *budget); err != nil {
		fmt.Fprintln(os.Stderr, "bench/leak:", err)
		os.Exit(1)
	}
}

// cloneOut is the part of `dbtwin clone --json` this benchmark reads.
type cloneOut struct {
	OK       bool             `json:"ok"`
	Error    string           `json:"error"`
	PhasesMS map[string]int64 `json:"phases_ms"`
	LeakScan *struct {
		OK           bool `json:"ok"`
		Leaks        int  `json:"leaks"`
		Coincidences []struct {
			Table, Column string
			Observed      int64   `json:"observed"`
			Expected      float64 `json:"expected"`
			Limit         int64   `json:"limit"`
			Values        int64   `json:"values"`
		} `json:"coincidences"`
		Stats struct {
			CellsScanned int64 `json:"cells_scanned"`
			Digests      int64 `json:"digests"`
			TwinDigests  int64 `json:"twin_digests"`
			FilterPassed int64 `json:"filter_passed"`
			SpilledBytes int64 `json:"spilled_bytes"`
		} `json:"stats"`
	} `json:"leak_scan"`
}

type result struct {
	exit int
	d    time.Duration
	rss  int64
	out  cloneOut
}

func run(ctx context.Context, users, jobs int, budget string) error {
	admin := benchdb.AdminURL()
	fmt.Printf("incident database (%d users)…\n", users)
	src, err := benchdb.IncidentScaled(ctx, admin, users)
	if err != nil {
		return err
	}
	bin, dir, cleanup, err := benchdb.Workspace(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	env := []string{"DBTWIN_SECRET=bench-leak-secret-0123456789abcdef"}
	if budget != "" {
		env = append(env, "DBTWIN_LEAK_MEMORY="+budget)
	}
	cfg := filepath.Join(dir, "dbtwin.yaml")
	d, _, err := runCmd(ctx, env, bin, "scan", "--source", src, "--format", "json")
	if err != nil {
		return err
	}
	fmt.Printf("scan  %6.1fs\n", d.Seconds())
	d, _, err = runCmd(ctx, env, bin, "init", "--source", src, "-o", cfg)
	if err != nil {
		return err
	}
	fmt.Printf("init  %6.1fs\n", d.Seconds())
	text, err := os.ReadFile(cfg)
	if err != nil {
		return err
	}
	subsetCfg := filepath.Join(dir, "dbtwin-subset.yaml")
	subset := string(text) + "\nsubset:\n  roots:\n    - {table: public.users, percent: 10}\n"
	if err := os.WriteFile(subsetCfg, []byte(subset), 0o644); err != nil {
		return err
	}
	target, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_leak_twin")
	if err != nil {
		return err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_leak_twin")
	fmt.Printf("\n%-16s %-12s %5s %9s %9s %9s %9s  %s\n", "clone", "leak scan", "exit", "time", "data", "join", "peak RSS", "coincidences observed / expected")
	for _, v := range []struct{ name, cfg string }{{"full", cfg}, {"10% subset", subsetCfg}} {
		var with, without result
		for _, leak := range []bool{false, true} {
			args := []string{"clone", "--source", src, "--target", target, "-c", v.cfg, "--replace", "--json", "--jobs", fmt.Sprint(jobs)}
			if !leak {
				args = append(args, "--no-verify")
			}
			r, err := runClone(ctx, env, bin, args...)
			if err != nil {
				return err
			}
			label := "off"
			if leak {
				label, with = "on", r
			} else {
				without = r
			}
			co := ""
			if ls := r.out.LeakScan; ls != nil {
				var obs int64
				var exp float64
				var parts []string
				for _, c := range ls.Coincidences {
					obs += c.Observed
					exp += c.Expected
					parts = append(parts, fmt.Sprintf("%s.%s %d/%.1f", c.Table, c.Column, c.Observed, c.Expected))
				}
				co = fmt.Sprintf("%d / %.1f (%s); leaks %d; %d cells, %d twin digests, %d MB spilled",
					obs, exp, strings.Join(parts, ", "), ls.Leaks, ls.Stats.CellsScanned, ls.Stats.TwinDigests, ls.Stats.SpilledBytes>>20)
			}
			fmt.Printf("%-16s %-12s %5d %8.1fs %8.1fs %8.1fs %8dMB  %s\n", v.name, label, r.exit, r.d.Seconds(),
				float64(r.out.PhasesMS["data"])/1000, float64(r.out.PhasesMS["leak scan"])/1000, r.rss>>20, co)
			if r.out.Error != "" {
				fmt.Printf("  error: %s\n", r.out.Error)
			}
		}
		share := 100 * (with.d.Seconds() - without.d.Seconds()) / with.d.Seconds()
		fmt.Printf("%-16s leak scan share of the clone's time: %.1f%% (%.1fs with, %.1fs without; join %.1fs)\n\n", v.name, share,
			with.d.Seconds(), without.d.Seconds(), float64(with.out.PhasesMS["leak scan"])/1000)
	}
	return nil
}

func runCmd(ctx context.Context, env []string, bin string, args ...string) (time.Duration, []byte, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	if err != nil {
		return 0, nil, fmt.Errorf("dbtwin %s: %w\n%s", args[0], err, errOut.String())
	}
	return time.Since(start), out.Bytes(), nil
}

// runClone runs one clone; exit status 1 (a leak or a failed verification)
// is a result, not an error.
func runClone(ctx context.Context, env []string, bin string, args ...string) (result, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	r := result{d: time.Since(start)}
	if cmd.ProcessState != nil {
		r.rss = benchdb.MaxRSS(cmd.ProcessState)
		r.exit = cmd.ProcessState.ExitCode()
	}
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && r.exit == 1) {
		return r, fmt.Errorf("dbtwin %s: %w\n%s", strings.Join(args[:1], " "), err, errOut.String())
	}
	if jerr := json.Unmarshal(out.Bytes(), &r.out); jerr != nil {
		return r, fmt.Errorf("clone --json output: %w\n%s", jerr, errOut.String())
	}
	return r, nil
}
