package subset

import (
	"context"
	"fmt"
	"math"
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
// reaches it, or the rows reached it through no path), and to tables that
// only value relations reached, so that their rows without a match are
// represented too: a deterministic sample of UnreachablePercent, at least one
// row when the table has rows. Sampled rows are then closed over their
// parents, not followed to their children.
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
		how := "unreachable sample " + formatPct(pct) + "%"
		if st.rows > 0 {
			how = "sample " + formatPct(pct) + "% (reached only through value relations)"
		}
		var ibuf [][]byte
		var taken int64
		best := &topK{k: 1}
		n, err := tr.read(ctx, dbtwin.ReadRequest{Table: st.t, Columns: st.cols}, st, func(row dbtwin.Row) (bool, error) {
			ibuf = pick(ibuf, row, st.idPos)
			h := hashTuple(st.seed, ibuf)
			if all || h < thr {
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
		if taken == 0 && st.rows == 0 && len(best.c) > 0 {
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
