package report

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin/config"
)

// Edge kinds on the map.
const (
	EdgeDeclared = "declared" // a foreign key the database declares
	EdgeKey      = "key"      // an undeclared link to a unique key, found by scan
	EdgeValue    = "value"    // an undeclared value link (columns sharing values)
)

// node is one table on the map.
type node struct {
	ID       int      `json:"id"`
	Name     string   `json:"name"`
	Schema   string   `json:"schema"`
	Rows     int64    `json:"rows"`
	TwinRows int64    `json:"twin_rows"` // -1: no clone or plan
	PII      []string `json:"pii"`       // "column (category, level)"
	Masked   []string `json:"masked"`    // "column: rule"
	Reached  string   `json:"reached,omitempty"`
	Comp     int      `json:"comp"`

	x, y, r float64
	label   string
}

// edge is one link on the map, From → To (the referenced side).
type edge struct {
	ID         int      `json:"id"`
	From       int      `json:"from"`
	To         int      `json:"to"`
	Kind       string   `json:"kind"`
	Label      string   `json:"label"`
	Confidence float64  `json:"confidence"`
	Level      string   `json:"level,omitempty"`
	Evidence   []string `json:"evidence"`
}

// graph is the relationship map before and after layout.
type graph struct {
	nodes []*node
	edges []*edge
	comps []component
	w, h  float64
	// notDrawn counts the undeclared links left out (limitUndeclared).
	notDrawn int
}

// component is a connected group of tables, a cluster that can be collapsed.
type component struct {
	ID           int
	Nodes, Edges int
	X, Y, W, H   float64
	Label        string
}

// schemaOf returns the schema part of a qualified table name ("" if none).
func schemaOf(name string) string {
	if i := strings.IndexByte(name, '.'); i > 0 {
		return name[:i]
	}
	return ""
}

// buildGraph gathers the tables and links of every part of the report.
func (r *Report) buildGraph() *graph {
	g := &graph{}
	byName := map[string]*node{}
	get := func(name string) *node {
		if n := byName[name]; n != nil {
			return n
		}
		n := &node{ID: len(g.nodes), Name: name, Schema: schemaOf(name), Rows: -1, TwinRows: -1,
			PII: []string{}, Masked: []string{}}
		g.nodes = append(g.nodes, n)
		byName[name] = n
		return n
	}
	if r.Scan != nil {
		for _, t := range r.Scan.Tables {
			get(t.Table).Rows = t.Rows
		}
	}
	if r.Plan != nil {
		for _, t := range r.Plan.Tables {
			n := get(t.Table)
			if n.Rows < 0 {
				n.Rows = t.SourceRows
			}
			n.TwinRows = t.EstimatedRows
			n.Reached = t.How
		}
		for t, cols := range r.Plan.Masked {
			get(t).Masked = slices.Clone(cols)
		}
	}
	if r.Clone != nil {
		for _, t := range r.Clone.Tables {
			n := get(t.Table)
			if n.Rows < 0 || r.Scan == nil {
				n.Rows = t.SourceRows
			}
			n.TwinRows = t.Rows
			n.Reached = t.Reached
			if len(t.Masked) > 0 {
				n.Masked = slices.Clone(t.Masked)
			}
		}
	}
	if r.Scan != nil {
		for _, p := range r.Scan.PII {
			n := get(p.Table)
			n.PII = append(n.PII, fmt.Sprintf("%s (%s, %s)", p.Column, strings.ReplaceAll(p.Category, "_", " "), p.Level))
		}
		seen := map[string]bool{}
		for _, rel := range r.Scan.Relationships {
			from, to := get(rel.From.Table), get(rel.To.Table)
			kind := EdgeDeclared
			if !rel.Declared {
				kind = EdgeKey
				if rel.Kind == "value" {
					kind = EdgeValue
				}
			}
			label := fmt.Sprintf("%s(%s) → %s(%s)", rel.From.Table, strings.Join(rel.From.Columns, ", "),
				rel.To.Table, strings.Join(rel.To.Columns, ", "))
			if kind == EdgeValue {
				label = strings.Replace(label, " → ", " ~ ", 1)
			}
			if seen[kind+label] {
				continue
			}
			seen[kind+label] = true
			ev := slices.Clone(rel.Evidence)
			if ev == nil {
				ev = []string{}
			}
			conf := rel.Confidence
			if rel.Declared && conf == 0 {
				conf = 1
			}
			g.edges = append(g.edges, &edge{ID: len(g.edges), From: from.ID, To: to.ID, Kind: kind,
				Label: label, Confidence: conf, Level: rel.Level, Evidence: ev})
		}
	}
	g.limitUndeclared(maxUndeclaredDrawn)
	r.addRules(g, byName)
	// One schema: labels without it.
	single := len(r.schemas(g)) == 1
	for _, n := range g.nodes {
		n.label = n.Name
		if n.Schema != "" && single {
			n.label = n.Name[len(n.Schema)+1:]
		}
	}
	return g
}

