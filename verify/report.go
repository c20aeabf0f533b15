package verify

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// Report is the outcome of a leak scan. It names where original values were
// found and where they came from, never the values themselves.
type Report struct {
	// Source and Target name the databases (passwords redacted).
	Source, Target string
	// Findings lists, per twin column, the cells holding original values:
	// the leaks. Any finding fails the scan.
	Findings []Leak
	// Coincidences lists, per twin column masked into a dense space of
	// digits (phones, identifiers), how many masked values equal some other
	// row's original against the number expected by chance. Only counts
	// far above chance (AboveChance) are leaks.
	Coincidences []Coincidence
	// Warnings lists original values found in columns that strict: false
	// copies as they are (Unmasked): reported, not failed.
	Warnings []Leak
	// Unmasked lists the columns copied unmasked because strict mode is
	// off ("table.column"): they look personal and have no rule.
	Unmasked []string
	// Reachable lists the rules whose outputs can still reach a real
	// person (a deliverable domain, a valid phone number).
	Reachable []string
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
	// TwinDigests counts the digests of twin cells, FilterPassed those that
	// passed the Bloom filter of original digests (joined exactly),
	// SpilledBytes what went to temporary files (memory stayed within the
	// budget).
	TwinDigests, FilterPassed, SpilledBytes int64
	Duration                                time.Duration
}

// Coincidence compares, for one twin column masked into a dense space,
// the masked values equal to another row's original with chance.
type Coincidence struct {
	Table, Column string
	// Values counts the column's digit values compared.
	Values int64
	// Observed counts the cells equal to some original; Expected is the
	// number expected by chance (sum over value-space buckets of twin
	// values × distinct originals / bucket size); Limit the most accepted.
	Observed int64
	Expected float64
	Limit    int64
	// AboveChance is true when Observed > Limit: a leak.
	AboveChance bool
	// Sources lists the source columns the matched originals came from.
	Sources []string
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
	// Unchanged counts the cells equal to their own row's original (a rule
	// that left the value as it was).
	Unchanged int64
	// AboveChance is true when the column's coincidences are far above
	// chance (they count as cells of the leak).
	AboveChance bool
	// Kept marks a warning about a column under keep: holding names.
	Kept bool
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
			fmt.Fprintf(&b, "  %s.%s: %d cell(s) with values of %s (%s)", l.Table, l.Column, l.Cells,
				strings.Join(l.Sources, ", "), strings.Join(l.Categories, ", "))
			if l.Unchanged > 0 {
				fmt.Fprintf(&b, "; %d equal to their own row's original (the rule left them unchanged)", l.Unchanged)
			}
			if l.AboveChance {
				b.WriteString("; equal to other rows' originals far more often than chance allows")
			}
			b.WriteString("\n")
		}
		b.WriteString("  fix: mask these source columns (mask: in dbtwin.yaml), or correct the rule that leaves values unchanged, then clone again\n")
	}
	r.writeNotes(&b)
	if r.Source != "" || r.Target != "" {
		fmt.Fprintf(&b, "source %s, twin %s\n", r.Source, r.Target)
	}
	fmt.Fprintf(&b, "scanned %d table(s), %d row(s), %d cell(s) of the twin against %d digest(s) of %d original value(s) (%d source row(s)) in %s",
		r.Tables, r.RowsScanned, r.CellsScanned, r.Digests, r.SourceValues, r.SourceRows, r.Duration.Round(time.Millisecond))
	if r.SpilledBytes > 0 {
		fmt.Fprintf(&b, "; %d MB of digest runs spilled to disk", r.SpilledBytes>>20)
	}
	b.WriteString("\n")
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
	Coincidences  []jsonCoinc     `json:"coincidences"`
	Warnings      []jsonLeak      `json:"warnings"`
	Unmasked      []string        `json:"unmasked"`
	Reachable     []string        `json:"reachable"`
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
	Unchanged  int64    `json:"unchanged,omitempty"`
	// AboveChance marks coincidences far above chance.
	AboveChance bool `json:"above_chance,omitempty"`
	Kept        bool `json:"kept,omitempty"`
}

