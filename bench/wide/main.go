// Command wide evaluates scan and init on a generated wide schema (~430
// tables: entities, lookup tables, many-to-many link tables, self-references,
// an accounts table full of personal data, a guest-like table sharing
// e-mails, empty tables; primary and unique keys declared, no foreign keys).
// It prints scan's recall and precision on the links that have data, then
// runs init → plan → clone -c and prints their times and exit codes.
//
//	go run ./bench/wide [-entities 70] [-rows 300] [-seed 0]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/dbtwin/dbtwin/bench/internal/benchdb"
	"github.com/dbtwin/dbtwin/internal/widegen"
	"github.com/dbtwin/dbtwin/scan"
)

func main() {
	o := widegen.Options{}
	flag.IntVar(&o.Entities, "entities", 70, "entity tables (70 gives ~430 tables)")
	flag.IntVar(&o.Rows, "rows", 300, "rows per entity table")
	flag.Int64Var(&o.Seed, "seed", 0, "seed of the generated data")
	verbose := flag.Bool("v", false, "list false and missed links")
	keep := flag.Bool("keep", false, "keep the generated source database (dbtwin_bench_wide_src) for profiling")
	flag.Parse()
	if err := run(context.Background(), o, *verbose, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench/wide:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o widegen.Options, verbose, keepSrc bool) error {
	admin := benchdb.AdminURL()
	src, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_wide_src")
	if err != nil {
		return err
	}
	if !keepSrc {
		defer benchdb.Drop(ctx, admin, "dbtwin_bench_wide_src")
	}
	dst, err := benchdb.Recreate(ctx, admin, "dbtwin_bench_wide_dst")
	if err != nil {
		return err
	}
	defer benchdb.Drop(ctx, admin, "dbtwin_bench_wide_dst")
	g := widegen.Generate(o)
	if err := benchdb.Exec(ctx, src, g.SQL); err != nil {
		return fmt.Errorf("load the generated schema: %w", err)
	}
	if err := benchdb.Exec(ctx, src, "ANALYZE"); err != nil {
		return err
	}
	data := 0
	for _, l := range g.Truth.Links {
		if l.Data {
			data++
		}
	}
	fmt.Printf("generated: %d tables, %d rows, %d true links (%d with data), %d personal columns\n",
		g.Truth.Tables, g.Truth.Rows, len(g.Truth.Links), data, len(g.Truth.PII))

	bin, dir, cleanup, err := benchdb.Workspace(ctx)
	if err != nil {
		return err
	}
	defer cleanup()
	env := append(os.Environ(), "DBTWIN_SECRET=bench-wide-secret-0123456789abcdef")
	cmd := func(args ...string) (string, time.Duration, int) {
		c := exec.CommandContext(ctx, bin, args...)
		c.Env = env
		start := time.Now()
		out, err := c.CombinedOutput()
		d := time.Since(start)
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			code = -1
		}
		return string(out), d, code
	}

	c := exec.CommandContext(ctx, bin, "scan", "--source", src, "--format", "json")
	start := time.Now()
	out, err := c.Output()
	scanTime := time.Since(start)
	if err != nil {
		return fmt.Errorf("dbtwin scan: %w", err)
	}
	var res scan.Result
	if err := json.Unmarshal(out, &res); err != nil {
		return fmt.Errorf("read scan JSON: %w", err)
	}
	s := widegen.Evaluate(&res, g.Truth)
	fmt.Printf("scan: %.1fs, %d queries, %d rows read\n", scanTime.Seconds(), res.Stats.Queries, res.Stats.Rows)
	fmt.Printf("links with data (active = high confidence): recall %.3f (%d/%d), precision %.3f (%d true, %d false); any level: %d/%d\n",
		s.Recall(), s.TruePositives, s.TruePositives+s.Missed, s.Precision(), s.TruePositives, s.FalsePositives, s.AnyLevel, s.TruePositives+s.Missed)
	fmt.Printf("active links from empty tables: %d (goal 0); key references written as kind: fk: %d/%d\n", s.ActiveOnEmpty, s.FKAsFK, s.FKFound)
	fmt.Printf("personal columns flagged: %d/%d %v\n", s.PIIFound, s.PIIFound+s.PIIMissed, s.MissedPII)
	if verbose {
		for _, f := range s.FalseLinks {
			fmt.Println("  false:", f)
		}
		for _, m := range s.MissedLinks {
			fmt.Println("  missed:", m)
		}
	}

	cfg := filepath.Join(dir, "dbtwin.yaml")
	outInit, dInit, code := cmd("init", "--source", src, "-o", cfg)
	fmt.Printf("init: %.1fs, exit %d\n", dInit.Seconds(), code)
	if code != 0 {
		return fmt.Errorf("init failed:\n%s", outInit)
	}
	body, _ := os.ReadFile(cfg)
	keep := strings.Count(string(body), "\n  - ") - strings.Count(string(body), "\n  - from:")
	fmt.Printf("config: %d keep entries, %d active relations (%d kind: fk)\n", keep,
		strings.Count(string(body), "\n  - from:"), strings.Count(string(body), "\n    kind: fk"))
	outPlan, dPlan, code := cmd("plan", "--source", src, "-c", cfg)
	fmt.Printf("plan -c (%d tables, %d keep entries): %.2fs, exit %d (goal < 1 s)\n", g.Truth.Tables, keep, dPlan.Seconds(), code)
	if code != 0 {
		return fmt.Errorf("plan failed:\n%s", outPlan)
	}
	// Subsets along the links init wrote: kind: fk (parents only) against
	// the same links as value links (every matching row, both ways).
	share := func(text string) (int64, int64, error) {
		path := filepath.Join(dir, "subset.yaml")
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			return 0, 0, err
		}
		out, _, code := cmd("plan", "--source", src, "-c", path, "--format", "json")
		if code != 0 {
			return 0, 0, fmt.Errorf("plan with a subset: exit %d\n%s", code, tail(out, 20))
		}
		var p struct {
			Selection []struct {
				Rows int64 `json:"rows"`
			} `json:"selection"`
			Tables []struct {
				SourceRows int64 `json:"source_rows"`
			} `json:"tables"`
		}
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			return 0, 0, fmt.Errorf("read plan JSON: %w", err)
		}
		var sel, all int64
		for _, t := range p.Selection {
			sel += t.Rows
		}
		for _, t := range p.Tables {
			all += t.SourceRows
		}
		return sel, all, nil
	}
	text := string(body)
	if i := strings.Index(text, "\n# subset:"); i >= 0 {
		block := strings.NewReplacer("\n#   ", "\n  ", "\n# subset:", "\nsubset:").Replace(text[i:])
		root := ""
		if j := strings.Index(block, "{table: "); j >= 0 {
			root = strings.SplitN(block[j+8:], ",", 2)[0]
		}
		withFK := text[:i] + block
		selFK, all, err := share(withFK)
		if err != nil {
			return err
		}
		selValue, _, err := share(strings.ReplaceAll(withFK, "\n    kind: fk", ""))
		if err != nil {
			return err
		}
		fmt.Printf("subset, 10%% of %s: %d of %d rows (%.1f%%) with init's kind: fk links; %d (%.1f%%) if the same links were value links\n",
			root, selFK, all, 100*float64(selFK)/float64(all), selValue, 100*float64(selValue)/float64(all))
	}
	outClone, dClone, code := cmd("clone", "--source", src, "--target", dst, "-c", cfg, "--replace")
	fmt.Printf("clone -c with init's config: %.1fs, exit %d (goal 0)\n", dClone.Seconds(), code)
	if code != 0 {
		return fmt.Errorf("clone failed:\n%s", tail(outClone, 40))
	}
	return nil
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
