package cli

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"

	"github.com/dbtwin/dbtwin/report"
)

// record adds one step's JSON output to the demo's HTML report.
func (d *demoRun) record(name string, write func(io.Writer) error) error {
	if d.report == nil {
		d.report = &report.Report{Title: "dbtwin demo: the twin of an incident-shaped database"}
	}
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return fmt.Errorf("demo report: %s: %w", name, err)
	}
	if _, err := d.report.Add(name, buf.Bytes()); err != nil {
		return fmt.Errorf("demo report: %w", err)
	}
	return nil
}

// reportStep writes the report of everything the demo did.
func (d *demoRun) reportStep(facts *DemoFacts) error {
	if d.report == nil {
		return nil
	}
	d.heading("Writing the report: relationship map, subset, proofs")
	path := filepath.Join(d.dir, "report.html")
	if err := writeFile(path, d.report.WriteHTML); err != nil {
		return err
	}
	facts.ReportPath = path
	fmt.Fprintf(d.out, "   %s\n", path)
	fmt.Fprintf(d.out, "   open it in a browser: the undeclared guest_purchases ~ users link is drawn apart from the declared keys\n")
	return nil
}
