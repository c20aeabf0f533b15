package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/internal/textutil"
	"github.com/spf13/cobra"
)

type cloneOptions struct {
	source, target, configFile string
	replace, jsonOut, noVerify bool
	random                     bool
	secretFile                 string
	jobs                       int
	strict                     bool
}

func init() { commands = append(commands, newCloneCommand) }

func newCloneCommand(e *env) *cobra.Command {
	o := &cloneOptions{}
	c := &cobra.Command{
		Use:   "clone --source URL --target URL [-c dbtwin.yaml]",
		Short: "Copy schema and data (masked, subset as configured) into a target database",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var strict *bool
			if cmd.Flags().Changed("strict") {
				strict = &o.strict
			}
			return runClone(e, o, strict)
		},
	}
	f := c.Flags()
	f.StringVar(&o.source, "source", "", "source database URL (or DBTWIN_SOURCE)")
	f.StringVar(&o.target, "target", "", "target database URL (or DBTWIN_TARGET)")
	f.StringVarP(&o.configFile, "config", "c", "", "dbtwin.yaml with mask, keep, relations and subset rules")
	f.BoolVar(&o.replace, "replace", false, "drop everything in a target that already has tables")
	f.IntVar(&o.jobs, "jobs", runtime.NumCPU(), "tables (and parts of large tables) copied in parallel; default: the number of CPUs")
	f.BoolVar(&o.jsonOut, "json", false, "print a machine-readable summary (versioned JSON)")
	f.BoolVar(&o.noVerify, "no-verify", false, "skip the leak scan after a masked clone")
	f.BoolVar(&o.random, "random", false, "mask with a random key (output differs on every run) instead of DBTWIN_SECRET")
	f.StringVar(&o.secretFile, "secret-file", "", "file holding the masking key (instead of DBTWIN_SECRET)")
	f.BoolVar(&o.strict, "strict", true, "refuse to copy columns whose names say they hold personal data unless masked or kept")
	return c
}

func runClone(e *env, o *cloneOptions, strict *bool) error {
	src, dst := fromEnv(o.source, "DBTWIN_SOURCE"), fromEnv(o.target, "DBTWIN_TARGET")
	if err := required(src, "--source", "DBTWIN_SOURCE"); err != nil {
		return err
	}
	if err := required(dst, "--target", "DBTWIN_TARGET"); err != nil {
		return err
	}
	if o.jobs < 1 || o.jobs > 64 {
		return fmt.Errorf("%w: --jobs must be between 1 and 64", dbtwin.ErrUsage)
	}
	var cfg *config.Config
	if o.configFile != "" {
		var err error
		if cfg, err = config.LoadContext(e.ctx, o.configFile); err != nil {
			return err
		}
	}
	secret, err := loadSecret(o.secretFile)
	if err != nil {
		return err
	}
	leakMemory, err := leakMemoryFromEnv()
	if err != nil {
		return err
	}
	prog := newProgress(e.stderr, !o.jsonOut)
	opt := clone.Options{LeakScanMemory: leakMemory,
		Source: src, Target: dst, Config: cfg, Replace: o.replace, Jobs: o.jobs,
		Secret: secret, Random: o.random, Strict: strict, Progress: prog, NoLeakScan: o.noVerify,
		Log: func(format string, args ...any) { prog.Note(fmt.Sprintf(format, args...)) },
	}
	res, err := clone.Run(e.ctx, opt)
	prog.Close()
	// --json always prints its summary (ok: false and the error on failure);
	// the text summary needs tables to show.
	if res != nil && (o.jsonOut || len(res.Tables) > 0) {
		if o.jsonOut {
			if jerr := writeCloneJSON(e.stdout, res, err); jerr != nil {
				return jerr
			}
		} else {
			writeCloneText(e.stdout, res)
		}
	}
	if res != nil && res.LeakReport != nil && !o.jsonOut && (!res.LeakReport.OK() || err == nil) {
		if !res.LeakReport.OK() {
			if werr := res.LeakReport.WriteText(e.stdout); werr != nil {
				return werr
			}
		} else {
			r := res.LeakReport
			fmt.Fprintf(e.stdout, "leak scan: no original value found in the twin (%s digests of %d source columns, %s twin cells scanned)\n",
				count(int64(r.Digests)), len(r.SourceColumns), count(r.CellsScanned))
			if werr := r.WriteNotes(e.stdout); werr != nil {
				return werr
			}
		}
	}
	if errors.Is(err, clone.ErrVerification) || errors.Is(err, clone.ErrLeak) {
		return Problem(err)
	}
	return err
}

