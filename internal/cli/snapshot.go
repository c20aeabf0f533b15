package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/check"
	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/snapshot"
	"github.com/spf13/cobra"
)

func init() { commands = append(commands, newSnapshotCommand) }

func newSnapshotCommand(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "snapshot create|restore|inspect",
		Short: "Make the twin once as a file; restore it anywhere without production access",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return fmt.Errorf("%w: give a subcommand: create, restore or inspect (see dbtwin snapshot --help)", dbtwin.ErrUsage)
		},
	}
	c.AddCommand(newSnapshotCreate(e), newSnapshotRestore(e), newSnapshotInspect(e))
	return c
}

func newSnapshotCreate(e *env) *cobra.Command {
	o := &cloneOptions{}
	var output, checksFile string
	c := &cobra.Command{
		Use:   "create --source URL [-c dbtwin.yaml] -o FILE|-",
		Short: "Clone into a snapshot file: one consistent read, subset, masking, leak scan",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var strict *bool
			if cmd.Flags().Changed("strict") {
				strict = &o.strict
			}
			return runSnapshotCreate(e, o, output, checksFile, strict)
		},
	}
	f := c.Flags()
	f.StringVar(&o.source, "source", "", "source database URL (or DBTWIN_SOURCE)")
	f.StringVarP(&output, "output", "o", "", "snapshot file to write; - writes it to standard output")
	f.StringVarP(&o.configFile, "config", "c", "", "dbtwin.yaml with mask, keep, relations and subset rules")
	f.StringVar(&checksFile, "checks", "", "checks.yaml whose fidelity checks (overlap, fanout, profile) get production's side recorded, for check --baseline SNAPSHOT")
	f.IntVar(&o.jobs, "jobs", 4, "tables read in parallel")
	f.BoolVar(&o.jsonOut, "json", false, "print a machine-readable summary (versioned JSON) to standard error")
	f.BoolVar(&o.noVerify, "no-verify", false, "skip the leak scan (recorded in the snapshot: inspect shows it)")
	f.BoolVar(&o.random, "random", false, "mask with a random key instead of DBTWIN_SECRET")
	f.StringVar(&o.secretFile, "secret-file", "", "file holding the masking key (instead of DBTWIN_SECRET)")
	f.BoolVar(&o.strict, "strict", true, "refuse to copy columns whose names say they hold personal data unless masked or kept")
	return c
}

