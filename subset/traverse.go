package subset

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/dbtwin/dbtwin"
)

// DefaultMaxKeys is the default key budget: keys of selected rows plus the
// working sets of the traversal (about 1 GB in the worst case of hashed keys).
const DefaultMaxKeys = 50_000_000

// Options tunes Select.
type Options struct {
	// MaxKeys bounds the keys held in memory (selected rows, followed
	// values, pending references). Select fails with ErrKeyBudget rather
	// than exceed it. 0 means DefaultMaxKeys; negative means no limit.
	MaxKeys int64
	// BatchSize is the number of key values per IN list (0 = 500).
	BatchSize int
	// HeapRows bounds the candidate children held at once while applying
	// max_per_parent (0 = 1,000,000 rows of key columns).
	HeapRows int
}

type traversal struct {
	p       *Plan
	snap    dbtwin.Snapshot
	d       dialect
	b       *budget
	batch   int
	heap    int
	states  []*tstate // by graph leaf index (off tables included)
	refs    []*parentRef
	follows []*follow
	buf     [][]byte
	buf2    [][]byte
	// cycleOnce: a child row reached through a relation inside a cycle is
	// expanded only along relations that leave the cycle. On when a root
	// samples a percent of its table, so the sample stays proportional
	// instead of the cycle pulling in the whole group of tables.
	cycleOnce bool
}

// Select runs the plan against a snapshot and returns the selected rows of
// every table. It only reads: key columns, with IN lists or full scans.
func Select(ctx context.Context, snap dbtwin.Snapshot, p *Plan, opt Options) (*Selection, error) {
	if p == nil || p.g == nil {
		return nil, fmt.Errorf("subset: Select needs a plan from NewPlan")
	}
	tr := newTraversal(p, snap, opt)
	for _, r := range p.roots {
		if err := tr.root(ctx, r); err != nil {
			return nil, err
		}
	}
	if err := tr.fixpoint(ctx); err != nil {
		return nil, err
	}
	if err := tr.sampleUnreached(ctx); err != nil {
		return nil, err
	}
	if err := tr.fixpoint(ctx); err != nil {
		return nil, err
	}
	return tr.finish(), nil
}

func newTraversal(p *Plan, snap dbtwin.Snapshot, opt Options) *traversal {
	g := p.g
	tr := &traversal{p: p, snap: snap, d: dialect{engine: g.schema.Engine}, batch: opt.BatchSize, heap: opt.HeapRows}
	for _, r := range p.roots {
		if r.cfg.Percent > 0 && r.cfg.Percent < 100 {
			tr.cycleOnce = true
		}
	}
	maxKeys := opt.MaxKeys
	if maxKeys == 0 {
		maxKeys = DefaultMaxKeys
	}
	tr.b = &budget{max: maxKeys}
	if tr.batch <= 0 {
		tr.batch = 500
	}
	if tr.heap <= 0 {
		tr.heap = 1_000_000
	}
	for i, t := range g.leaves {
		st := &tstate{t: t, name: t.QualifiedName(), rule: p.leaf[i], seed: seedOf(t.QualifiedName()),
			colPos: map[string]int{}, reach: map[string]int64{}, scanned: -1, srcRows: t.RowEstimate}
		if tp := p.Tables[p.leaf[i].tp]; tp.SourceRows >= 0 {
			st.srcRows = tp.SourceRows
		}
		st.idCols, st.idAll = identity(t, g.schema)
		st.addCols(st.idCols...)
		st.selected = newKeySet(tr.b)
		tr.states = append(tr.states, st)
	}
	live := func(ts []*dbtwin.Table) []*tstate {
		var out []*tstate
		for _, t := range ts {
			if st := tr.states[g.index[t]]; st.rule.off == "" {
				out = append(out, st)
			}
		}
		return out
	}
	refs := map[string]*parentRef{}
	for _, e := range g.edges {
		from, to := live(e.from.leaves), live(e.to.leaves)
		if e.kind == kindFK {
			if len(from) == 0 || len(to) == 0 {
				continue
			}
			k := e.to.name() + "\x01" + colsKey(e.toCols)
			ref := refs[k]
			if ref == nil {
				ref = &parentRef{name: e.to.name(), cols: e.toCols, leaves: to,
					queued: newKeySet(tr.b), missing: newKeySet(tr.b)}
				for _, l := range to {
					ref.keys = append(ref.keys, l.key(e.toCols, tr.b))
				}
				refs[k] = ref
				tr.refs = append(tr.refs, ref)
			}
			for _, c := range from {
				c.addCols(e.fromCols...)
				c.outFK = append(c.outFK, &fkUse{ref: ref, cols: e.fromCols, how: "parent of " + c.name + " via " + e.name})
			}
			f := tr.addFollow(e, roleChild, "child of "+e.to.name()+" via "+e.name, to, e.toCols, from, e.fromCols)
			if f != nil && g.comp[g.index[to[0].t]] == g.comp[g.index[from[0].t]] {
				f.cyclic = true
			}
			continue
		}
		tr.addFollow(e, roleValue, "value match of "+e.from.name()+" via "+e.name, from, e.fromCols, to, e.toCols)
		tr.addFollow(e, roleValue, "value match of "+e.to.name()+" via "+e.name, to, e.toCols, from, e.fromCols)
	}
	// Parents are fetched children first, so one pass carries needs down a chain of tables.
	rank := map[*tstate]int{}
	for r, i := range g.childrenFirst() {
		rank[tr.states[i]] = r
	}
	sort.SliceStable(tr.refs, func(i, j int) bool { return rank[tr.refs[i].leaves[0]] < rank[tr.refs[j].leaves[0]] })
	for _, st := range tr.states {
		if len(st.follows) > 0 {
			st.expanded = newKeySet(tr.b)
			if tr.cycleOnce {
				st.expandedOut = newKeySet(tr.b)
			}
		}
		st.finalize()
	}
	for _, f := range tr.follows {
		for _, d := range f.dst {
			f.dstPos = append(f.dstPos, d.positions(f.dstCols))
		}
	}
	return tr
}

