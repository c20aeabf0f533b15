package report

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/dbtwin/dbtwin/check"
)

// page is everything the template draws.
type page struct {
	Title, Generated string
	Sources          []string
	Cards            []card
	Map              *mapView
	PII              []piiRow
	Unmasked         []string
	Tables           []tableRow
	TwinKind         string // "twin rows" or "estimated twin rows"
	Phases           []phase
	CloneMS          int64
	CloneWarnings    []string
	Verification     *verification
	Leak             *leakView
	Checks           []checkView
	Data             mapData
}

type card struct{ Label, Value, Note, Class string }

type mapView struct {
	W, H         float64
	Nodes        []nodeView
	Edges        []edgeView
	Comps        []component
	Schemas      []string
	Declared     int
	Key, Value   int
	WithPersonal int
	NotDrawn     int
}

type nodeView struct {
	ID, Comp       int
	Name, Schema   string
	Label          string
	X, Y, R        float64
	LabelY         float64
	PII            int
	BadgeX, BadgeY float64
}

type edgeView struct {
	ID, From, To, Comp int
	Kind, Path, Label  string
}

// mapData is the JSON the script reads (details for tooltips and panels).
type mapData struct {
	Nodes []*node     `json:"nodes"`
	Edges []*edge     `json:"edges"`
	Comps []component `json:"comps"`
	W     float64     `json:"w"`
	H     float64     `json:"h"`
}

type piiRow struct {
	Table, Column, Category, Level, Rule string
	Confidence                           string
	Masked                               bool
}

type tableRow struct {
	Table            string
	Rows, TwinRows   string
	ProdPct, TwinPct float64 // bar widths, % of the column
	Share            string
	How              string
	Path             []string
	Masked           []string
	Empty            bool
}

type phase struct {
	Name        string
	MS          int64
	Left, Width float64
	Class       int
}

type verification struct {
	OK       bool
	Problems []string
	// CloneError is the clone's failure, if it failed.
	CloneError string
	// SourceViolations are production's own violations the clone copied.
	SourceViolations template.HTML
}

type checkView struct {
	File, Status, Summary string
	Results               []checkRow
}

type checkRow struct {
	Name, Kind, Status, Mark, Message, Fanout string
	Observed                                  []string
	Examples                                  []string
}

// buildPage turns the report into the template's view.
func (r *Report) buildPage() *page {
	p := &page{Title: r.Title, TwinKind: "twin rows"}
	if p.Title == "" {
		p.Title = "dbtwin report"
	}
	gen := r.Generated
	if gen.IsZero() {
		gen = time.Now()
	}
	p.Generated = gen.UTC().Format("2006-01-02 15:04 UTC")
	g := r.buildGraph()
	layout(g)
	p.Map = mapViewOf(r, g)
	p.Data = mapData{Nodes: g.nodes, Edges: g.edges, Comps: g.comps, W: g.w, H: g.h}
	r.fillSources(p)
	r.fillPII(p, g)
	r.fillTables(p, g)
	r.fillProofs(p)
	r.fillCards(p, g)
	return p
}

func (r *Report) fillSources(p *page) {
	add := func(what, url string) {
		if url != "" {
			p.Sources = append(p.Sources, what+" "+url)
		}
	}
	if r.Scan != nil {
		p.Sources = append(p.Sources, fmt.Sprintf("scan of a %s database (%s rows sampled with %d queries)",
			r.Scan.Engine, thousands(r.Scan.Stats.Rows), r.Scan.Stats.Queries))
	}
	if r.Clone != nil {
		add("source", r.Clone.Source)
		add("twin", r.Clone.Target)
	} else if r.Plan != nil {
		add("source", r.Plan.Source)
	}
	if r.Config != nil && r.Config.File != "" {
		add("config", r.Config.File)
	}
}

func mapViewOf(r *Report, g *graph) *mapView {
	m := &mapView{W: g.w, H: g.h, Comps: g.comps, Schemas: r.schemas(g), NotDrawn: g.notDrawn}
	for _, n := range g.nodes {
		v := nodeView{ID: n.ID, Comp: n.Comp, Name: n.Name, Schema: n.Schema, Label: n.label,
			X: round1(n.x), Y: round1(n.y), R: round1(n.r), LabelY: round1(n.r + 12), PII: len(n.PII)}
		v.BadgeX, v.BadgeY = round1(n.r*0.72), round1(-n.r*0.72)
		if len(n.PII) > 0 {
			m.WithPersonal++
		}
		m.Nodes = append(m.Nodes, v)
	}
	pairs := map[[2]int]int{}
	for _, e := range g.edges {
		a, b := g.nodes[e.From], g.nodes[e.To]
		key := [2]int{min(e.From, e.To), max(e.From, e.To)}
		k := pairs[key]
		pairs[key]++
		m.Edges = append(m.Edges, edgeView{ID: e.ID, From: e.From, To: e.To, Comp: a.Comp, Kind: e.Kind,
			Path: edgePath(a, b, k, e.Kind), Label: e.Label})
		switch e.Kind {
		case EdgeDeclared:
			m.Declared++
		case EdgeKey:
			m.Key++
		case EdgeValue:
			m.Value++
		}
	}
	return m
}

// edgePath draws a link from the edge of one circle to the edge of the
// other; the k-th link between the same two tables bends more, so parallel
// links stay apart. A self-reference is a loop.
func edgePath(a, b *node, k int, kind string) string {
	if a == b {
		r := a.r
		x, y := a.x+r*0.7, a.y-r*0.7
		return fmt.Sprintf("M%.1f %.1fc%.1f %.1f %.1f %.1f %.1f %.1f", x, y, 30.0+float64(k)*8, -40.0, 50.0+float64(k)*8, 10.0, 1.0, 1.0+r*0.2)
	}
	dx, dy := b.x-a.x, b.y-a.y
	d := math.Hypot(dx, dy)
	if d < 1e-6 {
		d = 1e-6
	}
	ux, uy := dx/d, dy/d
	endGap := 2.0
	if kind != EdgeValue {
		endGap = 5 // room for the arrowhead
	}
	x1, y1 := a.x+ux*(a.r+1), a.y+uy*(a.r+1)
	x2, y2 := b.x-ux*(b.r+endGap), b.y-uy*(b.r+endGap)
	if k == 0 {
		return fmt.Sprintf("M%.1f %.1fL%.1f %.1f", x1, y1, x2, y2)
	}
	off := float64((k+1)/2) * 22
	if k%2 == 0 {
		off = -off
	}
	mx, my := (x1+x2)/2-uy*off, (y1+y2)/2+ux*off
	return fmt.Sprintf("M%.1f %.1fQ%.1f %.1f %.1f %.1f", x1, y1, mx, my, x2, y2)
}

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
		p.Verification.SourceViolations = template.HTML(renderJSON(r.Clone.SourceViolations, 0))
	}
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

func thousands(n int64) string {
	if n < 0 {
		return "?"
	}
	s := itoa(int(n))
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func number(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		if f < 0 {
			return "-" + thousands(int64(-f))
		}
		return thousands(int64(f))
	}
	return fmt.Sprintf("%.3g", f)
}

func round1(f float64) float64 { return math.Round(f*10) / 10 }