// maxUndeclaredDrawn caps the undeclared links drawn. A scan of many small
// tables whose keys all run 1..N can report tens of thousands of candidate
// links; drawing 70,000 of them took Chromium 26 s and made the page
// unusable. The most confident ones are drawn and the page says how many
// were left out.
const maxUndeclaredDrawn = 2000

// limitUndeclared keeps the limit most confident undeclared links.
func (g *graph) limitUndeclared(limit int) {
	var undeclared []*edge
	for _, e := range g.edges {
		if e.Kind != EdgeDeclared {
			undeclared = append(undeclared, e)
		}
	}
	if len(undeclared) <= limit {
		return
	}
	sort.SliceStable(undeclared, func(i, j int) bool { return undeclared[i].Confidence > undeclared[j].Confidence })
	drop := map[*edge]bool{}
	for _, e := range undeclared[limit:] {
		drop[e] = true
	}
	g.notDrawn = len(drop)
	kept := g.edges[:0]
	for _, e := range g.edges {
		if !drop[e] {
			e.ID = len(kept)
			kept = append(kept, e)
		}
	}
	g.edges = kept
}

// schemas lists the schemas of the map's tables.
func (r *Report) schemas(g *graph) []string {
	set := map[string]bool{}
	for _, n := range g.nodes {
		set[n.Schema] = true
	}
	var out []string
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// addRules writes each masked column's rule from the config next to it.
func (r *Report) addRules(g *graph, byName map[string]*node) {
	if r.Config == nil {
		return
	}
	for _, tm := range r.Config.Mask {
		n := byName[tm.Table]
		if n == nil {
			for _, c := range g.nodes {
				if strings.HasSuffix(c.Name, "."+tm.Table) {
					n = c
					break
				}
			}
		}
		if n == nil {
			continue
		}
		for _, cr := range tm.Columns {
			rule := cr.Column + ": " + ruleText(cr.Rule)
			if i := slices.Index(n.Masked, cr.Column); i >= 0 {
				n.Masked[i] = rule
			} else {
				n.Masked = append(n.Masked, rule)
			}
		}
	}
}

// ruleText writes a rule as "transformer (param=value, ...)". Parameters
// are the config's own (never data); nested rules are summarised.
func ruleText(rule config.Rule) string {
	var parts []string
	keys := make([]string, 0, len(rule.Params))
	for k := range rule.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch v := rule.Params[k].(type) {
		case map[string]any:
			parts = append(parts, fmt.Sprintf("%s: %d rule(s)", k, len(v)))
		case []any:
			parts = append(parts, fmt.Sprintf("%s: %d item(s)", k, len(v)))
		default:
			s := fmt.Sprint(v)
			if len(s) > 24 {
				s = s[:21] + "…"
			}
			parts = append(parts, k+"="+s)
		}
	}
	if rule.When != "" {
		parts = append(parts, "when "+rule.When)
	}
	if len(parts) == 0 {
		return rule.Transformer
	}
	return rule.Transformer + " (" + strings.Join(parts, ", ") + ")"
}

// radius makes a node's area proportional to its rows, relative to the
// largest table, with a floor so that empty tables stay visible.
func radius(rows, maxRows int64) float64 {
	const minR, maxR = 6, 46
	if rows <= 0 || maxRows <= 0 {
		return minR
	}
	return minR + (maxR-minR)*math.Sqrt(float64(rows)/float64(maxRows))
}