func (tr *traversal) addFollow(e *relEdge, ro role, how string, src []*tstate, srcCols []string, dst []*tstate, dstCols []string) *follow {
	if len(src) == 0 || len(dst) == 0 {
		return nil
	}
	f := &follow{name: e.name, role: ro, how: how, dst: dst, dstCols: dstCols, perKey: dst[0].rule.maxPerParent,
		queued: newKeySet(tr.b)}
	for _, d := range dst {
		d.addCols(dstCols...)
	}
	for _, s := range src {
		s.addCols(srcCols...)
		s.follows = append(s.follows, &followSrc{f: f, cols: srcCols})
	}
	tr.follows = append(tr.follows, f)
	return f
}

// add selects a row (fields in st.cols order). A new row records its
// referenced keys and queues its parents; an expanding row queues the values
// its children and value matches are looked up by.
func (tr *traversal) add(st *tstate, row dbtwin.Row, ro role, how string) (bool, error) {
	return tr.addVia(st, row, ro, how, false)
}

// addVia is add for a row brought by a follow; viaCycle says the follow is
// a child relation inside a cycle.
func (tr *traversal) addVia(st *tstate, row dbtwin.Row, ro role, how string, viaCycle bool) (bool, error) {
	if len(row) != len(st.cols) {
		return false, fmt.Errorf("subset: reading %s: got %d fields for %d columns", st.name, len(row), len(st.cols))
	}
	id := pick(tr.buf, row, st.idPos)
	tr.buf = id
	isNew := st.selected.add(id)
	if isNew {
		st.rows++
		st.roleRows[ro]++
		if _, ok := st.reach[how]; !ok {
			st.reachSeq = append(st.reachSeq, how)
		}
		st.reach[how]++
		for _, k := range st.keys {
			if !k.shared {
				k.set.add(pick(tr.buf2, row, k.pos))
			}
		}
		for _, u := range st.outFK {
			tr.need(st, u, row)
		}
	}
	if ro.expands() && st.expanded != nil && !st.expanded.has(id) {
		partial := tr.cycleOnce && viaCycle
		if partial {
			if !st.expandedOut.add(id) {
				return isNew, tr.b.check(st.name)
			}
		} else {
			st.expanded.add(id)
		}
		for _, fs := range st.follows {
			if partial && fs.f.cyclic {
				continue
			}
			v := pick(tr.buf2, row, fs.pos)
			tr.buf2 = v
			if anyNil(v) || !fs.f.queued.add(v) {
				continue
			}
			fs.f.pending = append(fs.f.pending, string(appendTuple(nil, v)))
		}
	}
	return isNew, tr.b.check(st.name)
}

// need queues the parent a new row references, unless it is selected already.
func (tr *traversal) need(st *tstate, u *fkUse, row dbtwin.Row) {
	v := pick(tr.buf2, row, u.pos)
	tr.buf2 = v
	if anyNil(v) {
		return // MATCH SIMPLE: a NULL column means no reference
	}
	for _, k := range u.ref.keys {
		if k.set.has(v) {
			return
		}
	}
	if u.ref.missing.has(v) || !u.ref.queued.add(v) {
		return
	}
	u.ref.pending = append(u.ref.pending, pendingItem{tuple: string(appendTuple(nil, v)), from: st, how: u.how})
}

