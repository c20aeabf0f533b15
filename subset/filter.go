package subset

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// noRows is the predicate of a table that gets no rows.
const noRows = "1 = 0"

// Selection is the result of Select: the set of selected rows of each
// table, held as keys. It answers how the clone should read each table.
// It assumes the clone reads from the same snapshot Select read from.
type Selection struct {
	plan    *Plan
	states  map[*dbtwin.Table]*tstate
	results []TableResult
}

// TableResult is what Select chose for one table.
type TableResult struct {
	Table string `json:"table"`
	// Rule is the plan's rule for the table (see the Rule* constants).
	Rule string `json:"rule"`
	// Rows is the number of distinct rows selected.
	Rows int64 `json:"rows"`
	// Reached breaks Rows down by how the rows were reached, in the order
	// each way first added rows.
	Reached []Reach `json:"reached,omitempty"`
	// Unresolved counts distinct references of selected rows whose parent
	// row the source itself does not have (dangling in production).
	Unresolved int64 `json:"unresolved,omitempty"`
	// Capped is set when the table's max_rows stopped children being added.
	Capped bool `json:"capped,omitempty"`
}

// Reach is one way rows reached a table, e.g. "parent of public.orders via
// orders_customer_id_fkey", and how many rows it added.
type Reach struct {
	How  string `json:"how"`
	Rows int64  `json:"rows"`
}

func (tr *traversal) finish() *Selection {
	s := &Selection{plan: tr.p, states: map[*dbtwin.Table]*tstate{}}
	for _, st := range tr.states {
		for _, k := range st.keys {
			if !k.shared {
				k.set.free()
			}
		}
		st.keys, st.outFK, st.follows = nil, nil, nil
		st.expanded.free()
		st.expandedOut.free()
		st.expanded, st.expandedOut = nil, nil
		st.selected.optimize()
		s.states[st.t] = st
	}
	tr.refs, tr.follows = nil, nil
	for _, tp := range tr.p.Tables {
		res := TableResult{Table: tp.Table, Rule: tp.Rule}
		t := tr.p.g.schema.Table(tp.Table)
		for _, l := range tr.p.g.groups[t].leaves {
			st := s.states[l]
			res.Rows += st.rows
			res.Unresolved += st.unresolved
			res.Capped = res.Capped || st.capped
			if st.rule.off != "" {
				res.Reached = append(res.Reached, Reach{How: st.rule.off + " (config)"})
				continue
			}
			if len(tr.p.g.groups[t].leaves) > 1 || l != t {
				res.Reached = append(res.Reached, Reach{How: "in partition " + st.name, Rows: st.rows})
				continue
			}
			for _, h := range st.reachSeq {
				res.Reached = append(res.Reached, Reach{How: h, Rows: st.reach[h]})
			}
		}
		s.results = append(s.results, res)
	}
	return s
}

// Tables returns the result of every table of the schema, sorted by name.
func (s *Selection) Tables() []TableResult {
	return append([]TableResult(nil), s.results...)
}

// Filter says how the clone should read table t, whose columns it reads in
// the given order: either a SQL predicate in the source's dialect (where;
// "" means every row, "1 = 0" no row) with keep nil, or an in-process test
// keep over the rows read (where ""). keep is safe for concurrent use. For
// a partitioned parent, Filter returns "1 = 0": its rows are read through
// its partitions. The columns must include the columns that identify a row
// (the primary key; every copied column for a table without a key).
func (s *Selection) Filter(t *dbtwin.Table, columns []string) (where string, keep func(dbtwin.Row) bool, err error) {
	if t == nil {
		return "", nil, fmt.Errorf("subset: Filter: no table")
	}
	st := s.states[t]
	if st == nil {
		if tt := s.plan.g.schema.Table(t.QualifiedName()); tt != nil {
			st = s.states[tt]
			if st == nil && tt.Partitioned {
				return noRows, nil, nil
			}
		}
	}
	if st == nil {
		return "", nil, fmt.Errorf("subset: Filter: table %s is not in the schema the subset was planned on", t)
	}
	switch {
	case st.rule.off != "" || st.rows == 0:
		return noRows, nil, nil
	case st.scanned >= 0 && st.rows == st.scanned:
		return "", nil, nil
	case !st.rootOther && len(st.rootWheres) > 0 && st.rows == st.roleRows[roleRoot]:
		// Only where-clause roots selected rows, and they took every match.
		var parts []string
		for _, w := range st.rootWheres {
			parts = append(parts, "("+w+")")
		}
		return strings.Join(parts, " OR "), nil, nil
	}
	pos := make([]int, len(st.idCols))
	for i, c := range st.idCols {
		pos[i] = -1
		for j, name := range columns {
			if name == c {
				pos[i] = j
				break
			}
		}
		if pos[i] < 0 {
			return "", nil, fmt.Errorf("subset: table %s: the clone must read column %q: the subset identifies the table's rows by (%s)",
				st.name, c, strings.Join(st.idCols, ", "))
		}
	}
	set := st.selected
	where = pushdown(t, st, set)
	keep = func(row dbtwin.Row) bool {
		var small [4][]byte
		fields := small[:0]
		for _, p := range pos {
			if p >= len(row) {
				return false
			}
			fields = append(fields, row[p])
		}
		return set.has(fields)
	}
	return where, keep, nil
}

// maxPushdown is the most keys sent to the source as an IN list.
const maxPushdown = 50000

// pushdown returns `"col" IN (k1, k2, ...)` when the selection is a small
// share of a table identified by one integer column, so the source reads the
// selected rows by index instead of the clone reading the whole table. The
// in-process test (keep) still decides; the predicate only narrows the read.
func pushdown(t *dbtwin.Table, st *tstate, set *keySet) string {
	if len(st.idCols) != 1 || set == nil || set.ints == nil || set.hashes.n != 0 || set.n > maxPushdown {
		return ""
	}
	total := st.scanned
	if total < 0 {
		total = t.RowEstimate
	}
	if total >= 0 && set.n*10 > total {
		return "" // a large share: one sequential read is cheaper
	}
	var b strings.Builder
	b.WriteString(`"` + strings.ReplaceAll(st.idCols[0], `"`, `""`) + `" IN (`)
	it := set.ints.Iterator()
	for i := 0; it.HasNext(); i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(int64(it.Next()^(1<<63)), 10))
	}
	b.WriteByte(')')
	return b.String()
}

// KeyMemory returns how many row keys the selection holds and about how many
// bytes its key sets take (roaring bitmaps for integer keys, 8-byte hash
// slots otherwise): the memory a subset needs per selected row.
func (s *Selection) KeyMemory() (keys, bytes int64) {
	seen := map[*keySet]bool{}
	for _, st := range s.states {
		if st.selected == nil || seen[st.selected] {
			continue
		}
		seen[st.selected] = true
		keys += st.selected.len()
		bytes += st.selected.bytes()
	}
	return keys, bytes
}
