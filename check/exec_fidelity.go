package check

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// overlap: the fraction of B's distinct values present in A, here and in the baseline.
func (x *exec) overlap(ctx context.Context) error {
	sp := x.c.Overlap
	measure := func(s *session) (distinct, present int64, err error) {
		g := s.gen
		at, err := g.table(sp.A.Table)
		if err != nil {
			return 0, 0, err
		}
		bt, err := g.table(sp.B.Table)
		if err != nil {
			return 0, 0, err
		}
		bc := g.cols("b", sp.B.Columns)
		inner := fmt.Sprintf("SELECT DISTINCT %s FROM %s AS b WHERE %s", strings.Join(bc, ", "), bt, allNotNull(bc))
		v, err := s.counts(ctx, fmt.Sprintf("SELECT count(*) FROM (%s) AS b", inner))
		if err != nil {
			return 0, 0, err
		}
		// EXISTS in WHERE is planned as a semi-join.
		p, err := s.counts(ctx, fmt.Sprintf("SELECT count(*) FROM (%s) AS b WHERE EXISTS (SELECT 1 FROM %s AS a WHERE %s)",
			inner, at, equalities(g.cols("a", sp.A.Columns), bc)))
		if err != nil {
			return 0, 0, err
		}
		return v[0], p[0], nil
	}
	bv, err := x.measureBase(func(s *session) ([]float64, error) {
		d, p, err := measure(s)
		return []float64{float64(d), float64(p)}, err
	})
	if err != nil || x.baselineOnly() {
		return err
	}
	if len(bv) != 2 {
		return fmt.Errorf("baseline: recorded overlap has %d numbers, want 2", len(bv))
	}
	bd, bp := int64(bv[0]), int64(bv[1])
	dd, dp, err := measure(x.db)
	if err != nil {
		return err
	}
	df, bf := ratio(float64(dp), float64(dd)), ratio(float64(bp), float64(bd))
	x.observe("b_distinct", dd, "present_in_a", dp, "fraction", df)
	x.observeBaseline("b_distinct", bd, "present_in_a", bp, "fraction", bf)
	diff := math.Abs(df - bf)
	line := fmt.Sprintf("%s of %s distinct %s values are in %s (baseline %s of %s)", formatPercent(df),
		formatInt(dd), sp.B, sp.A, formatPercent(bf), formatInt(bd))
	if diff <= sp.Tolerance+1e-12 {
		x.pass("%s; difference %s within tolerance %s", line, formatFloat(round4(diff)), formatFloat(sp.Tolerance))
		return nil
	}
	x.fail("%s; difference %s exceeds tolerance %s", line, formatFloat(round4(diff)), formatFloat(sp.Tolerance))
	return nil
}

// fanoutStats summarizes children per parent.
type fanoutStats struct {
	parents, children int64
	p50, p99, max     int64
}

// stats computes nearest-rank percentiles from a histogram of
// (children per parent, number of parents), sorted by the first.
func stats(hist [][2]int64) fanoutStats {
	var s fanoutStats
	for _, h := range hist {
		s.parents += h[1]
		s.children += h[0] * h[1]
		s.max = max(s.max, h[0])
	}
	s.p50, s.p99 = percentile(hist, s.parents, 0.50), percentile(hist, s.parents, 0.99)
	return s
}

func percentile(hist [][2]int64, total int64, p float64) int64 {
	if total == 0 {
		return 0
	}
	rank := int64(math.Ceil(p * float64(total)))
	var seen int64
	for _, h := range hist {
		seen += h[1]
		if seen >= rank {
			return h[0]
		}
	}
	return hist[len(hist)-1][0]
}

