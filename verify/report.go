package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is the outcome of a leak scan. It names where original values were
// found and where they came from, never the values themselves.
type Report struct {
	// Source and Target name the databases (passwords redacted).
	Source, Target string
	// Findings lists, per twin column, the cells holding original values.
	Findings []Leak
	// Exemptions lists the original values not looked for, rule by rule.
	Exemptions []Exemption
	// SourceColumns lists the source columns (and JSON paths) whose values
	// were collected, as "table.column".
	SourceColumns []string
	// SourceRows and SourceValues count the source rows read and the
	// values digested; Digests is the number of distinct digests held.
	SourceRows, SourceValues int64
	Digests                  int
	// Tables, RowsScanned and CellsScanned count what was read from the twin.
	Tables       int
	RowsScanned  int64
	CellsScanned int64
	Duration     time.Duration
}

// Leak is one twin column holding original values.
type Leak struct {
	// Table is the twin table's qualified name; Column the column.
	Table, Column string
	// Cells is the number of cells holding at least one original value.
	Cells int64
	// Sources lists the source columns the values came from ("table.column").
	Sources []string
	// Categories lists the kinds of personal data found (email, phone, ...).
	Categories []string
}

// Exemption says how many original values one rule exempted.
type Exemption struct {
	// Rule is one of the Exempt* names; Reason explains it.
	Rule, Reason string
	// Values counts the values exempted (source values, or twin cells for
	// fake-collision).
	Values int64
	// Columns lists where it applied: source columns, or twin columns for
	// fake-collision.
	Columns []string
}

// Leaks returns the number of twin cells holding an original value.
func (r *Report) Leaks() int {
	n := 0
	for _, l := range r.Findings {
		n += int(l.Cells)
	}
	return n
}

// OK reports whether no leak was found.
func (r *Report) OK() bool { return len(r.Findings) == 0 }

// Leak returns the finding of one twin column (table qualified), or nil.
func (r *Report) Leak(table, column string) *Leak {
	for i := range r.Findings {
		if r.Findings[i].Table == table && r.Findings[i].Column == column {
			return &r.Findings[i]
		}
	}
	return nil
}

// Exempted returns the tally of one exemption rule, or nil.
func (r *Report) Exempted(rule string) *Exemption {
	for i := range r.Exemptions {
		if r.Exemptions[i].Rule == rule {
			return &r.Exemptions[i]
		}
	}
	return nil
}

// WriteText writes the report for people.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	if r.OK() {
		fmt.Fprintf(&b, "leak scan: no leak: no original value of the %d collected source column(s) is in the twin\n", len(r.SourceColumns))
	} else {
		fmt.Fprintf(&b, "leak scan: LEAK: %d cell(s) in %d twin column(s) hold original values\n", r.Leaks(), len(r.Findings))
		for _, l := range r.Findings {
			fmt.Fprintf(&b, "  %s.%s: %d cell(s) with values of %s (%s)\n", l.Table, l.Column, l.Cells,
				strings.Join(l.Sources, ", "), strings.Join(l.Categories, ", "))
		}
		b.WriteString("  fix: mask these source columns (mask: in dbtwin.yaml), or correct the rule that leaves values unchanged, then clone again\n")
	}
	if r.Source != "" || r.Target != "" {
		fmt.Fprintf(&b, "source %s, twin %s\n", r.Source, r.Target)
	}
	fmt.Fprintf(&b, "scanned %d table(s), %d row(s), %d cell(s) of the twin against %d digest(s) of %d original value(s) (%d source row(s)) in %s\n",
		r.Tables, r.RowsScanned, r.CellsScanned, r.Digests, r.SourceValues, r.SourceRows, r.Duration.Round(time.Millisecond))
	if len(r.Exemptions) > 0 {
		b.WriteString("not looked for:\n")
		for _, e := range r.Exemptions {
			fmt.Fprintf(&b, "  %-16s %d value(s) in %s: %s\n", e.Rule, e.Values, listSome(e.Columns, 4), e.Reason)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(" and %d more", len(names)-n)
}

// jsonReport is the stable, versioned JSON form of a Report.
type jsonReport struct {
	Version       int             `json:"version"`
	Source        string          `json:"source,omitempty"`
	Target        string          `json:"target,omitempty"`
	OK            bool            `json:"ok"`
	Leaks         int             `json:"leaks"`
	Findings      []jsonLeak      `json:"findings"`
	Exemptions    []jsonExemption `json:"exemptions"`
	SourceColumns []string        `json:"source_columns"`
	Stats         jsonStats       `json:"stats"`
}

type jsonLeak struct {
	Table      string   `json:"table"`
	Column     string   `json:"column"`
	Cells      int64    `json:"cells"`
	Sources    []string `json:"sources"`
	Categories []string `json:"categories"`
}

type jsonExemption struct {
	Rule    string   `json:"rule"`
	Reason  string   `json:"reason"`
	Values  int64    `json:"values"`
	Columns []string `json:"columns"`
}

type jsonStats struct {
	Tables       int   `json:"tables"`
	RowsScanned  int64 `json:"rows_scanned"`
	CellsScanned int64 `json:"cells_scanned"`
	SourceRows   int64 `json:"source_rows"`
	SourceValues int64 `json:"source_values"`
	Digests      int   `json:"digests"`
	DurationMS   int64 `json:"duration_ms"`
}

// WriteJSON writes the report as versioned JSON ("version": 1).
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{Version: 1, Source: r.Source, Target: r.Target, OK: r.OK(), Leaks: r.Leaks(),
		Findings: []jsonLeak{}, Exemptions: []jsonExemption{}, SourceColumns: r.SourceColumns,
		Stats: jsonStats{Tables: r.Tables, RowsScanned: r.RowsScanned, CellsScanned: r.CellsScanned,
			SourceRows: r.SourceRows, SourceValues: r.SourceValues, Digests: r.Digests,
			DurationMS: r.Duration.Milliseconds()}}
	if out.SourceColumns == nil {
		out.SourceColumns = []string{}
	}
	for _, l := range r.Findings {
		out.Findings = append(out.Findings, jsonLeak(l))
	}
	for _, e := range r.Exemptions {
		out.Exemptions = append(out.Exemptions, jsonExemption(e))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
