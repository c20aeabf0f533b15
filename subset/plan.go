package subset

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
)

// Defaults applied when the configuration leaves a setting out.
const (
	// DefaultMaxPerParent caps the children followed per parent row and relation.
	DefaultMaxPerParent = 100
	// DefaultUnreachablePercent is the sample taken from tables no root reaches.
	DefaultUnreachablePercent = 10.0
)

// Rules say why a table gets rows; they are the "rule" values of the plan's JSON.
const (
	// RuleRoot: rows chosen by a root (where, percent, limit).
	RuleRoot = "root"
	// RuleChildren: rows referencing selected rows, within the children caps.
	RuleChildren = "children"
	// RuleValue: rows sharing values with selected rows through a value relation.
	RuleValue = "value"
	// RuleParents: only rows that selected rows reference.
	RuleParents = "parents"
	// RuleUnreachable: no root reaches the table; it gets a deterministic sample.
	RuleUnreachable = "unreachable"
	// RuleEmpty: the configuration asks for the table's schema without rows.
	RuleEmpty = "empty"
	// RuleExcluded: the configuration leaves the table's rows out.
	RuleExcluded = "excluded"
	// RulePartitioned: a partitioned table; its rows live in its partitions.
	RulePartitioned = "partitioned"
)

// Plan is what a subset will do, table by table, before any data moves. It is
// JSON-friendly; Select executes it.
type Plan struct {
	Roots              []RootPlan  `json:"roots"`
	MaxPerParent       int64       `json:"max_per_parent"`
	MaxRows            int64       `json:"max_rows,omitempty"`
	UnreachablePercent float64     `json:"unreachable_percent"`
	Tables             []TablePlan `json:"tables"`
	// Cycles lists groups of tables that reference each other in a cycle
	// (a single table: a self-reference).
	Cycles [][]string `json:"cycles,omitempty"`

	g     *graph
	roots []*rootRule
	leaf  []*leafRule // by graph leaf index
	order []int       // reached leaves in the order reach found them
}

// RootPlan is one configured root.
type RootPlan struct {
	Table   string  `json:"table"`
	Where   string  `json:"where,omitempty"`
	Percent float64 `json:"percent,omitempty"`
	Limit   int64   `json:"limit,omitempty"`
	OrderBy string  `json:"order_by,omitempty"`
	// EstimatedRows is filled by Estimate (-1 before).
	EstimatedRows int64 `json:"estimated_rows"`
}

// TablePlan says how one table gets its rows.
type TablePlan struct {
	Table string `json:"table"`
	// Rule is one of the Rule* constants.
	Rule string `json:"rule"`
	// How is the same in words, e.g. "children of public.users via orders_user_id_fkey".
	How string `json:"how"`
	// Path is the chain of relations from a root to this table (empty for
	// roots and tables that are not reached).
	Path []PathStep `json:"path,omitempty"`
	// MaxPerParent and MaxRows are the children caps that apply to relations
	// into this table.
	MaxPerParent int64 `json:"max_per_parent,omitempty"`
	MaxRows      int64 `json:"max_rows,omitempty"`
	// SourceRows and EstimatedRows are filled by Estimate (-1 before).
	SourceRows    int64 `json:"source_rows"`
	EstimatedRows int64 `json:"estimated_rows"`
}

// PathStep is one hop of a path: Table is reached from From, as a child,
// parent or value match, through the relation Via.
type PathStep struct {
	From  string `json:"from"`
	Table string `json:"table"`
	As    string `json:"as"`
	Via   string `json:"via"`
}

type leafRule struct {
	t            *dbtwin.Table
	off          string // "", RuleEmpty or RuleExcluded
	maxPerParent int64
	maxRows      int64
	rule         string
	pred         int // leaf index this one was reached from, -1 if none
	step         PathStep
	tp           int // index in Plan.Tables
	est          int64
}

type rootRule struct {
	cfg    config.Root
	table  *dbtwin.Table
	leaves []*dbtwin.Table
	how    string
}

