package cli

import (
	"bufio"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/check"
	"github.com/dbtwin/dbtwin/snapshot"
)

type checkOptions struct {
	db, baseline, format, output string
	timeout                      time.Duration
	noRedact                     bool
}

func init() { commands = append(commands, newCheckCommand) }

func newCheckCommand(e *env) *cobra.Command {
	o := &checkOptions{}
	c := &cobra.Command{
		Use:   "check --db URL CHECKS.yaml [--baseline URL] [--format text|json|junit] [-o FILE]",
		Short: "Run data checks (safeguards as code) read-only against a database",
		Args:  cobra.ExactArgs(1),
		RunE:  func(_ *cobra.Command, args []string) error { return runCheck(e, o, args[0]) },
	}
	f := c.Flags()
	f.StringVar(&o.db, "db", "", "database to check (or DBTWIN_TARGET)")
	f.StringVar(&o.baseline, "baseline", "", "the source database, or a snapshot made with --checks, for fidelity checks (overlap, fanout, profile)")
	f.StringVar(&o.format, "format", "text", "report format: text, json or junit")
	f.StringVarP(&o.output, "output", "o", "", "write the report to FILE (the text summary still goes to the terminal)")
	f.DurationVar(&o.timeout, "timeout", 2*time.Minute, "timeout of each check")
	f.BoolVar(&o.noRedact, "no-redact", false, "show example values as they are (they may be personal data)")
	return c
}

func runCheck(e *env, o *checkOptions, file string) error {
	dbURL := fromEnv(o.db, "DBTWIN_TARGET")
	if err := required(dbURL, "--db", "DBTWIN_TARGET"); err != nil {
		return err
	}
	switch o.format {
	case "text", "json", "junit":
	default:
		return fmt.Errorf("%w: --format must be text, json or junit", dbtwin.ErrUsage)
	}
	if o.timeout < time.Millisecond {
		return fmt.Errorf("%w: --timeout %s is too short: give at least 1ms (for example 2m); each check runs under it", dbtwin.ErrUsage, o.timeout)
	}
	checks, err := check.Load(file)
	if err != nil {
		return err
	}
	db, dialect, err := check.Open(e.ctx, dbURL)
	if err != nil {
		return fmt.Errorf("open %s: %w", dbtwin.RedactURL(dbURL), err)
	}
	defer db.Close()
	opts := check.Options{Timeout: o.timeout, NoRedact: o.noRedact}
	if o.baseline != "" && snapshot.IsSnapshot(o.baseline) {
		// A snapshot made with --checks carries production's side of the
		// fidelity checks: no connection to production needed.
		f, err := snapshot.Open(o.baseline)
		if err != nil {
			return err
		}
		opts.Recorded, err = f.Baseline()
		f.Close()
		if err != nil {
			return err
		}
	} else if o.baseline != "" {
		var base *sql.DB
		base, opts.BaselineDialect, err = check.Open(e.ctx, o.baseline)
		if err != nil {
			return fmt.Errorf("open baseline %s: %w", dbtwin.RedactURL(o.baseline), err)
		}
		defer base.Close()
		opts.Baseline = base
	}
	rep, err := check.Run(e.ctx, db, dialect, checks, opts)
	if rep == nil {
		return err
	}
	if o.output != "" {
		if werr := writeFile(o.output, func(w io.Writer) error { return check.Write(w, rep, o.format) }); werr != nil {
			return werr
		}
		if o.format != "text" {
			if werr := check.WriteText(e.stdout, rep); werr != nil {
				return werr
			}
		}
	} else if werr := check.Write(e.stdout, rep, o.format); werr != nil {
		return werr
	}
	if err != nil {
		return err
	}
	switch rep.ExitCode() {
	case ExitOK:
		return nil
	case ExitProblem:
		return silentProblem
	}
	return fmt.Errorf("%s: some checks could not run (see the report)", file)
}

// writeFile writes through a temporary file renamed into place.
func writeFile(path string, fn func(io.Writer) error) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	bw := bufio.NewWriter(f)
	err = fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, errors.Unwrap(err))
	}
	return nil
}
