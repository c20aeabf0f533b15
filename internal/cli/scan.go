package cli

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/scan"
)

type scanOptions struct {
	source, format string
	sample         int
	timeout        time.Duration
}

func init() { commands = append(commands, newScanCommand, newInitCommand) }

func newScanCommand(e *env) *cobra.Command {
	o := &scanOptions{}
	c := &cobra.Command{
		Use:   "scan --source URL [--format text|json]",
		Short: "Find personal data and undeclared relationships (read-only, sampled)",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			res, _, err := runScan(e, o)
			if err != nil {
				return err
			}
			switch o.format {
			case "json":
				return scan.WriteJSON(e.stdout, res)
			default:
				return scan.WriteText(e.stdout, res)
			}
		},
	}
	scanFlags(c, o)
	c.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	return c
}

func scanFlags(c *cobra.Command, o *scanOptions) {
	c.Flags().StringVar(&o.source, "source", "", "source database URL (or DBTWIN_SOURCE)")
	c.Flags().IntVar(&o.sample, "sample", 1000, "rows sampled per table")
	c.Flags().DurationVar(&o.timeout, "timeout", 30*time.Second, "timeout of each statement (PostgreSQL)")
}

func runScan(e *env, o *scanOptions) (*scan.Result, *dbtwin.Schema, error) {
	if o.format != "" && o.format != "text" && o.format != "json" {
		return nil, nil, fmt.Errorf("%w: --format must be text or json", dbtwin.ErrUsage)
	}
	src := fromEnv(o.source, "DBTWIN_SOURCE")
	if err := required(src, "--source", "DBTWIN_SOURCE"); err != nil {
		return nil, nil, err
	}
	if o.timeout < time.Millisecond {
		return nil, nil, fmt.Errorf("%w: --timeout %s is too short: give at least 1ms (for example 30s); every statement of a scan runs under it", dbtwin.ErrUsage, o.timeout)
	}
	if o.sample < 10 {
		return nil, nil, fmt.Errorf("%w: --sample must be at least 10", dbtwin.ErrUsage)
	}
	db, snap, err := openSnapshot(e.ctx, src, o.timeout)
	if err != nil {
		return nil, nil, err
	}
	defer db.Close()
	defer snap.Close()
	res, err := scan.Run(e.ctx, snap, scan.Options{Sample: o.sample})
	if err != nil {
		return nil, nil, fmt.Errorf("scan %s: %w", dbtwin.RedactURL(src), err)
	}
	return res, snap.Schema(), nil
}

type initOptions struct {
	scanOptions
	output string
	force  bool
}

func newInitCommand(e *env) *cobra.Command {
	o := &initOptions{}
	c := &cobra.Command{
		Use:   "init --source URL [-o dbtwin.yaml]",
		Short: "Scan the source, then write a starter dbtwin.yaml (masking, relations, keep, subset)",
		Args:  cobra.NoArgs,
		RunE:  func(*cobra.Command, []string) error { return runInit(e, o) },
	}
	scanFlags(c, &o.scanOptions)
	c.Flags().StringVarP(&o.output, "output", "o", "dbtwin.yaml", "file to write (- for standard output)")
	c.Flags().BoolVar(&o.force, "force", false, "overwrite an existing file")
	return c
}

func runInit(e *env, o *initOptions) error {
	if o.output != "-" && !o.force {
		if _, err := os.Stat(o.output); err == nil {
			return fmt.Errorf("%w: %s already exists: pass --force to overwrite it, or -o another file", dbtwin.ErrUsage, o.output)
		}
	}
	res, schema, err := runScan(e, &o.scanOptions)
	if err != nil {
		return err
	}
	if o.output == "-" {
		return scan.WriteConfig(e.stdout, res, schema)
	}
	tmp := o.output + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return fmt.Errorf("write %s: %w", o.output, err)
	}
	if err := scan.WriteConfig(f, res, schema); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", o.output, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", o.output, err)
	}
	if err := os.Rename(tmp, o.output); err != nil {
		return fmt.Errorf("write %s: %w", o.output, err)
	}
	fmt.Fprintf(e.stdout, "wrote %s: %d personal-data column(s) masked, %d relationship(s) found (%d undeclared)\n",
		o.output, len(res.PII), len(res.Relationships), undeclared(res))
	fmt.Fprintf(e.stdout, "review it, then: dbtwin clone --source URL --target URL -c %s\n", o.output)
	return nil
}

func undeclared(res *scan.Result) int {
	n := 0
	for _, r := range res.Relationships {
		if !r.Declared {
			n++
		}
	}
	return n
}
