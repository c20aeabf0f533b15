package report

import (
	"fmt"

	"github.com/dbtwin/dbtwin/fidelity"
)

// fidelityView is the twin's shape against production: one row per measured
// column (distinct ratio drawn as two bars) and per relation.
type fidelityView struct {
	Verdict   string
	OK        bool
	Unchanged int
	Columns   []fidelityColumn
	Relations []fidelityRelation
}

type fidelityColumn struct {
	Name, Rule, Scope        string
	ProdPct, TwinPct, ExpPct float64 // distinct ratio, 0-100
	Distinct                 string
	Nulls, Length            string
	OK                       bool
	Problems                 []string
}

type fidelityRelation struct {
	From, To, Kind          string
	Match, Parents, Fanout  string
	OK                      bool
	Note                    string
	ProdMatchPct, TwinMatch float64
}

// fidelityViewOf turns a clone's fidelity report (counts and ratios only)
// into rows; nil when the clone had none.
func fidelityViewOf(r *fidelity.Report) *fidelityView {
	if r == nil || (len(r.Columns) == 0 && len(r.Relations) == 0) {
		return nil
	}
	t := r.Tolerances
	v := &fidelityView{OK: r.OK(), Unchanged: r.Unchanged}
	v.Verdict = fmt.Sprintf("%d column(s) and %d relation(s) measured against production: ", len(r.Columns), len(r.Relations))
	if r.OK() {
		v.Verdict += "all within tolerance"
	} else {
		v.Verdict += fmt.Sprintf("%d outside tolerance", r.Outside)
	}
	v.Verdict += fmt.Sprintf(" (distinct ±%.0f%%, nulls ±%.0f%%, length ±%.0f%%, fan-out ±%.0f%%, overlap ±%.0f%%)",
		t.Distinct*100, t.Nulls*100, t.Length*100, t.Fanout*100, t.Overlap*100)
	for _, c := range r.Columns {
		if len(c.Measures) < 4 {
			continue
		}
		d, n, l := c.Measures[0], c.Measures[1], c.Measures[3]
		row := fidelityColumn{Name: c.Table + "." + c.Column, Rule: c.Rule, Scope: c.ProductionScope,
			ProdPct: round1(100 * d.Production), TwinPct: round1(100 * d.Twin), ExpPct: round1(100 * d.Expected),
			Distinct: fmt.Sprintf("%.1f%% → %.1f%% (expected %.1f%%)", 100*d.Production, 100*d.Twin, 100*d.Expected),
			Nulls:    fmt.Sprintf("%.1f%% → %.1f%%", 100*n.Production, 100*n.Twin),
			Length:   fmt.Sprintf("%.1f → %.1f", l.Production, l.Twin), OK: c.WithinTolerances}
		for _, m := range c.Measures {
			if !m.Within {
				row.Problems = append(row.Problems, m.Name)
			}
		}
		v.Columns = append(v.Columns, row)
	}
	for _, rel := range r.Relations {
		p, q := rel.Production, rel.Twin
		row := fidelityRelation{From: rel.From, To: rel.To, Kind: rel.Kind, OK: rel.WithinTolerances, Note: rel.Note}
		if !rel.Declared {
			row.Kind += " (undeclared)"
		}
		if rel.Note != "" {
			row.Match = fmt.Sprintf("— → %.1f%%", 100*q.ChildMatch)
			row.Parents = fmt.Sprintf("— → %.1f%%", 100*q.ParentsWithChildren)
			row.Fanout = fmt.Sprintf("— → %d/%d/%d", q.FanoutP50, q.FanoutP99, q.FanoutMax)
		} else {
			row.Match = fmt.Sprintf("%.1f%% → %.1f%%", 100*p.ChildMatch, 100*q.ChildMatch)
			row.Parents = fmt.Sprintf("%.1f%% → %.1f%%", 100*p.ParentsWithChildren, 100*q.ParentsWithChildren)
			row.Fanout = fmt.Sprintf("%d/%d/%d → %d/%d/%d", p.FanoutP50, p.FanoutP99, p.FanoutMax, q.FanoutP50, q.FanoutP99, q.FanoutMax)
		}
		v.Relations = append(v.Relations, row)
	}
	return v
}
