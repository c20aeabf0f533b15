package clone

import (
	"bytes"
	"encoding/json"

	"github.com/dbtwin/dbtwin/fidelity"
)

// Summary is the versioned JSON summary of a clone, as `dbtwin clone --json`
// and `dbtwin snapshot create --json` print it and `dbtwin report` reads it.
// Version 1; fields are only ever added.
type Summary struct {
	Version      int      `json:"version"`
	Source       string   `json:"source"`
	Target       string   `json:"target"`
	Engine       string   `json:"engine"`
	OK           bool     `json:"ok"`
	Error        string   `json:"error,omitempty"`
	DurationMS   int64    `json:"duration_ms"`
	Verified     bool     `json:"verified"`
	Verification []string `json:"verification"`
	Warnings     []string `json:"warnings"`
	// SourceViolations: what the source itself breaks, copied faithfully.
	SourceViolations []string         `json:"source_violations"`
	Tables           []SummaryTable   `json:"tables"`
	PhasesMS         map[string]int64 `json:"phases_ms"`
	Totals           map[string]int64 `json:"totals"`
	// Fidelity compares the twin's shape with production's (see the fidelity package).
	Fidelity *fidelity.Report `json:"fidelity,omitempty"`
	// LeakScan is the leak scan's report, as `dbtwin verify --format json`
	// writes it (absent when no leak scan ran).
	LeakScan json.RawMessage `json:"leak_scan,omitempty"`
}

// SummaryTable is one table of a Summary.
type SummaryTable struct {
	Table      string   `json:"table"`
	SourceRows int64    `json:"source_rows"`
	Rows       int64    `json:"rows"`
	Bytes      int64    `json:"bytes"`
	DurationMS int64    `json:"duration_ms"`
	Reached    string   `json:"reached"`
	Masked     []string `json:"masked_columns"`
}

// Summary describes a finished or failed clone (runErr is Run's error, nil
// on success) in its JSON form.
func (res *Result) Summary(runErr error) (*Summary, error) {
	out := &Summary{Version: 1, Source: res.Source, Target: res.Target, Engine: res.Engine, OK: runErr == nil,
		DurationMS: res.Duration.Milliseconds(), Verified: res.Verified,
		Verification: nonNil(res.Verification), Warnings: nonNil(res.Warnings), SourceViolations: nonNil(res.SourceViolations),
		Tables: []SummaryTable{}, Totals: map[string]int64{}, PhasesMS: map[string]int64{}, Fidelity: res.Fidelity}
	for _, ph := range res.Phases {
		out.PhasesMS[ph.Name] = ph.Duration.Milliseconds()
	}
	if runErr != nil {
		out.Error = runErr.Error()
	}
	for _, t := range res.Tables {
		out.Tables = append(out.Tables, SummaryTable{Table: t.Table, SourceRows: t.SourceRows, Rows: t.Rows, Bytes: t.Bytes,
			DurationMS: t.Duration.Milliseconds(), Reached: t.Reached, Masked: nonNil(t.MaskedCols)})
		out.Totals["rows"] += t.Rows
		out.Totals["bytes"] += t.Bytes
	}
	out.Totals["tables"] = int64(len(res.Tables))
	if res.LeakReport != nil {
		var b bytes.Buffer
		if err := res.LeakReport.WriteJSON(&b); err != nil {
			return nil, err
		}
		out.LeakScan = json.RawMessage(bytes.TrimSpace(b.Bytes()))
	}
	if res.Subset {
		out.Totals["subset_keys"] = res.SubsetKeys
		out.Totals["subset_key_bytes"] = res.SubsetKeyBytes
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