// fanout: children per parent (p50, p99, max), here and in the baseline.
func (x *exec) fanout(ctx context.Context) error {
	sp := x.c.Fanout
	measure := func(s *session) (fanoutStats, error) {
		g := s.gen
		ct, err := g.table(sp.From.Table)
		if err != nil {
			return fanoutStats{}, err
		}
		pt, err := g.table(sp.To.Table)
		if err != nil {
			return fanoutStats{}, err
		}
		pc, cc := g.cols("p", sp.To.Columns), g.cols("c", sp.From.Columns)
		per := fmt.Sprintf("SELECT count(%s) AS n FROM %s AS p LEFT JOIN %s AS c ON %s WHERE %s GROUP BY %s",
			cc[0], pt, ct, equalities(cc, pc), allNotNull(pc), strings.Join(pc, ", "))
		var hist [][2]int64
		err = s.each(ctx, "SELECT n, count(*) FROM ("+per+") AS h GROUP BY n ORDER BY n", func(vals []any) error {
			n, err1 := toFloat(vals[0])
			k, err2 := toFloat(vals[1])
			if err1 != nil || err2 != nil {
				return fmt.Errorf("unexpected fan-out histogram row %v", vals)
			}
			hist = append(hist, [2]int64{int64(n), int64(k)})
			return nil
		})
		return stats(hist), err
	}
	bv, err := x.measureBase(func(s *session) ([]float64, error) {
		b, err := measure(s)
		return []float64{float64(b.parents), float64(b.children), float64(b.p50), float64(b.p99), float64(b.max)}, err
	})
	if err != nil || x.baselineOnly() {
		return err
	}
	if len(bv) != 5 {
		return fmt.Errorf("baseline: recorded fan-out has %d numbers, want 5", len(bv))
	}
	b := fanoutStats{parents: int64(bv[0]), children: int64(bv[1]), p50: int64(bv[2]), p99: int64(bv[3]), max: int64(bv[4])}
	d, err := measure(x.db)
	if err != nil {
		return err
	}
	x.observe("parents", d.parents, "children", d.children, "p50", d.p50, "p99", d.p99, "max", d.max)
	x.observeBaseline("parents", b.parents, "children", b.children, "p50", b.p50, "p99", b.p99, "max", b.max)
	var off []string
	for _, m := range []struct {
		name string
		d, b int64
	}{{"p50", d.p50, b.p50}, {"p99", d.p99, b.p99}, {"max", d.max, b.max}} {
		rel := math.Abs(float64(m.d-m.b)) / math.Max(float64(m.b), 1)
		line := fmt.Sprintf("%s: %s vs baseline %s (%s)", m.name, formatInt(m.d), formatInt(m.b), signedPercent(m.d, m.b))
		x.res.Details = append(x.res.Details, line)
		if rel > sp.Tolerance+1e-12 {
			off = append(off, m.name)
		}
	}
	line := fmt.Sprintf("%s per %s: p50 %s, p99 %s, max %s (baseline p50 %s, p99 %s, max %s)", sp.From, sp.To,
		formatInt(d.p50), formatInt(d.p99), formatInt(d.max), formatInt(b.p50), formatInt(b.p99), formatInt(b.max))
	if len(off) == 0 {
		x.pass("%s", line)
		return nil
	}
	x.fail("%s; %s beyond tolerance %s", line, strings.Join(off, ", "), formatFloat(sp.Tolerance))
	return nil
}

// signedPercent is the change from b to d: "+12%", "-87%", "same".
func signedPercent(d, b int64) string {
	if d == b {
		return "same"
	}
	if b == 0 {
		return "baseline 0"
	}
	return fmt.Sprintf("%+.0f%%", 100*float64(d-b)/float64(b))
}

// profile: a column's NULL fraction and distinct ratio, here and in the baseline.
func (x *exec) profile(ctx context.Context) error {
	sp := x.c.Profile
	measure := func(s *session) (nullFrac, distinctRatio float64, rows int64, err error) {
		g := s.gen
		t, err := g.table(sp.Table)
		if err != nil {
			return 0, 0, 0, err
		}
		c := g.ident(sp.Column)
		v, err := s.counts(ctx, fmt.Sprintf("SELECT count(*), count(%s), count(DISTINCT %s) FROM %s", c, c, t))
		if err != nil {
			return 0, 0, 0, err
		}
		return ratio(float64(v[0]-v[1]), float64(v[0])), ratio(float64(v[2]), float64(v[1])), v[0], nil
	}
	bv, err := x.measureBase(func(s *session) ([]float64, error) {
		n, r, rows, err := measure(s)
		return []float64{n, r, float64(rows)}, err
	})
	if err != nil || x.baselineOnly() {
		return err
	}
	if len(bv) != 3 {
		return fmt.Errorf("baseline: recorded profile has %d numbers, want 3", len(bv))
	}
	bn, br, brows := bv[0], bv[1], int64(bv[2])
	dn, dr, drows, err := measure(x.db)
	if err != nil {
		return err
	}
	x.observe("rows", drows, "null_fraction", dn, "distinct_ratio", dr)
	x.observeBaseline("rows", brows, "null_fraction", bn, "distinct_ratio", br)
	var off []string
	compare := func(name string, tol *float64, d, b float64) {
		if tol == nil {
			return
		}
		diff := math.Abs(d - b)
		verdict := "within"
		if diff > *tol+1e-12 {
			verdict = "beyond"
			off = append(off, fmt.Sprintf("%s %s vs baseline %s (tolerance %s)", name, formatFloat(round4(d)),
				formatFloat(round4(b)), formatFloat(*tol)))
		}
		x.res.Details = append(x.res.Details, fmt.Sprintf("%s: %s vs baseline %s (difference %s %s tolerance %s)",
			name, formatFloat(round4(d)), formatFloat(round4(b)), formatFloat(round4(diff)), verdict, formatFloat(*tol)))
	}
	compare("null_fraction", sp.NullFraction, dn, bn)
	compare("distinct_ratio", sp.DistinctRatio, dr, br)
	col := sp.Table + "." + sp.Column
	if len(off) == 0 {
		x.pass("%s: null fraction %s, distinct ratio %s, as in the baseline", col, formatFloat(round4(dn)), formatFloat(round4(dr)))
		return nil
	}
	x.fail("%s: %s", col, strings.Join(off, "; "))
	return nil
}
