package fidelity

import (
	"sync"

	"github.com/dbtwin/dbtwin"
)

// Side says which side of a clone a Tap records.
type Side int

// The two sides of a clone.
const (
	Production Side = iota
	Twin
)

// Collector gathers both sides' sketches of a clone's tables and relations
// while the rows move. Register tables with Table and relations with
// Relation before any Tap is taken; then each goroutine that sees rows takes
// its own Tap. Collector is safe for concurrent use.
type Collector struct {
	mu        sync.Mutex
	tables    map[string]*tableSpec
	order     []string
	relations []*relationSpec
	unchanged int
}

type tableSpec struct {
	name    string
	index   map[string]int // column → position in rows
	profile []int          // positions of the profiled columns
	names   []string       // profiled column names, parallel to profile
	rules   map[string]string
	sides   [2][]*ColumnSketch
	roles   []relationRole
	// restricted: the production side saw only the rows a subset selected.
	restricted bool
}

type relationRole struct {
	rel    *relationSpec
	parent bool
	cols   []int
}

type relationSpec struct {
	rel dbtwin.Relation
	// samples[side][0] is the parent side, [1] the child side.
	samples [2][2]*KeySample
}

// NewCollector returns an empty collector.
func NewCollector() *Collector { return &Collector{tables: map[string]*tableSpec{}} }

// Table registers a table whose rows arrive with the given columns, in that
// order; profile names the columns to measure (the others may still feed
// relations); rules names each masked column's rule, for the report.
func (c *Collector) Table(name string, columns, profile []string, rules map[string]string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ts := &tableSpec{name: name, index: map[string]int{}, rules: rules}
	for i, col := range columns {
		ts.index[col] = i
	}
	for _, col := range profile {
		if i, ok := ts.index[col]; ok {
			ts.profile = append(ts.profile, i)
			ts.names = append(ts.names, col)
		}
	}
	for s := range ts.sides {
		ts.sides[s] = make([]*ColumnSketch, len(ts.profile))
		for i := range ts.sides[s] {
			ts.sides[s][i] = NewColumnSketch()
		}
	}
	if _, dup := c.tables[name]; !dup {
		c.order = append(c.order, name)
	}
	c.tables[name] = ts
}

// Restricted marks a registered table whose production side sees only the
// rows a subset selected (the read itself was restricted): its columns are
// compared on those rows, and relations through it are not measured on the
// production side.
func (c *Collector) Restricted(table string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := c.tables[table]; t != nil {
		t.restricted = true
	}
}

// Relation registers a relation between two registered tables; it returns
// false (and measures nothing) when a table or a column is not registered.
// Register relations before taking any Tap of their tables.
func (c *Collector) Relation(r dbtwin.Relation) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	child, parent := c.tables[r.FromTable], c.tables[r.ToTable]
	if child == nil || parent == nil || len(r.FromColumns) != len(r.ToColumns) || len(r.FromColumns) == 0 {
		return false
	}
	ci, ok1 := positions(child.index, r.FromColumns)
	pi, ok2 := positions(parent.index, r.ToColumns)
	if !ok1 || !ok2 {
		return false
	}
	rs := &relationSpec{rel: r}
	for s := range rs.samples {
		rs.samples[s] = [2]*KeySample{NewKeySample(), NewKeySample()}
	}
	c.relations = append(c.relations, rs)
	parent.roles = append(parent.roles, relationRole{rel: rs, parent: true, cols: pi})
	child.roles = append(child.roles, relationRole{rel: rs, parent: false, cols: ci})
	return true
}

func positions(index map[string]int, cols []string) ([]int, bool) {
	out := make([]int, len(cols))
	for i, col := range cols {
		p, ok := index[col]
		if !ok {
			return nil, false
		}
		out[i] = p
	}
	return out, true
}

// Unchanged counts a table copied unchanged and in full (not measured:
// identical to production by construction).
func (c *Collector) Unchanged() {
	c.mu.Lock()
	c.unchanged++
	c.mu.Unlock()
}

