package subset

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// Relation kinds.
const (
	kindFK    = "fk"
	kindValue = "value"
)

// group is a table as a relation names it, with the tables that hold its
// rows: itself, or the leaf partitions of a partitioned table.
type group struct {
	table  *dbtwin.Table
	leaves []*dbtwin.Table
}

func (g *group) name() string { return g.table.QualifiedName() }

func (g *group) contains(t *dbtwin.Table) bool {
	for _, l := range g.leaves {
		if l == t {
			return true
		}
	}
	return false
}

// relEdge is one relation resolved against the schema. For kind "fk" the
// from side references the to side (from is the child); for kind "value" the
// two sides share values and neither is a key.
type relEdge struct {
	name     string
	kind     string
	declared bool
	from     *group
	fromCols []string
	to       *group
	toCols   []string
}

func describeRel(kind string, from string, fromCols []string, to string, toCols []string) string {
	arrow := " -> "
	if kind == kindValue {
		arrow = " ~ "
	}
	return from + "(" + strings.Join(fromCols, ", ") + ")" + arrow + to + "(" + strings.Join(toCols, ", ") + ")"
}

// graph is the relation graph of a schema over the tables that hold rows.
type graph struct {
	schema *dbtwin.Schema
	// leaves lists every table holding rows, sorted by qualified name.
	leaves []*dbtwin.Table
	index  map[*dbtwin.Table]int
	groups map[*dbtwin.Table]*group
	// edges are sorted by kind, from, to and name.
	edges []*relEdge
	// sccs are the strongly connected components of the child -> parent
	// graph of fk edges over leaves, parents first (a component comes after
	// every component it references).
	sccs [][]int
	comp []int
}

func buildGraph(s *dbtwin.Schema, rels []dbtwin.Relation) (*graph, error) {
	g := &graph{schema: s, index: map[*dbtwin.Table]int{}, groups: map[*dbtwin.Table]*group{}}
	for _, t := range s.Tables {
		if t.HasRows() {
			g.leaves = append(g.leaves, t)
		}
	}
	sort.Slice(g.leaves, func(i, j int) bool { return g.leaves[i].QualifiedName() < g.leaves[j].QualifiedName() })
	for i, t := range g.leaves {
		g.index[t] = i
	}
	kids := map[*dbtwin.Table][]*dbtwin.Table{}
	for _, t := range s.Tables {
		if t.PartitionOf == "" {
			continue
		}
		p := s.Table(t.PartitionOf)
		if p == nil {
			return nil, fmt.Errorf("subset: table %s is a partition of %s, which is not in the schema", t, t.PartitionOf)
		}
		kids[p] = append(kids[p], t)
	}
	for _, t := range s.Tables {
		g.groups[t] = &group{table: t, leaves: leavesOf(t, kids, 0)}
	}

	seen := map[string]bool{}
	add := func(e *relEdge) {
		k := e.kind + "\x00" + e.from.name() + "\x00" + strings.Join(e.fromCols, "\x01") + "\x00" +
			e.to.name() + "\x00" + strings.Join(e.toCols, "\x01")
		if seen[k] {
			return
		}
		seen[k] = true
		g.edges = append(g.edges, e)
	}
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			to := s.Table(fk.RefTable)
			if to == nil {
				return nil, fmt.Errorf("subset: foreign key %s of table %s references %s, which is not in the schema: "+
					"the subset cannot be closed over it", fk.Name, t, fk.RefTable)
			}
			if err := checkCols(t, fk.Columns, to, fk.RefColumns); err != nil {
				return nil, fmt.Errorf("subset: foreign key %s of table %s: %w", fk.Name, t, err)
			}
			name := fk.Name
			if name == "" {
				name = describeRel(kindFK, t.QualifiedName(), fk.Columns, to.QualifiedName(), fk.RefColumns)
			}
			add(&relEdge{name: name, kind: kindFK, declared: true,
				from: g.groups[t], fromCols: fk.Columns, to: g.groups[to], toCols: fk.RefColumns})
		}
	}
	for _, r := range rels {
		if r.Declared {
			continue // declared foreign keys come from the schema itself
		}
		kind := r.Kind
		if kind == "" {
			kind = kindFK
		}
		desc := describeRel(kind, r.FromTable, r.FromColumns, r.ToTable, r.ToColumns)
		if kind != kindFK && kind != kindValue {
			return nil, fmt.Errorf("%w: subset: relation %s: unknown kind %q (want \"fk\" or \"value\")", dbtwin.ErrUsage, desc, r.Kind)
		}
		from, to := s.Table(r.FromTable), s.Table(r.ToTable)
		if from == nil || to == nil {
			missing := r.FromTable
			if from != nil {
				missing = r.ToTable
			}
			return nil, fmt.Errorf("%w: subset: relation %s: table %s is not in the source: check the name in relations:",
				dbtwin.ErrUsage, desc, missing)
		}
		if err := checkCols(from, r.FromColumns, to, r.ToColumns); err != nil {
			return nil, fmt.Errorf("%w: subset: relation %s: %w", dbtwin.ErrUsage, desc, err)
		}
		add(&relEdge{name: "relation " + describeRel(kind, from.QualifiedName(), r.FromColumns, to.QualifiedName(), r.ToColumns),
			kind: kind, from: g.groups[from], fromCols: r.FromColumns, to: g.groups[to], toCols: r.ToColumns})
	}
	g.dropInherited()
	sort.SliceStable(g.edges, func(i, j int) bool {
		a, b := g.edges[i], g.edges[j]
		if a.kind != b.kind {
			return a.kind < b.kind
		}
		if a.from.name() != b.from.name() {
			return a.from.name() < b.from.name()
		}
		if a.to.name() != b.to.name() {
			return a.to.name() < b.to.name()
		}
		return a.name < b.name
	})
	g.computeSCCs()
	return g, nil
}

