package subset

import (
	"context"
	"fmt"
	"math"

	"github.com/dbtwin/dbtwin"
)

// Estimate fills the plan's row counts: SourceRows from each table's
// RowEstimate (or an exact Count when the engine has no estimate), and
// EstimatedRows from exact counts of the roots' where clauses, the percent
// and limit, and, for the other tables, the proportion of their parents or
// children taken, bounded by the children caps. The estimates of tables not
// roots are rough: they assume references spread evenly.
func (p *Plan) Estimate(ctx context.Context, snap dbtwin.Snapshot) error {
	g := p.g
	src := make([]int64, len(g.leaves))
	for i, t := range g.leaves {
		n := t.RowEstimate
		if n < 0 {
			c, err := snap.Count(ctx, t, "")
			if err != nil {
				return fmt.Errorf("subset plan: counting the rows of %s: %w", t, err)
			}
			n = c
		}
		src[i] = n
	}
	rootEst := make([]int64, len(g.leaves))
	for k, r := range p.roots {
		var total int64
		for _, l := range r.leaves {
			i := g.index[l]
			c := src[i]
			if r.cfg.Where != "" {
				var err error
				if c, err = snap.Count(ctx, l, r.cfg.Where); err != nil {
					return fmt.Errorf("%w: subset root %s (%s): counting rows where %s: %w",
						dbtwin.ErrUsage, r.table, posText(r.cfg.Pos), r.cfg.Where, err)
				}
			}
			if r.cfg.Percent > 0 {
				c = int64(math.Round(float64(c) * r.cfg.Percent / 100))
			}
			if r.cfg.Limit > 0 {
				c = min(c, r.cfg.Limit)
			}
			rootEst[i] = min(rootEst[i]+c, src[i])
			total += c
		}
		p.Roots[k].EstimatedRows = total
	}
	sample := func(n int64) int64 {
		if n <= 0 {
			return 0
		}
		return max(1, int64(math.Round(float64(n)*p.UnreachablePercent/100)))
	}
	for i := range p.leaf {
		p.leaf[i].est = -1
	}
	for _, i := range p.order {
		r := p.leaf[i]
		var est int64
		pe, ps := int64(0), int64(0)
		if r.pred >= 0 {
			pe, ps = p.leaf[r.pred].est, src[r.pred]
		}
		switch r.rule {
		case RuleRoot:
			est = rootEst[i]
		case RuleChildren, RuleValue:
			est = proportion(src[i], pe, ps)
			est = min(est, satMul(pe, r.maxPerParent))
			if r.maxRows > 0 {
				est = min(est, r.maxRows)
			}
			if r.rule == RuleValue {
				est += int64(math.Round(float64(src[i]-est) * p.UnreachablePercent / 100))
			}
		case RuleParents:
			est = min(src[i], pe)
		}
		r.est = min(max(est, 0), src[i])
	}
	for i, r := range p.leaf {
		switch {
		case r.off != "":
			r.est = 0
		case r.est <= 0:
			r.est = sample(src[i])
		}
		p.Tables[r.tp].SourceRows = src[i]
		p.Tables[r.tp].EstimatedRows = r.est
	}
	for k := range p.Tables {
		tp := &p.Tables[k]
		if tp.Rule != RulePartitioned {
			continue
		}
		tp.SourceRows, tp.EstimatedRows = 0, 0
		for _, l := range g.groups[g.schema.Table(tp.Table)].leaves {
			tp.SourceRows += src[g.index[l]]
			tp.EstimatedRows += p.leaf[g.index[l]].est
		}
	}
	return nil
}

// proportion returns n * part / whole, rounded up, or n when whole is unknown.
func proportion(n, part, whole int64) int64 {
	if whole <= 0 {
		return n
	}
	return int64(math.Ceil(float64(n) * float64(part) / float64(whole)))
}

func satMul(a, b int64) int64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	if a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}