// NewPlan resolves a subset configuration against a schema. rels are the
// relations the database does not declare (from the configuration's
// relations:); declared foreign keys are taken from the schema, and any
// Declared entries in rels are ignored. Errors name the table and the
// configuration position; they wrap dbtwin.ErrUsage.
func NewPlan(s *dbtwin.Schema, rels []dbtwin.Relation, cfg *config.Subset) (*Plan, error) {
	if s == nil {
		return nil, errors.New("subset: no schema")
	}
	if cfg == nil {
		return nil, &usageError{msg: "subset: no subset section: without one the clone is a full copy and needs no subset plan"}
	}
	g, err := buildGraph(s, rels)
	if err != nil {
		return nil, err
	}
	p := &Plan{g: g, Roots: []RootPlan{}, MaxPerParent: cfg.Children.MaxPerParent, MaxRows: cfg.Children.MaxRows,
		UnreachablePercent: DefaultUnreachablePercent}
	var errs []error
	if p.MaxPerParent < 0 || p.MaxRows < 0 {
		errs = append(errs, usagef(cfg.Pos, "subset children: max_per_parent and max_rows must be positive (0 or absent = default)"))
	}
	if p.MaxPerParent <= 0 {
		p.MaxPerParent = DefaultMaxPerParent
	}
	if p.MaxRows < 0 {
		p.MaxRows = 0
	}
	if u := cfg.Unreachable; u != nil {
		if u.Percent < 0 || u.Percent > 100 {
			errs = append(errs, usagef(cfg.Pos, "subset unreachable: percent %v is outside 0..100", u.Percent))
		} else {
			p.UnreachablePercent = u.Percent
		}
	}
	p.leaf = make([]*leafRule, len(g.leaves))
	for i, t := range g.leaves {
		p.leaf[i] = &leafRule{t: t, maxPerParent: p.MaxPerParent, maxRows: p.MaxRows, pred: -1}
	}
	errs = append(errs, p.applyTables(cfg)...)
	errs = append(errs, p.applyRoots(cfg)...)
	errs = append(errs, p.checkOff()...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	p.reach()
	p.Cycles = g.cycles()
	return p, nil
}

func (p *Plan) applyTables(cfg *config.Subset) []error {
	var errs []error
	seen := map[*dbtwin.Table]bool{}
	for _, ts := range cfg.Tables {
		t, err := lookup(p.g.schema, ts.Table, ts.Pos, "subset tables")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if seen[t] {
			errs = append(errs, usagef(ts.Pos, "subset tables: %s is listed twice: merge its settings", t))
			continue
		}
		seen[t] = true
		if c := ts.Children; c != nil && (c.MaxPerParent < 0 || c.MaxRows < 0) {
			errs = append(errs, usagef(ts.Pos, "subset tables: %s: children caps must be positive", t))
			continue
		}
		for _, l := range p.g.groups[t].leaves {
			r := p.leaf[p.g.index[l]]
			switch {
			case ts.Exclude:
				r.off = RuleExcluded
			case ts.Empty:
				r.off = RuleEmpty
			}
			if c := ts.Children; c != nil {
				if c.MaxPerParent > 0 {
					r.maxPerParent = c.MaxPerParent
				}
				if c.MaxRows > 0 {
					r.maxRows = c.MaxRows
				}
			}
		}
	}
	return errs
}

func (p *Plan) applyRoots(cfg *config.Subset) []error {
	var errs []error
	for _, rc := range cfg.Roots {
		t, err := lookup(p.g.schema, rc.Table, rc.Pos, "subset root")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch {
		case rc.Percent < 0 || rc.Percent > 100:
			errs = append(errs, usagef(rc.Pos, "subset root %s: percent %v is outside 0..100", t, rc.Percent))
			continue
		case rc.Limit < 0:
			errs = append(errs, usagef(rc.Pos, "subset root %s: limit %d is negative", t, rc.Limit))
			continue
		case rc.OrderBy != "" && rc.Limit == 0:
			errs = append(errs, usagef(rc.Pos, "subset root %s: order_by only matters with limit: add limit or drop order_by", t))
			continue
		}
		leaves := p.g.groups[t].leaves
		for _, l := range leaves {
			if off := p.leaf[p.g.index[l]].off; off != "" {
				errs = append(errs, usagef(rc.Pos, "subset root %s: the table is configured %s, so it cannot be a root", t, off))
			}
		}
		r := &rootRule{cfg: rc, table: t, leaves: leaves, how: rootHow(rc)}
		p.roots = append(p.roots, r)
		p.Roots = append(p.Roots, RootPlan{Table: t.QualifiedName(), Where: rc.Where, Percent: rc.Percent,
			Limit: rc.Limit, OrderBy: rc.OrderBy, EstimatedRows: -1})
	}
	return errs
}

func rootHow(rc config.Root) string {
	var parts []string
	if rc.Where != "" {
		parts = append(parts, "where "+rc.Where)
	}
	if rc.Percent > 0 {
		parts = append(parts, "percent "+strconv.FormatFloat(rc.Percent, 'g', -1, 64))
	}
	if rc.Limit > 0 {
		l := "limit " + strconv.FormatInt(rc.Limit, 10)
		if rc.OrderBy != "" {
			l += " order by " + rc.OrderBy
		}
		parts = append(parts, l)
	}
	if len(parts) == 0 {
		return "root (all rows)"
	}
	return "root (" + strings.Join(parts, ", ") + ")"
}

// checkOff refuses a plan in which a table that gets rows references a table
// configured to stay empty: the references could not be satisfied.
func (p *Plan) checkOff() []error {
	var errs []error
	for _, e := range p.g.edges {
		if e.kind != kindFK {
			continue
		}
		for _, to := range e.to.leaves {
			tr := p.leaf[p.g.index[to]]
			if tr.off == "" {
				continue
			}
			for _, from := range e.from.leaves {
				if p.leaf[p.g.index[from]].off != "" {
					continue
				}
				errs = append(errs, &usageError{msg: fmt.Sprintf(
					"subset: table %s is configured %s, but %s references it through %s (columns %s): "+
						"the twin's rows of %s would point at missing rows; make %s %s too, or give %s rows",
					to, tr.off, from, e.name, strings.Join(e.fromCols, ", "), from, from, tr.off, to)})
			}
		}
	}
	return errs
}

// reach assigns each table its rule and path: first the tables roots reach
// by following children and value relations, then the parents of all of
// those, then the rest (unreachable, sampled).
func (p *Plan) reach() {
	g := p.g
	var queue []int
	for _, r := range p.roots {
		for _, l := range r.leaves {
			i := g.index[l]
			if p.leaf[i].rule == "" {
				p.leaf[i].rule = RuleRoot
				queue = append(queue, i)
			}
		}
	}
	assign := func(i, from int, rule, as string, e *relEdge) bool {
		r := p.leaf[i]
		if r.rule != "" || r.off != "" {
			return false
		}
		r.rule, r.pred = rule, from
		r.step = PathStep{From: g.leaves[from].QualifiedName(), Table: r.t.QualifiedName(), As: as, Via: e.name}
		return true
	}
	for k := 0; k < len(queue); k++ {
		x := g.leaves[queue[k]]
		for _, e := range g.edges {
			var targets []*dbtwin.Table
			rule, as := RuleChildren, "child"
			switch {
			case e.kind == kindFK && e.to.contains(x):
				targets = e.from.leaves
			case e.kind == kindValue && e.from.contains(x):
				targets, rule, as = e.to.leaves, RuleValue, "value"
			case e.kind == kindValue && e.to.contains(x):
				targets, rule, as = e.from.leaves, RuleValue, "value"
			}
			for _, t := range targets {
				if assign(g.index[t], queue[k], rule, as, e) {
					queue = append(queue, g.index[t])
				}
			}
		}
	}
	for k := 0; k < len(queue); k++ {
		x := g.leaves[queue[k]]
		for _, e := range g.edges {
			if e.kind != kindFK || !e.from.contains(x) {
				continue
			}
			for _, t := range e.to.leaves {
				if assign(g.index[t], queue[k], RuleParents, "parent", e) {
					queue = append(queue, g.index[t])
				}
			}
		}
	}
	for _, r := range p.leaf {
		switch {
		case r.off != "":
			r.rule = r.off
		case r.rule == "":
			r.rule = RuleUnreachable
		}
	}
	p.order = queue
	p.buildTables()
}

func (p *Plan) buildTables() {
	g := p.g
	var ts []*dbtwin.Table
	ts = append(ts, g.schema.Tables...)
	sort.Slice(ts, func(i, j int) bool { return ts[i].QualifiedName() < ts[j].QualifiedName() })
	for _, t := range ts {
		tp := TablePlan{Table: t.QualifiedName(), SourceRows: -1, EstimatedRows: -1}
		if i, ok := g.index[t]; ok {
			r := p.leaf[i]
			tp.Rule = r.rule
			tp.How = p.how(i)
			tp.Path = p.path(i)
			if r.rule == RuleChildren || r.rule == RuleValue {
				tp.MaxPerParent, tp.MaxRows = r.maxPerParent, r.maxRows
			}
			r.tp = len(p.Tables)
		} else {
			tp.Rule = RulePartitioned
			var names []string
			for _, l := range g.groups[t].leaves {
				names = append(names, l.QualifiedName())
			}
			tp.How = "partitioned: rows are selected in its partitions (" + strings.Join(names, ", ") + ")"
		}
		p.Tables = append(p.Tables, tp)
	}
}

func (p *Plan) how(i int) string {
	r := p.leaf[i]
	pct := strconv.FormatFloat(p.UnreachablePercent, 'g', -1, 64)
	switch r.rule {
	case RuleRoot:
		var hows []string
		for _, rr := range p.roots {
			for _, l := range rr.leaves {
				if l == r.t {
					hows = append(hows, rr.how)
				}
			}
		}
		return strings.Join(hows, "; ")
	case RuleChildren:
		return "children of " + r.step.From + " via " + r.step.Via
	case RuleValue:
		return "value matches of " + r.step.From + " via " + r.step.Via + ", plus a " + pct + "% sample of the rows matching nothing"
	case RuleParents:
		return "parents of " + r.step.From + " via " + r.step.Via
	case RuleUnreachable:
		return "unreachable sample " + pct + "% (at least 1 row), closed over its parents"
	case RuleEmpty:
		return "empty (config)"
	case RuleExcluded:
		return "excluded (config)"
	}
	return r.rule
}

func (p *Plan) path(i int) []PathStep {
	var rev []PathStep
	for n := 0; i >= 0 && p.leaf[i].pred >= 0 && n <= len(p.leaf); n++ {
		rev = append(rev, p.leaf[i].step)
		i = p.leaf[i].pred
	}
	out := make([]PathStep, len(rev))
	for k := range rev {
		out[k] = rev[len(rev)-1-k]
	}
	return out
}
