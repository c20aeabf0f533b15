package report

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin/check"
)

// The page's sections below the map: personal data, subset and clone,
// proofs, and the summary cards.

func (r *Report) fillPII(p *page, g *graph) {
	if r.Plan != nil {
		p.Unmasked = r.Plan.Unmasked
	}
	if r.Scan == nil {
		return
	}
	masked := map[string]string{}
	for _, n := range g.nodes {
		for _, m := range n.Masked {
			col, rule, _ := strings.Cut(m, ": ")
			masked[n.Name+"."+col] = rule
		}
	}
	twin := r.Clone != nil || r.Plan != nil || r.Config != nil
	for _, x := range r.Scan.PII {
		row := piiRow{Table: x.Table, Column: x.Column, Category: strings.ReplaceAll(x.Category, "_", " "),
			Level: x.Level, Confidence: fmt.Sprintf("%.2f", x.Confidence)}
		if rule, ok := masked[x.Table+"."+x.Column]; ok {
			row.Masked = true
			row.Rule = rule
			if rule == "" {
				row.Rule = "masked"
			}
		} else if twin {
			row.Rule = "not masked"
		} else {
			row.Rule = "suggested: " + x.Suggest
		}
		p.PII = append(p.PII, row)
	}
}

func (r *Report) fillTables(p *page, g *graph) {
	if r.Clone == nil && r.Plan == nil {
		return
	}
	if r.Clone == nil {
		p.TwinKind = "estimated twin rows"
	}
	paths := map[string][]string{}
	if r.Plan != nil && r.Plan.Subset != nil {
		for _, t := range r.Plan.Subset.Tables {
			for _, s := range t.Path {
				paths[t.Table] = append(paths[t.Table], fmt.Sprintf("%s → %s (%s via %s)", s.From, s.Table, s.As, s.Via))
			}
		}
	}
	var maxRows int64 = 1
	for _, n := range g.nodes {
		maxRows = max(maxRows, n.Rows, n.TwinRows)
	}
	scale := func(n int64) float64 {
		if n <= 0 {
			return 0
		}
		// Logarithmic, so a 100-row table's bar is visible next to 10M rows.
		return round1(100 * math.Log10(float64(n)+1) / math.Log10(float64(maxRows)+1))
	}
	for _, n := range g.nodes {
		if n.TwinRows < 0 {
			continue
		}
		row := tableRow{Table: n.Name, Rows: thousands(n.Rows), TwinRows: thousands(n.TwinRows),
			ProdPct: scale(n.Rows), TwinPct: scale(n.TwinRows), How: n.Reached, Path: paths[n.Name],
			Masked: n.Masked, Empty: n.TwinRows == 0 && n.Rows > 0}
		if n.Rows > 0 {
			row.Share = fmt.Sprintf("%.1f%%", 100*float64(n.TwinRows)/float64(n.Rows))
		}
		p.Tables = append(p.Tables, row)
	}
	if r.Clone == nil {
		return
	}
	p.CloneMS = r.Clone.DurationMS
	p.CloneWarnings = r.Clone.Warnings
	p.Verification = &verification{OK: r.Clone.Verified, Problems: r.Clone.Verification, CloneError: r.Clone.Error}
	if !r.Clone.OK && p.Verification.CloneError == "" {
		p.Verification.CloneError = "the clone did not finish"
	}
	if len(r.Clone.SourceViolations) > 0 {
		list := make([]any, len(r.Clone.SourceViolations))
		for i, v := range r.Clone.SourceViolations {
			list[i] = v
		}
		p.Verification.SourceViolations = template.HTML(renderJSON(list, 0))
	}
	p.Fidelity = fidelityViewOf(r.Clone.Fidelity)
	var names []string
	var total int64
	for name, ms := range r.Clone.PhasesMS {
		names = append(names, name)
		total += ms
	}
	sort.Slice(names, func(i, j int) bool {
		return phaseOrder(names[i]) < phaseOrder(names[j]) ||
			phaseOrder(names[i]) == phaseOrder(names[j]) && names[i] < names[j]
	})
	left := 0.0
	for i, name := range names {
		ms := r.Clone.PhasesMS[name]
		w := 0.0
		if total > 0 {
			w = round1(100 * float64(ms) / float64(total))
		}
		p.Phases = append(p.Phases, phase{Name: name, MS: ms, Left: left, Width: w, Class: i % 6})
		left += w
	}
}

