package report

import (
	"fmt"
	"html/template"
	"math"
	"strings"
	"time"
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
	Fidelity         *fidelityView
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