// fixpoint fetches pending parents until none is left, then follows pending
// children and value matches once, and repeats until nothing is pending.
func (tr *traversal) fixpoint(ctx context.Context) error {
	for {
		for {
			moved := false
			for _, ref := range tr.refs {
				if len(ref.pending) == 0 {
					continue
				}
				moved = true
				if err := tr.fetchParents(ctx, ref); err != nil {
					return err
				}
			}
			if !moved {
				break
			}
		}
		moved := false
		for _, f := range tr.follows {
			if len(f.pending) == 0 {
				continue
			}
			moved = true
			if err := tr.fetchFollow(ctx, f); err != nil {
				return err
			}
		}
		if !moved {
			return nil
		}
	}
}

// fetchParents selects the rows holding the pending referenced values.
func (tr *traversal) fetchParents(ctx context.Context, ref *parentRef) error {
	items := ref.pending
	ref.pending = nil
	ref.queued.free()
	sort.Slice(items, func(i, j int) bool { return items[i].tuple < items[j].tuple })
	byTuple := make(map[string]int, len(items))
	for i, it := range items {
		byTuple[it.tuple] = i
	}
	n := len(ref.cols)
	found := func(tuple string) (bool, error) {
		v, err := decodeTuple([]byte(tuple), n)
		if err != nil {
			return false, err
		}
		for _, k := range ref.keys {
			if k.set.has(v) {
				return true, nil
			}
		}
		return false, nil
	}
	remaining := items
	for li, st := range ref.leaves {
		if li > 0 {
			// A partitioned table: look in the next partition only for
			// the values the previous ones did not have.
			var rest []pendingItem
			for _, it := range remaining {
				ok, err := found(it.tuple)
				if err != nil {
					return err
				}
				if !ok {
					rest = append(rest, it)
				}
			}
			if remaining = rest; len(remaining) == 0 {
				break
			}
		}
		keyPos := ref.keys[li].pos
		how := func(row dbtwin.Row) string {
			if i, ok := byTuple[string(appendTuple(nil, pick(nil, row, keyPos)))]; ok {
				return items[i].how
			}
			return items[0].how
		}
		visit := func(row dbtwin.Row) (bool, error) {
			_, err := tr.add(st, row, roleParent, how(row))
			return false, err
		}
		if st.srcRows > 0 && int64(len(remaining)) > max(int64(4*tr.batch), st.srcRows/8) {
			// Many values: one scan of the table beats many lookups.
			if _, err := tr.read(ctx, dbtwin.ReadRequest{Table: st.t, Columns: st.cols}, st, func(row dbtwin.Row) (bool, error) {
				if _, ok := byTuple[string(appendTuple(nil, pick(nil, row, keyPos)))]; !ok {
					return false, nil
				}
				return visit(row)
			}); err != nil {
				return err
			}
			continue
		}
		for lo := 0; lo < len(remaining); lo += tr.batch {
			hi := min(lo+tr.batch, len(remaining))
			tuples := make([][][]byte, 0, hi-lo)
			for _, it := range remaining[lo:hi] {
				f, err := decodeTuple([]byte(it.tuple), n)
				if err != nil {
					return err
				}
				tuples = append(tuples, f)
			}
			where := tr.d.in(st.t, ref.cols, tuples)
			if _, err := tr.read(ctx, dbtwin.ReadRequest{Table: st.t, Columns: st.cols, Where: where}, st, visit); err != nil {
				return err
			}
		}
	}
	for _, it := range items {
		ok, err := found(it.tuple)
		if err != nil {
			return err
		}
		if v, _ := decodeTuple([]byte(it.tuple), n); !ok && ref.missing.add(v) {
			it.from.unresolved++
		}
	}
	return nil
}

// read streams the rows of a request to fn, which may stop the stream.
// It returns the number of rows read.
func (tr *traversal) read(ctx context.Context, req dbtwin.ReadRequest, st *tstate, fn func(dbtwin.Row) (bool, error)) (int64, error) {
	rows, err := tr.snap.Read(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("subset: reading %s: %w", st.name, err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		n++
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return n, err
			}
		}
		stop, err := fn(rows.Row())
		if err != nil {
			return n, err
		}
		if stop {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("subset: reading %s: %w", st.name, err)
	}
	return n, rows.Close()
}

func pctThreshold(percent float64) (uint64, bool) {
	if percent >= 100 {
		return 0, true
	}
	if percent <= 0 {
		return 0, false
	}
	return uint64(percent / 100 * 18446744073709551616.0), false
}

func formatPct(p float64) string { return strconv.FormatFloat(p, 'g', -1, 64) }
