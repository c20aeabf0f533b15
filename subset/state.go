package subset

import (
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// role is why a row was selected. Roots, children and value matches expand
// (their children and value matches are followed); parents and sampled rows
// are only closed over their own parents.
type role uint8

const (
	roleRoot role = iota
	roleChild
	roleValue
	roleParent
	roleSample
	numRoles
)

func (r role) expands() bool { return r <= roleValue }

// tstate is the traversal state of one table that holds rows.
type tstate struct {
	t    *dbtwin.Table
	name string
	rule *leafRule
	seed uint64
	// cols are the columns read while traversing: the identity, the
	// foreign-key columns, referenced keys and value-relation columns.
	cols   []string
	colPos map[string]int
	// idCols identify a row: the primary key, else a unique key of NOT NULL
	// columns, else every copied column (idAll).
	idCols []string
	idPos  []int
	idAll  bool

	selected *keySet
	expanded *keySet // nil when the table has nothing to expand into
	// expandedOut holds rows reached through a cycle and expanded only
	// along relations leaving the cycle (cycle-once mode, traverse.go).
	expandedOut *keySet
	keys        []*tkey
	outFK       []*fkUse
	follows     []*followSrc

	rows     int64
	roleRows [numRoles]int64
	reach    map[string]int64
	reachSeq []string
	// scanned is the table's row count when a full unfiltered scan saw it (-1 otherwise).
	scanned int64
	// rootWheres holds the where clauses of roots that took every matching
	// row; rootOther is set when another kind of root selected rows.
	rootWheres []string
	rootOther  bool
	unresolved int64
	// followAdded counts rows newly selected as children or value matches,
	// against the table's max_rows; capped is set when that cap stopped some.
	followAdded int64
	capped      bool
	srcRows     int64
}

// tkey tracks the values of a referenced key among the selected rows.
type tkey struct {
	cols []string
	pos  []int
	set  *keySet
	// shared is set when the key is the identity: set is then selected.
	shared bool
}

// parentRef is a referenced key of a table (all leaves of a partitioned
// table), with the values selected rows need and that are not yet selected.
type parentRef struct {
	name    string
	leaves  []*tstate
	keys    []*tkey
	cols    []string
	pending []pendingItem
	queued  *keySet // values in pending (cleared at each drain)
	missing *keySet // values the source does not have
}

type pendingItem struct {
	tuple string
	from  *tstate
	how   string
}

// fkUse is a reference from one table's columns to a parentRef.
type fkUse struct {
	ref  *parentRef
	cols []string
	pos  []int
	how  string
}

// follow brings rows of dst tables whose dstCols match values of expanded
// source rows: children through a foreign key, or value matches.
type follow struct {
	name string
	role role
	// cyclic is set for a child relation inside a cycle (both tables in
	// one strongly connected group, or a self-reference).
	cyclic  bool
	how     string
	dst     []*tstate
	dstCols []string
	dstPos  [][]int
	perKey  int64
	pending []string
	queued  *keySet
}

// followSrc connects a source table's columns to a follow.
type followSrc struct {
	f    *follow
	cols []string
	pos  []int
}

func (st *tstate) addCols(cols ...string) {
	for _, c := range cols {
		if _, ok := st.colPos[c]; !ok {
			st.colPos[c] = -1
		}
	}
}

// identity picks the columns that identify a row of t.
func identity(t *dbtwin.Table, s *dbtwin.Schema) (cols []string, all bool) {
	for cur, depth := t, 0; cur != nil && depth < 32; depth++ {
		if cur.PrimaryKey != nil && len(cur.PrimaryKey.Columns) > 0 && len(cur.PrimaryKey.Expressions) == 0 {
			return cur.PrimaryKey.Columns, false
		}
		if cur.PartitionOf == "" {
			break
		}
		cur = s.Table(cur.PartitionOf)
	}
	for _, k := range t.Uniques {
		if k.Partial || len(k.Expressions) > 0 || len(k.Columns) == 0 {
			continue
		}
		ok := true
		for _, c := range k.Columns {
			if col := t.Column(c); col == nil || col.Nullable {
				ok = false
			}
		}
		if ok {
			return k.Columns, false
		}
	}
	for _, c := range t.CopyColumns() {
		cols = append(cols, c.Name)
	}
	return cols, true
}

// finalize orders the columns to read (table order) and resolves positions.
func (st *tstate) finalize() {
	st.cols = st.cols[:0]
	for _, c := range st.t.Columns {
		if _, ok := st.colPos[c.Name]; ok {
			st.cols = append(st.cols, c.Name)
		}
	}
	// Columns the table does not list (should not happen) go last, sorted.
	var extra []string
	for c := range st.colPos {
		if st.t.Column(c) == nil {
			extra = append(extra, c)
		}
	}
	sort.Strings(extra)
	st.cols = append(st.cols, extra...)
	for i, c := range st.cols {
		st.colPos[c] = i
	}
	st.idPos = st.positions(st.idCols)
	for _, k := range st.keys {
		k.pos = st.positions(k.cols)
	}
	for _, u := range st.outFK {
		u.pos = st.positions(u.cols)
	}
	for _, fs := range st.follows {
		fs.pos = st.positions(fs.cols)
	}
}

func (st *tstate) positions(cols []string) []int {
	out := make([]int, len(cols))
	for i, c := range cols {
		out[i] = st.colPos[c]
	}
	return out
}

// key returns the tracked key over cols, creating it.
func (st *tstate) key(cols []string, b *budget) *tkey {
	for _, k := range st.keys {
		if sameCols(k.cols, cols) {
			return k
		}
	}
	k := &tkey{cols: cols}
	if sameCols(cols, st.idCols) {
		k.shared, k.set = true, st.selected
	} else {
		k.set = newKeySet(b)
	}
	st.addCols(cols...)
	st.keys = append(st.keys, k)
	return k
}

func sameCols(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func colsKey(cols []string) string { return strings.Join(cols, "\x00") }

// pick returns row's fields at pos, reusing buf.
func pick(buf [][]byte, row dbtwin.Row, pos []int) [][]byte {
	buf = buf[:0]
	for _, p := range pos {
		buf = append(buf, row[p])
	}
	return buf
}

func anyNil(fields [][]byte) bool {
	for _, f := range fields {
		if f == nil {
			return true
		}
	}
	return false
}