type jsonCoinc struct {
	Table       string   `json:"table"`
	Column      string   `json:"column"`
	Values      int64    `json:"values"`
	Observed    int64    `json:"observed"`
	Expected    float64  `json:"expected"`
	Limit       int64    `json:"limit"`
	AboveChance bool     `json:"above_chance"`
	Sources     []string `json:"sources"`
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
	TwinDigests  int64 `json:"twin_digests"`
	FilterPassed int64 `json:"filter_passed"`
	SpilledBytes int64 `json:"spilled_bytes"`
	DurationMS   int64 `json:"duration_ms"`
}

// WriteJSON writes the report as versioned JSON ("version": 1).
func (r *Report) WriteJSON(w io.Writer) error {
	out := jsonReport{Version: 1, Source: r.Source, Target: r.Target, OK: r.OK(), Leaks: r.Leaks(),
		Findings: []jsonLeak{}, Exemptions: []jsonExemption{}, SourceColumns: r.SourceColumns,
		Stats: jsonStats{Tables: r.Tables, RowsScanned: r.RowsScanned, CellsScanned: r.CellsScanned,
			SourceRows: r.SourceRows, SourceValues: r.SourceValues, Digests: r.Digests,
			TwinDigests: r.TwinDigests, FilterPassed: r.FilterPassed, SpilledBytes: r.SpilledBytes,
			DurationMS: r.Duration.Milliseconds()},
		Coincidences: []jsonCoinc{}, Warnings: []jsonLeak{}, Unmasked: nonNil(r.Unmasked), Reachable: nonNil(r.Reachable)}
	if out.SourceColumns == nil {
		out.SourceColumns = []string{}
	}
	for _, l := range r.Findings {
		out.Findings = append(out.Findings, jsonLeak(l))
	}
	for _, e := range r.Exemptions {
		out.Exemptions = append(out.Exemptions, jsonExemption(e))
	}
	for _, c := range r.Coincidences {
		out.Coincidences = append(out.Coincidences, jsonCoinc{Table: c.Table, Column: c.Column, Values: c.Values,
			Observed: c.Observed, Expected: math.Round(c.Expected*100) / 100, Limit: c.Limit, AboveChance: c.AboveChance, Sources: nonNil(c.Sources)})
	}
	for _, l := range r.Warnings {
		out.Warnings = append(out.Warnings, jsonLeak(l))
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

// WriteNotes writes what a clean report still says: coincidences against
// chance, strict-mode warnings and rules whose outputs can reach a person.
func (r *Report) WriteNotes(w io.Writer) error {
	var b strings.Builder
	r.writeNotes(&b)
	_, err := io.WriteString(w, b.String())
	return err
}

func (r *Report) writeNotes(b *strings.Builder) {
	if len(r.Coincidences) > 0 {
		var obs int64
		var exp float64
		for _, c := range r.Coincidences {
			obs += c.Observed
			exp += c.Expected
		}
		fmt.Fprintf(b, "coincidences: %d masked value(s) equal another row's original, %.1f expected by chance, in %d column(s) masked into dense spaces (phones, identifiers); a leak only far above chance\n",
			obs, exp, len(r.Coincidences))
		for _, c := range r.Coincidences {
			if c.Observed == 0 && !c.AboveChance {
				continue
			}
			verdict := "within chance"
			if c.AboveChance {
				verdict = "FAR ABOVE CHANCE: leak"
			}
			fmt.Fprintf(b, "  %s.%s: %d observed, %.1f expected among %d value(s) (limit %d): %s\n",
				c.Table, c.Column, c.Observed, c.Expected, c.Values, c.Limit, verdict)
		}
	}
	if len(r.Unmasked) > 0 {
		fmt.Fprintf(b, "warning: strict mode is off: %d column(s) that look personal were copied unmasked and are not searched for: %s\n",
			len(r.Unmasked), listSome(r.Unmasked, 6))
	}
	for _, l := range r.Warnings {
		why := "copied unmasked, strict mode off"
		if l.Kept {
			why = "under keep:; if these are people's names, mask the column"
		}
		fmt.Fprintf(b, "warning: %s.%s (%s): %d cell(s) hold values of %s\n",
			l.Table, l.Column, why, l.Cells, strings.Join(l.Sources, ", "))
	}
	for _, x := range r.Reachable {
		fmt.Fprintf(b, "reachable: %s\n", x)
	}
}