func runSnapshotCreate(e *env, o *cloneOptions, output, checksFile string, strict *bool) error {
	src := fromEnv(o.source, "DBTWIN_SOURCE")
	if err := required(src, "--source", "DBTWIN_SOURCE"); err != nil {
		return err
	}
	if output == "" {
		return fmt.Errorf("%w: -o FILE is required (or -o - for standard output)", dbtwin.ErrUsage)
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
	var checks *check.File
	if checksFile != "" {
		var err error
		if checks, err = check.Load(checksFile); err != nil {
			return err
		}
	}
	secret, err := loadSecret(o.secretFile)
	if err != nil {
		return err
	}
	// With -o -, standard output carries the snapshot: reports go to stderr.
	report := e.stdout
	if output == "-" {
		report = e.stderr
	}
	prog := newProgress(e.stderr, !o.jsonOut)
	res, err := snapshot.Create(e.ctx, snapshot.CreateOptions{
		Clone: clone.Options{Source: src, Config: cfg, Jobs: o.jobs, Secret: secret, Random: o.random, Strict: strict, NoLeakScan: o.noVerify,
			Progress: prog, Log: func(format string, args ...any) { prog.Note(fmt.Sprintf(format, args...)) }},
		Output: output, Stdout: e.stdout, Checks: checks,
	})
	prog.Close()
	var cres *clone.Result
	if res != nil {
		cres = res.Clone
	}
	if cres != nil && (o.jsonOut || len(cres.Tables) > 0) {
		if o.jsonOut {
			if jerr := writeCloneJSON(report, cres, err); jerr != nil {
				return jerr
			}
		} else {
			writeCloneText(report, cres)
		}
	}
	if cres != nil && cres.LeakReport != nil && !o.jsonOut {
		if !cres.LeakReport.OK() {
			if werr := cres.LeakReport.WriteText(report); werr != nil {
				return werr
			}
		} else if err == nil {
			r := cres.LeakReport
			fmt.Fprintf(report, "leak scan: no original value found in the snapshot (%s digests of %d source columns, %s cells scanned)\n",
				count(int64(r.Digests)), len(r.SourceColumns), count(r.CellsScanned))
		}
	}
	if err == nil && !o.jsonOut {
		where := res.Path
		if where == "-" {
			where = "standard output"
		}
		fmt.Fprintf(report, "snapshot written to %s: %s\n", where, size(res.Size))
	}
	if errors.Is(err, clone.ErrLeak) {
		return Problem(fmt.Errorf("%w (no snapshot was written)", err))
	}
	if errors.Is(err, clone.ErrVerification) {
		return Problem(err)
	}
	return err
}

func newSnapshotRestore(e *env) *cobra.Command {
	var target string
	var jobs int
	var replace, jsonOut bool
	c := &cobra.Command{
		Use:   "restore FILE|- --target URL [--jobs N] [--replace]",
		Short: "Restore a snapshot into a database (no source, no secret needed), then verify it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target = fromEnv(target, "DBTWIN_TARGET")
			if err := required(target, "--target", "DBTWIN_TARGET"); err != nil {
				return err
			}
			if jobs < 1 || jobs > 64 {
				return fmt.Errorf("%w: --jobs must be between 1 and 64", dbtwin.ErrUsage)
			}
			f, err := openSnapshotFile(e, args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			prog := newProgress(e.stderr, !jsonOut)
			res, err := snapshot.Restore(e.ctx, f, snapshot.RestoreOptions{Target: target, Replace: replace, Jobs: jobs,
				Progress: prog, Log: func(format string, args ...any) { prog.Note(fmt.Sprintf(format, args...)) }})
			prog.Close()
			if res != nil && (jsonOut || len(res.Tables) > 0) {
				if jsonOut {
					if jerr := writeCloneJSON(e.stdout, res, err); jerr != nil {
						return jerr
					}
				} else {
					writeCloneText(e.stdout, res)
				}
			}
			if errors.Is(err, clone.ErrVerification) {
				return Problem(err)
			}
			return err
		},
	}
	f := c.Flags()
	f.StringVar(&target, "target", "", "database URL to restore into (or DBTWIN_TARGET)")
	f.IntVar(&jobs, "jobs", 4, "tables loaded and indexes built in parallel")
	f.BoolVar(&replace, "replace", false, "drop everything in a target that already has tables")
	f.BoolVar(&jsonOut, "json", false, "print a machine-readable summary (versioned JSON)")
	return c
}

// openSnapshotFile opens and checks a snapshot file, or standard input for "-".
func openSnapshotFile(e *env, path string) (*snapshot.File, error) {
	if path == "-" {
		return snapshot.OpenReader(e.stdin, "")
	}
	return snapshot.Open(path)
}

func newSnapshotInspect(e *env) *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "inspect FILE|- [--format text|json]",
		Short: "Show what a snapshot holds (and check it) without restoring it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("%w: --format must be text or json", dbtwin.ErrUsage)
			}
			f, err := openSnapshotFile(e, args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			info := f.Info()
			if format == "json" {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			writeSnapshotInfo(e.stdout, info)
			return nil
		},
	}
	c.Flags().StringVar(&format, "format", "text", "text or json")
	return c
}

func writeSnapshotInfo(w io.Writer, in *snapshot.Info) {
	fmt.Fprintf(w, "snapshot %s (format %d, %s): checksums OK\n", in.Path, in.Format, size(in.Size))
	fmt.Fprintf(w, "  made from   %s %s, %s\n", in.Engine, in.ServerVersion, in.Source)
	fmt.Fprintf(w, "  created     %s (took %s)\n", in.Created.Format(time.RFC3339), (time.Duration(in.DurationMS) * time.Millisecond).String())
	if in.ConfigDigest != "" {
		fmt.Fprintf(w, "  config      sha256:%s\n", in.ConfigDigest)
	} else {
		fmt.Fprintf(w, "  config      none (full, unmasked copy)\n")
	}
	if in.Subset {
		fmt.Fprintf(w, "  subset      yes\n")
	}
	if len(in.Masked) > 0 {
		fmt.Fprintf(w, "  masked      %d column(s): %s\n", len(in.Masked), strings.Join(in.Masked, ", "))
	}
	if ls := in.LeakScan; ls != nil {
		state := "passed"
		if !ls.OK {
			state = fmt.Sprintf("FAILED (%d leak(s))", ls.Leaks)
		}
		fmt.Fprintf(w, "  leak scan   %s: %s digests, %s cells scanned in %d tables\n", state, count(int64(ls.Digests)), count(ls.CellsScanned), ls.Tables)
	} else if in.LeakScanSkipped {
		fmt.Fprintf(w, "  leak scan   SKIPPED (made with --no-verify)\n")
	} else {
		fmt.Fprintf(w, "  leak scan   not run (nothing masked)\n")
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	width := len("table")
	for _, t := range in.Tables {
		width = max(width, len(t.Table))
	}
	fmt.Fprintf(tw, "%-*s\trows\tdata\tstored\tchunks\tsha256\t\n", width, "table")
	for _, t := range in.Tables {
		fmt.Fprintf(tw, "%-*s\t%s\t%s\t%s\t%d\t%s\t\n", width, t.Table, count(t.Rows), size(t.RawBytes), size(t.Bytes), t.Chunks, t.SHA256[:16])
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d tables, %s rows, %s of data stored in %s\n", len(in.Tables), count(in.Rows), size(in.RawBytes), size(in.Bytes))
}