// Tap records rows of one table on one side. It belongs to one goroutine;
// Close merges it into the collector. A Tap of an unregistered table
// records nothing.
type Tap struct {
	c       *Collector
	t       *tableSpec
	side    Side
	columns []*ColumnSketch
	samples []*KeySample // parallel to t.roles
	parts   [][]byte
}

// Tap returns a new recorder for one side of a table.
func (c *Collector) Tap(table string, side Side) *Tap {
	c.mu.Lock()
	t := c.tables[table]
	c.mu.Unlock()
	tp := &Tap{c: c, t: t, side: side}
	if t == nil {
		return tp
	}
	tp.columns = make([]*ColumnSketch, len(t.profile))
	for i := range tp.columns {
		tp.columns[i] = NewColumnSketch()
	}
	tp.samples = make([]*KeySample, len(t.roles))
	for i := range tp.samples {
		tp.samples[i] = NewKeySample()
	}
	return tp
}

// Add records one row, whose fields are in the registered column order. The
// row is not kept.
func (tp *Tap) Add(row dbtwin.Row) {
	if tp.t == nil {
		return
	}
	for i, p := range tp.t.profile {
		if p < len(row) {
			tp.columns[i].Add(row[p])
		}
	}
	for i, role := range tp.t.roles {
		tp.parts = tp.parts[:0]
		for _, p := range role.cols {
			if p < len(row) {
				tp.parts = append(tp.parts, row[p])
			}
		}
		if len(tp.parts) != len(role.cols) {
			continue
		}
		if h, ok := HashKey(tp.parts...); ok {
			tp.samples[i].AddHash(h)
		}
	}
}

// Close merges what the tap recorded into its collector; it is safe to call
// more than once.
func (tp *Tap) Close() {
	if tp.t == nil || tp.columns == nil {
		return
	}
	tp.c.mu.Lock()
	defer tp.c.mu.Unlock()
	for i, s := range tp.columns {
		tp.t.sides[tp.side][i].Merge(s)
	}
	for i, role := range tp.t.roles {
		k := 1
		if role.parent {
			k = 0
		}
		role.rel.samples[tp.side][k].Merge(tp.samples[i])
	}
	tp.columns, tp.samples = nil, nil
}

// Report compares the two sides of everything recorded. Call it after every
// Tap is closed.
func (c *Collector) Report(tol Tolerances) *Report {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := &Report{Tolerances: tol, Unchanged: c.unchanged, Columns: []Column{}, Relations: []Relation{}}
	for _, name := range c.order {
		t := c.tables[name]
		for i, col := range t.names {
			prod, twin := t.sides[Production][i], t.sides[Twin][i]
			if prod.Rows == 0 && twin.Rows == 0 {
				continue
			}
			cc := CompareColumn(name, col, t.rules[col], prod, twin, tol)
			if t.restricted {
				cc.ProductionScope = ScopeSelected
			}
			r.Columns = append(r.Columns, cc)
		}
	}
	for _, rs := range c.relations {
		prod := Relate(rs.samples[Production][0], rs.samples[Production][1])
		twin := Relate(rs.samples[Twin][0], rs.samples[Twin][1])
		if prod.ChildRows == 0 && twin.ChildRows == 0 {
			continue
		}
		from := rs.rel.FromTable + "(" + joinCols(rs.rel.FromColumns) + ")"
		to := rs.rel.ToTable + "(" + joinCols(rs.rel.ToColumns) + ")"
		if c.tables[rs.rel.FromTable].restricted || c.tables[rs.rel.ToTable].restricted {
			r.Relations = append(r.Relations, TwinOnlyRelation(from, to, rs.rel.Declared, rs.rel.Kind, twin))
			continue
		}
		r.Relations = append(r.Relations, CompareRelation(from, to, rs.rel.Declared, rs.rel.Kind, prod, twin, tol))
	}
	r.Sort()
	return r
}

func joinCols(cols []string) string {
	s := ""
	for i, c := range cols {
		if i > 0 {
			s += ", "
		}
		s += c
	}
	return s
}
