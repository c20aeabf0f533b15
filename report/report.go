package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dbtwin/dbtwin/check"
	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/scan"
)

// Report collects what the page shows. Fill it with Add (the commands' JSON
// outputs) and SetConfig, then call WriteHTML. Every part is optional: the
// page shows the sections it has data for.
type Report struct {
	// Title heads the page (default "dbtwin report").
	Title string
	// Generated is the time printed on the page (default: when WriteHTML runs).
	Generated time.Time

	// Scan is `dbtwin scan --format json`: tables, personal data, links.
	Scan *scan.Result
	// Plan is `dbtwin plan --format json`.
	Plan *Plan
	// Clone is `dbtwin clone --json`.
	Clone *Clone
	// Leak is `dbtwin verify --format json` (or a clone's leak scan), kept
	// as decoded JSON so that fields the leak scan adds appear on the page.
	Leak map[string]any
	// Checks holds one `dbtwin check --format json` report per run.
	Checks []*CheckRun
	// Config is the dbtwin.yaml the twin was made with (masking rules).
	Config *config.Config
}

// Plan is the JSON form of `dbtwin plan`.
type Plan struct {
	Source string              `json:"source"`
	Subset *PlanSubset         `json:"subset,omitempty"`
	Tables []PlanTable         `json:"tables"`
	Masked map[string][]string `json:"masked_columns"`
	// Unmasked lists personal-looking columns without a rule.
	Unmasked []string `json:"unmasked_personal_columns"`
}

// PlanSubset is the subset part of a plan: per table, how its rows are
// reached.
type PlanSubset struct {
	Tables []PlanSubsetTable `json:"tables"`
	Cycles [][]string        `json:"cycles,omitempty"`
}

// PlanSubsetTable is one table of PlanSubset: its rule and the relation path
// from a root.
type PlanSubsetTable struct {
	Table string `json:"table"`
	Rule  string `json:"rule"`
	How   string `json:"how"`
	Path  []struct {
		From  string `json:"from"`
		Table string `json:"table"`
		As    string `json:"as"`
		Via   string `json:"via"`
	} `json:"path,omitempty"`
}

// PlanTable is one table of Plan.
type PlanTable struct {
	Table         string `json:"table"`
	Rule          string `json:"rule"`
	How           string `json:"how"`
	SourceRows    int64  `json:"source_rows"`
	EstimatedRows int64  `json:"estimated_rows"`
}

// Clone is the JSON summary of `dbtwin clone --json` (and of
// `dbtwin snapshot create --json`): the clone package's Summary.
type Clone = clone.Summary

// CloneTable is one table of Clone.
type CloneTable = clone.SummaryTable

// CheckRun is the JSON form of `dbtwin check --format json`.
type CheckRun struct {
	File    string          `json:"file"`
	Status  string          `json:"status"`
	Checks  []*check.Result `json:"checks"`
	Summary check.Summary   `json:"summary"`
}

// Kind names of the documents Add recognises.
const (
	KindScan   = "scan"
	KindPlan   = "plan"
	KindClone  = "clone"
	KindVerify = "verify"
	KindCheck  = "check"
)

// Add decodes one JSON document printed by a dbtwin command and adds it to
// the report. It returns the kind recognised (KindScan, ...). name says
// where the document came from, for error messages (a file name).
func (r *Report) Add(name string, data []byte) (string, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return "", fmt.Errorf("%s: not a JSON object printed by dbtwin (%w): pass the output of scan --format json, plan --format json, clone --json, verify --format json or check --format json", name, err)
	}
	kind := detect(fields)
	var err error
	switch kind {
	case KindScan:
		r.Scan = &scan.Result{}
		err = json.Unmarshal(data, r.Scan)
	case KindPlan:
		r.Plan = &Plan{}
		err = json.Unmarshal(data, r.Plan)
	case KindClone:
		r.Clone = &Clone{}
		err = json.Unmarshal(data, r.Clone)
	case KindVerify:
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		r.Leak = map[string]any{}
		err = dec.Decode(&r.Leak)
	case KindCheck:
		c := &CheckRun{}
		if err = json.Unmarshal(data, c); err == nil {
			r.Checks = append(r.Checks, c)
		}
	default:
		return "", fmt.Errorf("%s: not a document dbtwin's report knows: expected the JSON output of scan, plan, clone, verify or check", name)
	}
	if err != nil {
		return kind, fmt.Errorf("%s: read %s output: %w", name, kind, err)
	}
	return kind, nil
}

// detect recognises a document by the fields only its command writes.
func detect(f map[string]json.RawMessage) string {
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := f[k]; !ok {
				return false
			}
		}
		return true
	}
	switch {
	case has("pii", "relationships"):
		return KindScan
	case has("masked_columns", "tables"):
		return KindPlan
	case has("phases_ms", "tables"), has("verified", "tables", "totals"):
		return KindClone
	case has("findings", "exemptions"), has("source_columns", "stats"):
		return KindVerify
	case has("checks", "summary"):
		return KindCheck
	}
	return ""
}

// SetConfig adds the dbtwin.yaml the twin was made with: the page shows each
// masked column's rule.
func (r *Report) SetConfig(cfg *config.Config) { r.Config = cfg }
