package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/report"
	"github.com/dbtwin/dbtwin/scan"
)

type reportOptions struct {
	output, configFile, title string
	scanOptions
}

func init() { commands = append(commands, newReportCommand) }

func newReportCommand(e *env) *cobra.Command {
	o := &reportOptions{}
	c := &cobra.Command{
		Use:   "report -o FILE.html [--source URL] [-c dbtwin.yaml] [OUTPUT.json ...]",
		Short: "One self-contained HTML page: relationship map, subset and clone, leak scan and checks",
		Long: `report combines the JSON outputs of dbtwin's commands into one HTML file
(inline CSS, JavaScript and SVG; it opens without network access):

  dbtwin scan   --source URL --format json > scan.json
  dbtwin plan   --source URL -c dbtwin.yaml --format json > plan.json
  dbtwin clone  --source URL --target URL -c dbtwin.yaml --json > clone.json
  dbtwin verify --source URL --target URL -c dbtwin.yaml --format json > verify.json
  dbtwin check  --db URL checks.yaml --format json -o checks.json
  dbtwin report -o report.html -c dbtwin.yaml scan.json plan.json clone.json verify.json checks.json

Each file's kind is recognised from its content ("-" reads one from standard
input). With --source and no scan output among the files, the scan runs first.
-c adds the masking rules of each masked column.`,
		RunE: func(_ *cobra.Command, args []string) error { return runReport(e, o, args) },
	}
	f := c.Flags()
	f.StringVarP(&o.output, "output", "o", "", "HTML file to write (required)")
	f.StringVarP(&o.configFile, "config", "c", "", "dbtwin.yaml the twin was made with (masking rules)")
	f.StringVar(&o.title, "title", "", "the page's title (default: dbtwin report)")
	scanFlags(c, &o.scanOptions)
	return c
}

func runReport(e *env, o *reportOptions, files []string) error {
	if o.output == "" {
		return fmt.Errorf("%w: -o FILE.html is required", dbtwin.ErrUsage)
	}
	r := &report.Report{Title: o.title}
	for _, name := range files {
		var data []byte
		var err error
		if name == "-" {
			data, err = io.ReadAll(e.stdin)
		} else {
			data, err = os.ReadFile(name)
		}
		if err != nil {
			return fmt.Errorf("%w: read %s: %v", dbtwin.ErrUsage, name, err)
		}
		if _, err := r.Add(name, data); err != nil {
			return fmt.Errorf("%w: %v", dbtwin.ErrUsage, err)
		}
	}
	if o.configFile != "" {
		cfg, err := config.LoadContext(e.ctx, o.configFile)
		if err != nil {
			return err
		}
		r.SetConfig(cfg)
	}
	if r.Scan == nil && fromEnv(o.source, "DBTWIN_SOURCE") != "" {
		res, _, err := runScan(e, &o.scanOptions)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := scan.WriteJSON(&buf, res); err != nil {
			return err
		}
		if _, err := r.Add("scan", buf.Bytes()); err != nil {
			return err
		}
	}
	if r.Scan == nil && r.Plan == nil && r.Clone == nil && r.Leak == nil && len(r.Checks) == 0 {
		return fmt.Errorf("%w: nothing to report: pass JSON outputs of scan, plan, clone, verify or check, or --source URL to scan", dbtwin.ErrUsage)
	}
	if err := writeFile(o.output, r.WriteHTML); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%s)\n", o.output, reportSummary(r))
	return nil
}

// reportSummary says in one line what the page holds.
func reportSummary(r *report.Report) string {
	s := ""
	if r.Scan != nil {
		s = fmt.Sprintf("%d tables, %d links of which %d undeclared", len(r.Scan.Tables), len(r.Scan.Relationships), undeclared(r.Scan))
	}
	for _, part := range []struct {
		on   bool
		name string
	}{{r.Plan != nil, "plan"}, {r.Clone != nil, "clone"}, {r.Leak != nil, "leak scan"}, {len(r.Checks) > 0, "checks"}} {
		if part.on {
			if s != "" {
				s += ", "
			}
			s += part.name
		}
	}
	return s
}