// phaseOrder sorts the clone's phases in the order they run.
func phaseOrder(name string) int {
	order := []string{"connect", "inspect", "config", "schema", "pre-data", "plan", "subset", "select", "data", "copy", "post-data", "index", "verify", "leak scan"}
	for i, p := range order {
		if name == p {
			return i
		}
	}
	for i, p := range order {
		if strings.Contains(name, p) {
			return i
		}
	}
	return len(order)
}

func (r *Report) fillProofs(p *page) {
	if r.Leak != nil {
		p.Leak = leakViewOf(r.Leak)
	}
	for _, c := range r.Checks {
		v := checkView{File: c.File, Status: c.Status, Summary: c.Summary.String()}
		for _, x := range c.Checks {
			if x == nil {
				continue
			}
			row := checkRow{Name: x.Name, Kind: string(x.Kind), Status: string(x.Status), Message: x.Message}
			row.Mark = map[check.Status]string{check.StatusPass: "✓", check.StatusFail: "✗", check.StatusWarn: "!", check.StatusError: "✗"}[x.Status]
			keys := make([]string, 0, len(x.Observed))
			for k := range x.Observed {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				f, ok := x.Observed[k].(float64)
				if !ok {
					continue
				}
				if k == "fanout" || k == "factor" {
					row.Fanout = fmt.Sprintf("×%.1f", f)
				}
				row.Observed = append(row.Observed, k+" "+number(f))
			}
			for _, ex := range x.Examples {
				s := redacted(ex.Value)
				if ex.Count > 1 {
					s += " ×" + thousands(ex.Count)
				}
				row.Examples = append(row.Examples, s)
			}
			v.Results = append(v.Results, row)
		}
		p.Checks = append(p.Checks, v)
	}
}

func (r *Report) fillCards(p *page, g *graph) {
	m := p.Map
	p.Cards = append(p.Cards, card{Label: "tables", Value: thousands(int64(len(g.nodes))),
		Note: fmt.Sprintf("%d with personal data", m.WithPersonal)})
	undeclared := m.Key + m.Value + m.NotDrawn
	cls := ""
	if undeclared > 0 {
		cls = "warn"
	}
	p.Cards = append(p.Cards, card{Label: "undeclared links", Value: itoa(undeclared), Class: cls,
		Note: fmt.Sprintf("%d key, %d value; %d declared foreign keys", m.Key, m.Value, m.Declared)})
	if m.NotDrawn > 0 {
		p.Cards[len(p.Cards)-1].Note = fmt.Sprintf("%d drawn (most confident), %d declared foreign keys", m.Key+m.Value, m.Declared)
	}
	if len(p.Tables) > 0 {
		var prod, twin int64
		for _, n := range g.nodes {
			if n.TwinRows >= 0 {
				prod += max(n.Rows, 0)
				twin += n.TwinRows
			}
		}
		p.Cards = append(p.Cards, card{Label: p.TwinKind, Value: thousands(twin), Note: "of " + thousands(prod) + " in production"})
	}
	if v := p.Verification; v != nil {
		c := card{Label: "clone", Value: "verified", Class: "ok", Note: "counts, constraints, references"}
		switch {
		case v.CloneError != "":
			c.Value, c.Class, c.Note = "FAILED", "bad", v.CloneError
			if len(c.Note) > 90 {
				c.Note = c.Note[:87] + "…"
			}
		case !v.OK:
			c.Value, c.Class, c.Note = "not verified", "bad", fmt.Sprintf("%d problem(s)", len(v.Problems))
		}
		p.Cards = append(p.Cards, c)
	}
	if p.Leak != nil {
		c := card{Label: "leak scan", Value: "no leak", Class: "ok", Note: p.Leak.Searched}
		switch {
		case !p.Leak.OK:
			c.Value, c.Class = "LEAK", "bad"
		case p.Leak.Cells == 0:
			c.Value, c.Class = "nothing scanned", "warn"
		case p.Leak.Warnings > 0:
			c.Value, c.Class = "no leak, warnings", "warn"
		}
		p.Cards = append(p.Cards, c)
	}
	for _, cv := range p.Checks {
		c := card{Label: "checks", Value: cv.Status, Note: cv.Summary, Class: "ok"}
		if cv.Status != "pass" {
			c.Class = "bad"
		}
		p.Cards = append(p.Cards, c)
	}
}

// redacted returns a check example as shown on the page: examples the check
// redacted keep their form; anything else keeps its first character only.
func redacted(v string) string {
	if strings.Contains(v, "***") || v == "" || v == "NULL" {
		return v
	}
	for _, c := range v {
		return string(c) + "***"
	}
	return v
}
