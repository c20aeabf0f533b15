package fidelity

import (
	"fmt"
	"math"
	"sort"
)

// Tolerances say how far the twin may be from production before a measure is
// reported as outside tolerance. Each is a relative difference (0.10 = 10%);
// differences under a small absolute floor (one percentage point for shares,
// one child for fan-outs, one byte for lengths) always pass.
type Tolerances struct {
	// Distinct bounds the twin's distinct count against the count expected
	// for its size (production's, scaled for subsets).
	Distinct float64
	// Nulls bounds the NULL fraction (and the empty-string fraction).
	Nulls float64
	// Length bounds the mean value length.
	Length float64
	// Fanout bounds children per parent at p50 and p99.
	Fanout float64
	// Overlap bounds the share of child rows that match a parent and the
	// share of parents that have children.
	Overlap float64
}

// DefaultTolerances are the tolerances of a config without a fidelity section.
func DefaultTolerances() Tolerances {
	return Tolerances{Distinct: 0.10, Nulls: 0.10, Length: 0.20, Fanout: 0.20, Overlap: 0.10}
}

// Measure is one number on both sides.
type Measure struct {
	Name       string  `json:"name"`
	Production float64 `json:"production"`
	Twin       float64 `json:"twin"`
	// Expected is what the twin should show (production scaled for a subset).
	Expected float64 `json:"expected"`
	// Off is the relative difference between Twin and Expected; Tolerance is
	// the bound it was held to; Within says whether it passed.
	Off       float64 `json:"off"`
	Tolerance float64 `json:"tolerance"`
	Within    bool    `json:"within"`
}

// Production scopes: what the production side of a measure saw.
const (
	// ScopeAll: every production row (the table was read in full).
	ScopeAll = "all rows"
	// ScopeSelected: only the rows a subset selected (the read was
	// restricted), so the comparison shows what masking changed, not what
	// the subset did.
	ScopeSelected = "rows selected by the subset"
)

// Column is one column's comparison.
type Column struct {
	Table  string `json:"table"`
	Column string `json:"column"`
	// ProductionScope says which production rows were measured.
	ProductionScope string `json:"production_scope"`
	// Rule is the masking rule the column went through ("" = copied).
	Rule string `json:"rule,omitempty"`
	// ProductionRows and TwinRows are the rows each side measured.
	ProductionRows   int64     `json:"production_rows"`
	TwinRows         int64     `json:"twin_rows"`
	DistinctProd     int64     `json:"distinct_production"`
	DistinctTwin     int64     `json:"distinct_twin"`
	MeanLengthProd   float64   `json:"mean_length_production"`
	MeanLengthTwin   float64   `json:"mean_length_twin"`
	LengthP90Prod    int       `json:"length_p90_production"`
	LengthP90Twin    int       `json:"length_p90_twin"`
	Measures         []Measure `json:"measures"`
	WithinTolerances bool      `json:"within_tolerances"`
	// Worst is the largest Off/Tolerance among the measures (sorting key).
	Worst float64 `json:"-"`
}

// Relation is one relation's comparison.
type Relation struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Declared bool   `json:"declared"`
	Kind     string `json:"kind"`
	// Production and Twin are each side's statistics.
	Production       RelationStats `json:"production"`
	Twin             RelationStats `json:"twin"`
	Measures         []Measure     `json:"measures"`
	WithinTolerances bool          `json:"within_tolerances"`
	Worst            float64       `json:"-"`
	// Note says why production was not measured, when it was not.
	Note string `json:"note,omitempty"`
}

// Report is the fidelity of one twin: columns and relations, the farthest
// from production first.
type Report struct {
	Tolerances Tolerances `json:"tolerances"`
	Columns    []Column   `json:"columns"`
	Relations  []Relation `json:"relations"`
	// Unchanged counts tables copied unchanged and in full: identical to
	// production by construction, not measured.
	Unchanged int `json:"tables_unchanged"`
	// Outside counts columns and relations outside tolerance.
	Outside int `json:"outside_tolerance"`
}