// dropInherited removes the copies of a partitioned table's foreign key
// that engines report besides it: on each partition of the referencing
// table, and (PostgreSQL's internal clones) from the referencing table to
// each partition of a referenced partitioned table. The key of the
// partitioned table covers them all: a reference is satisfied by a row in
// any partition, and children are capped across partitions.
func (g *graph) dropInherited() {
	var kept []*relEdge
	for _, e := range g.edges {
		inherited := false
		for _, p := range g.edges {
			if p == e || p.kind != e.kind || (p.from == e.from && p.to == e.to) ||
				!sameCols(p.fromCols, e.fromCols) || !sameCols(p.toCols, e.toCols) ||
				!covers(p.from, e.from) || !covers(p.to, e.to) {
				continue
			}
			inherited = true
			break
		}
		if !inherited {
			kept = append(kept, e)
		}
	}
	g.edges = kept
}

// covers reports whether a is b or a partitioned table holding all of b's rows.
func covers(a, b *group) bool {
	if a == b {
		return true
	}
	if !a.table.Partitioned || len(b.leaves) == 0 {
		return false
	}
	for _, l := range b.leaves {
		if !a.contains(l) {
			return false
		}
	}
	return true
}

func leavesOf(t *dbtwin.Table, kids map[*dbtwin.Table][]*dbtwin.Table, depth int) []*dbtwin.Table {
	if !t.Partitioned || depth > 32 {
		if t.Partitioned {
			return nil
		}
		return []*dbtwin.Table{t}
	}
	var out []*dbtwin.Table
	for _, k := range kids[t] {
		out = append(out, leavesOf(k, kids, depth+1)...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].QualifiedName() < out[j].QualifiedName() })
	return out
}

func checkCols(from *dbtwin.Table, fromCols []string, to *dbtwin.Table, toCols []string) error {
	if len(fromCols) == 0 || len(fromCols) != len(toCols) {
		return fmt.Errorf("%d column(s) on %s but %d on %s: both sides need the same number (at least one)",
			len(fromCols), from, len(toCols), to)
	}
	for _, c := range fromCols {
		if from.Column(c) == nil {
			return fmt.Errorf("table %s has no column %q", from, c)
		}
	}
	for _, c := range toCols {
		if to.Column(c) == nil {
			return fmt.Errorf("table %s has no column %q", to, c)
		}
	}
	return nil
}

// arcs returns, for each leaf index, the leaf indices it references by fk edges.
func (g *graph) arcs() [][]int {
	out := make([][]int, len(g.leaves))
	for _, e := range g.edges {
		if e.kind != kindFK {
			continue
		}
		for _, c := range e.from.leaves {
			for _, p := range e.to.leaves {
				out[g.index[c]] = append(out[g.index[c]], g.index[p])
			}
		}
	}
	return out
}

// computeSCCs runs Tarjan's algorithm (iteratively) over child -> parent
// arcs. Components come out parents first.
func (g *graph) computeSCCs() {
	arcs := g.arcs()
	n := len(g.leaves)
	index := make([]int, n)
	low := make([]int, n)
	onStack := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	g.comp = make([]int, n)
	var stack []int
	next := 0
	type frame struct{ v, arc int }
	for root := 0; root < n; root++ {
		if index[root] >= 0 {
			continue
		}
		call := []frame{{v: root}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			if f.arc < len(arcs[f.v]) {
				w := arcs[f.v][f.arc]
				f.arc++
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					call = append(call, frame{v: w})
				} else if onStack[w] && index[w] < low[f.v] {
					low[f.v] = index[w]
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				if low[v] < low[u] {
					low[u] = low[v]
				}
			}
			if low[v] == index[v] {
				var c []int
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					g.comp[w] = len(g.sccs)
					c = append(c, w)
					if w == v {
						break
					}
				}
				sort.Ints(c)
				g.sccs = append(g.sccs, c)
			}
		}
	}
}

// cycles lists the components that contain a cycle (several tables, or one
// table referencing itself), each as sorted table names.
func (g *graph) cycles() [][]string {
	arcs := g.arcs()
	var out [][]string
	for _, c := range g.sccs {
		cyclic := len(c) > 1
		if !cyclic {
			for _, w := range arcs[c[0]] {
				if w == c[0] {
					cyclic = true
				}
			}
		}
		if !cyclic {
			continue
		}
		names := make([]string, len(c))
		for i, v := range c {
			names[i] = g.leaves[v].QualifiedName()
		}
		sort.Strings(names)
		out = append(out, names)
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

// childrenFirst returns leaf indices ordered so that a table comes before the
// tables it references (outside its own cycle).
func (g *graph) childrenFirst() []int {
	out := make([]int, 0, len(g.leaves))
	for i := len(g.sccs) - 1; i >= 0; i-- {
		out = append(out, g.sccs[i]...)
	}
	return out
}