func loadSecret(file string) ([]byte, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%w: read --secret-file: %v", dbtwin.ErrUsage, err)
		}
		return []byte(strings.TrimSpace(string(b))), nil
	}
	if s := os.Getenv("DBTWIN_SECRET"); s != "" {
		return []byte(s), nil
	}
	return nil, nil
}

func writeCloneText(w io.Writer, res *clone.Result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	width := len("table")
	for _, t := range res.Tables {
		width = max(width, len(t.Table))
	}
	// Names padded to one width read left-aligned; numbers align right.
	fmt.Fprintf(tw, "%-*s\trows read\ttwin rows\tsize\ttime\t\n", width, "table")
	var rows, srcRows, bytes int64
	for _, t := range res.Tables {
		fmt.Fprintf(tw, "%-*s\t%s\t%s\t%s\t%s\t", width, t.Table, count(t.SourceRows), count(t.Rows), size(t.Bytes), t.Duration.Round(time.Millisecond))
		extra := t.Reached
		if len(t.MaskedCols) > 0 {
			extra += "; masked: " + strings.Join(t.MaskedCols, ", ")
		}
		if extra != "full copy" && extra != "" {
			fmt.Fprintf(tw, " %s", extra)
		}
		fmt.Fprintln(tw)
		rows += t.Rows
		srcRows += t.SourceRows
		bytes += t.Bytes
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d tables, %s rows, %s in %s", len(res.Tables), count(rows), size(bytes), res.Duration.Round(time.Millisecond))
	if secs := res.Duration.Seconds(); secs > 0 {
		fmt.Fprintf(w, " (%s rows/s)", count(int64(float64(rows)/secs)))
	}
	fmt.Fprintln(w)
	if len(res.Phases) > 0 {
		var parts []string
		for _, ph := range res.Phases {
			parts = append(parts, fmt.Sprintf("%s %s", ph.Name, ph.Duration.Round(time.Millisecond)))
		}
		fmt.Fprintf(w, "phases: %s\n", strings.Join(parts, " · "))
	}
	writeFidelityText(w, res.Fidelity)
	for _, warn := range res.Warnings {
		fmt.Fprintf(w, "warning: %s\n", warn)
	}
	if len(res.SourceViolations) > 0 {
		fmt.Fprintf(w, "production's own violations, copied as they are (not a failure):\n  %s\n", strings.Join(res.SourceViolations, "\n  "))
	}
	if res.Verified && len(res.SourceViolations) > 0 {
		fmt.Fprintln(w, "verified: row counts match; constraints and references hold as in the source (no violation added)")
	} else if res.Verified {
		fmt.Fprintln(w, "verified: row counts match, all constraints valid, no dangling references")
	} else {
		fmt.Fprintf(w, "VERIFICATION FAILED:\n  %s\n", strings.Join(res.Verification, "\n  "))
	}
}

// CloneJSON is the versioned JSON summary of a clone (--json).
type CloneJSON = clone.Summary

func writeCloneJSON(w io.Writer, res *clone.Result, runErr error) error {
	out, err := res.Summary(runErr)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// count formats n with thousands separators.
func count(n int64) string { return textutil.Thousands(n) }

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// leakMemoryFromEnv reads DBTWIN_LEAK_MEMORY, the leak scan's memory budget
// ("64MB", "512KB", "1GB" or bytes; unset = the default).
func leakMemoryFromEnv() (int64, error) {
	v := strings.TrimSpace(os.Getenv("DBTWIN_LEAK_MEMORY"))
	if v == "" {
		return 0, nil
	}
	mult := int64(1)
	up := strings.ToUpper(v)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(up, u.suffix) {
			mult, up = u.n, strings.TrimSpace(strings.TrimSuffix(up, u.suffix))
			break
		}
	}
	n, err := strconv.ParseInt(up, 10, 64)
	if err != nil || n <= 0 || n*mult < 64<<10 {
		return 0, fmt.Errorf("%w: DBTWIN_LEAK_MEMORY=%q: give the leak scan's memory budget as a size of at least 64KB, such as 64MB", dbtwin.ErrUsage, v)
	}
	return n * mult, nil
}
