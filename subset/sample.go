package subset

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// root selects the rows of one root. Rows are read with the root's where
// clause; percent keeps the rows whose identity hash (seeded by the table
// name) falls in the first percent of the hash space; limit keeps the first
// rows by order_by then the primary key, or, for a table without a key and
// no order_by, the rows with the smallest hashes. For a partitioned root,
// limit applies to each partition.
func (tr *traversal) root(ctx context.Context, r *rootRule) error {
	c := r.cfg
	thr, all := pctThreshold(c.Percent)
	if c.Percent == 0 {
		all = true
	}
	for _, l := range r.leaves {
		st := tr.states[tr.p.g.index[l]]
		req := dbtwin.ReadRequest{Table: l, Columns: st.cols, Where: c.Where}
		byHash := c.Limit > 0 && c.OrderBy == "" && st.idAll
		if c.Limit > 0 && !byHash {
			req.OrderBy = tr.orderBy(c.OrderBy, st)
			if all {
				req.Limit = c.Limit
			}
		}
		var best *topK
		if byHash {
			best = &topK{k: int(min(c.Limit, int64(math.MaxInt32)))}
		}
		var taken int64
		var ibuf [][]byte
		n, err := tr.read(ctx, req, st, func(row dbtwin.Row) (bool, error) {
			ibuf = pick(ibuf, row, st.idPos)
			h := hashTuple(st.seed, ibuf)
			if !all && h >= thr {
				return false, nil
			}
			if best != nil {
				best.offer(h, 0, row)
				return false, nil
			}
			if _, err := tr.add(st, row, roleRoot, r.how); err != nil {
				return true, err
			}
			taken++
			return c.Limit > 0 && taken >= c.Limit, nil
		})
		if err != nil {
			return fmt.Errorf("subset root %s (%s): %w", r.table, posText(c.Pos), err)
		}
		if best != nil {
			for _, cand := range best.sorted() {
				row, err := decodeTuple([]byte(cand.row), len(st.cols))
				if err != nil {
					return err
				}
				if _, err := tr.add(st, row, roleRoot, r.how); err != nil {
					return err
				}
			}
		}
		switch {
		case c.Percent == 0 && c.Limit == 0 && c.Where == "":
			st.scanned = n
		case c.Percent == 0 && c.Limit == 0:
			st.rootWheres = append(st.rootWheres, c.Where)
		default:
			st.rootOther = true
		}
	}
	return nil
}

// orderBy returns the ORDER BY list of a limited root: the configured
// order, then the identity columns so that ties are broken the same way in
// every run.
func (tr *traversal) orderBy(user string, st *tstate) string {
	var parts []string
	if user != "" {
		parts = append(parts, user)
	}
	if !st.idAll || user == "" {
		for _, c := range st.idCols {
			parts = append(parts, tr.d.ident(c))
		}
	}
	return strings.Join(parts, ", ")
}

// sampleUnreached gives rows to every table that still has none (no root
// reaches it, or the paths that reach it brought no row): a deterministic
// sample of UnreachablePercent, at least one row when the table has rows.
// Tables that only value relations reached get the same sample of their rows
// that match nothing on the other side of those relations, so that the twin
// holds, as production does, both rows that share values (brought by the
// value relation) and rows that share none. Sampled rows are closed over
// their parents, not followed to their children.
func (tr *traversal) sampleUnreached(ctx context.Context) error {
	pct := tr.p.UnreachablePercent
	thr, all := pctThreshold(pct)
	var todo []*tstate
	for _, st := range tr.states {
		if st.rule.off != "" {
			continue
		}
		if st.rows == 0 || st.roleRows[roleValue] == st.rows {
			todo = append(todo, st)
		}
	}
	for _, st := range todo {
		valueOnly := st.rows > 0
		how := "unreachable sample " + formatPct(pct) + "%"
		if valueOnly {
			how = "sample " + formatPct(pct) + "% of the rows without a value match"
		}
		var ibuf [][]byte
		var taken int64
		var cands []string
		best := &topK{k: 1}
		n, err := tr.read(ctx, dbtwin.ReadRequest{Table: st.t, Columns: st.cols}, st, func(row dbtwin.Row) (bool, error) {
			ibuf = pick(ibuf, row, st.idPos)
			h := hashTuple(st.seed, ibuf)
			switch {
			case (all || h < thr) && valueOnly:
				cands = append(cands, string(appendTuple(nil, row)))
				tr.b.take(1)
				return false, tr.b.check(st.name)
			case all || h < thr:
				taken++
				_, err := tr.add(st, row, roleSample, how)
				return false, err
			}
			best.offer(h, 0, row)
			return false, nil
		})
		if err != nil {
			return err
		}
		st.scanned = n
		if valueOnly {
			err := tr.addUnmatched(ctx, st, cands, how)
			tr.b.release(int64(len(cands)))
			if err != nil {
				return err
			}
			continue
		}
		if taken == 0 && len(best.c) > 0 {
			row, err := decodeTuple([]byte(best.c[0].row), len(st.cols))
			if err != nil {
				return err
			}
			if _, err := tr.add(st, row, roleSample, how); err != nil {
				return err
			}
		}
	}
	return nil
}

// addUnmatched selects the candidate rows (encoded) of st whose values find
// no row on the other side of any of st's value relations.
func (tr *traversal) addUnmatched(ctx context.Context, st *tstate, cands []string, how string) error {
	rows := make([][][]byte, len(cands))
	for i, c := range cands {
		r, err := decodeTuple([]byte(c), len(st.cols))
		if err != nil {
			return err
		}
		rows[i] = r
	}
	drop := make([]bool, len(rows))
	for _, fs := range st.follows {
		if fs.f.role != roleValue {
			continue
		}
		var values []string
		want := map[string]bool{}
		for _, r := range rows {
			v := pick(nil, r, fs.pos)
			if k := string(appendTuple(nil, v)); !anyNil(v) && !want[k] {
				want[k] = true
				values = append(values, k)
			}
		}
		sort.Strings(values)
		matched := map[string]bool{}
		for _, dst := range fs.f.dst {
			collect := func(row dbtwin.Row) (bool, error) {
				if k := string(appendTuple(nil, row)); want[k] {
					matched[k] = true
				}
				return false, nil
			}
			if len(values) > 4*tr.batch {
				if _, err := tr.read(ctx, dbtwin.ReadRequest{Table: dst.t, Columns: fs.f.dstCols}, dst, collect); err != nil {
					return err
				}
				continue
			}
			for lo := 0; lo < len(values); lo += tr.batch {
				var tuples [][][]byte
				for _, k := range values[lo:min(lo+tr.batch, len(values))] {
					v, err := decodeTuple([]byte(k), len(fs.f.dstCols))
					if err != nil {
						return err
					}
					tuples = append(tuples, v)
				}
				req := dbtwin.ReadRequest{Table: dst.t, Columns: fs.f.dstCols, Where: tr.d.in(dst.t, fs.f.dstCols, tuples)}
				if _, err := tr.read(ctx, req, dst, collect); err != nil {
					return err
				}
			}
		}
		for i, r := range rows {
			if matched[string(appendTuple(nil, pick(nil, r, fs.pos)))] {
				drop[i] = true
			}
		}
	}
	for i, r := range rows {
		if drop[i] {
			continue
		}
		if _, err := tr.add(st, r, roleSample, how); err != nil {
			return err
		}
	}
	return nil
}