// OK reports whether every measure is within tolerance.
func (r *Report) OK() bool { return r == nil || r.Outside == 0 }

// measure compares twin with expected, relative to expected, passing
// differences up to floor.
func measure(name string, prod, twin, expected, tol, floor float64) Measure {
	m := Measure{Name: name, Production: prod, Twin: twin, Expected: expected, Tolerance: tol}
	diff := math.Abs(twin - expected)
	if expected != 0 {
		m.Off = diff / math.Abs(expected)
	} else if diff != 0 {
		m.Off = math.Inf(1)
	}
	m.Within = diff <= floor || m.Off <= tol
	return m
}

// CompareColumn compares one column's production and twin sketches.
func CompareColumn(table, column, rule string, prod, twin *ColumnSketch, tol Tolerances) Column {
	c := Column{
		Table: table, Column: column, Rule: rule, ProductionScope: ScopeAll,
		ProductionRows: prod.Rows, TwinRows: twin.Rows,
		DistinctProd: prod.Distinct(), DistinctTwin: twin.Distinct(),
		MeanLengthProd: prod.MeanLength(), MeanLengthTwin: twin.MeanLength(),
		LengthP90Prod: prod.LengthQuantile(0.9), LengthP90Twin: twin.LengthQuantile(0.9),
	}
	// A subset draws rows in clusters (a parent with its children), so the
	// expected distinct count lies between linear scaling (values tied to
	// the clusters, such as a foreign key) and independent draws: a twin
	// anywhere in that range is as expected.
	lo, hi := ExpectedDistinctRange(c.DistinctProd, prod.NonNull(), twin.NonNull())
	expectDistinct := math.Min(math.Max(float64(c.DistinctTwin), lo), hi)
	expRatio := 0.0
	if twin.NonNull() > 0 {
		expRatio = expectDistinct / float64(twin.NonNull())
	}
	dm := measure("distinct ratio", prod.DistinctRatio(), twin.DistinctRatio(), expRatio, tol.Distinct, 0)
	// HyperLogLog is exact-ish only above a few dozen values: a column of a
	// handful of values passes within two values.
	if math.Abs(float64(c.DistinctTwin)-expectDistinct) <= 2 {
		dm.Within = true
	}
	c.Measures = []Measure{
		dm,
		measure("null fraction", prod.NullFraction(), twin.NullFraction(), prod.NullFraction(), tol.Nulls, 0.01),
		measure("empty fraction", prod.EmptyFraction(), twin.EmptyFraction(), prod.EmptyFraction(), tol.Nulls, 0.01),
		measure("mean length", prod.MeanLength(), twin.MeanLength(), prod.MeanLength(), tol.Length, 1),
	}
	c.WithinTolerances, c.Worst = summarize(c.Measures)
	return c
}

// CompareRelation compares one relation's statistics on both sides.
func CompareRelation(from, to string, declared bool, kind string, prod, twin RelationStats, tol Tolerances) Relation {
	r := Relation{From: from, To: to, Declared: declared, Kind: kind, Production: prod, Twin: twin}
	r.Measures = []Measure{
		measure("child rows matching a parent", prod.ChildMatch, twin.ChildMatch, prod.ChildMatch, tol.Overlap, 0.01),
		measure("parents with children", prod.ParentsWithChildren, twin.ParentsWithChildren, prod.ParentsWithChildren, tol.Overlap, 0.01),
		measure("children per parent p50", float64(prod.FanoutP50), float64(twin.FanoutP50), float64(prod.FanoutP50), tol.Fanout, 1),
		measure("children per parent p99", float64(prod.FanoutP99), float64(twin.FanoutP99), float64(prod.FanoutP99), tol.Fanout, 1),
	}
	r.WithinTolerances, r.Worst = summarize(r.Measures)
	return r
}

// TwinOnlyRelation reports a relation whose production side could not be
// measured in the clone's pass (a subset read only selected rows of a side).
func TwinOnlyRelation(from, to string, declared bool, kind string, twin RelationStats) Relation {
	return Relation{From: from, To: to, Declared: declared, Kind: kind, Twin: twin, Measures: []Measure{}, WithinTolerances: true,
		Note: "production side not measured: the subset read only the selected rows of one side"}
}

func summarize(ms []Measure) (ok bool, worst float64) {
	ok = true
	for _, m := range ms {
		if !m.Within {
			ok = false
		}
		if m.Tolerance > 0 {
			worst = max(worst, m.Off/m.Tolerance)
		}
	}
	return ok, worst
}

// Sort orders the report, farthest from production first, and counts what
// is outside tolerance.
func (r *Report) Sort() {
	sort.SliceStable(r.Columns, func(a, b int) bool {
		ca, cb := r.Columns[a], r.Columns[b]
		if ca.WithinTolerances != cb.WithinTolerances {
			return !ca.WithinTolerances
		}
		if ca.Worst != cb.Worst {
			return ca.Worst > cb.Worst
		}
		return ca.Table+"."+ca.Column < cb.Table+"."+cb.Column
	})
	sort.SliceStable(r.Relations, func(a, b int) bool {
		ra, rb := r.Relations[a], r.Relations[b]
		if ra.WithinTolerances != rb.WithinTolerances {
			return !ra.WithinTolerances
		}
		if ra.Worst != rb.Worst {
			return ra.Worst > rb.Worst
		}
		return ra.From+ra.To < rb.From+rb.To
	})
	r.Outside = 0
	for _, c := range r.Columns {
		if !c.WithinTolerances {
			r.Outside++
		}
	}
	for _, rel := range r.Relations {
		if !rel.WithinTolerances {
			r.Outside++
		}
	}
}

// Problems describes each measure outside tolerance in one line, farthest
// first, at most limit lines (0 = all).
func (r *Report) Problems(limit int) []string {
	var out []string
	for _, c := range r.Columns {
		for _, m := range c.Measures {
			if !m.Within {
				rule := ""
				if c.Rule != "" {
					rule = " (rule " + c.Rule + ")"
				}
				out = append(out, fmt.Sprintf("%s.%s%s: %s %s in the twin, %s expected from production (%s off, tolerance %s)",
					c.Table, c.Column, rule, m.Name, format(m.Name, m.Twin), format(m.Name, m.Expected), offText(m), pct(m.Tolerance)))
			}
		}
	}
	for _, rel := range r.Relations {
		for _, m := range rel.Measures {
			if !m.Within {
				out = append(out, fmt.Sprintf("%s → %s: %s %s in the twin, %s in production (%s off, tolerance %s)",
					rel.From, rel.To, m.Name, format(m.Name, m.Twin), format(m.Name, m.Expected), offText(m), pct(m.Tolerance)))
			}
		}
	}
	if limit > 0 && len(out) > limit {
		more := len(out) - limit
		out = append(out[:limit], fmt.Sprintf("… and %d more", more))
	}
	return out
}

func format(name string, v float64) string {
	switch name {
	case "mean length":
		return fmt.Sprintf("%.1f bytes", v)
	case "children per parent p50", "children per parent p99":
		return fmt.Sprintf("%.0f", v)
	}
	return pct(v)
}

func pct(v float64) string {
	if v != 0 && math.Abs(v) < 0.001 {
		return fmt.Sprintf("%.3f%%", v*100)
	}
	return fmt.Sprintf("%.1f%%", v*100)
}

// offText says how far off a measure is: a factor when the two differ by 2×
// or more, a percentage otherwise.
func offText(m Measure) string {
	lo, hi := math.Min(m.Twin, m.Expected), math.Max(m.Twin, m.Expected)
	switch {
	case lo <= 0 && hi > 0:
		return "all"
	case hi >= 2*lo:
		return fmt.Sprintf("%.0f×", hi/lo)
	}
	return pct(m.Off)
}
