package check

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// accepted: every non-NULL value is in the list or the range.
func (x *exec) accepted(ctx context.Context) error {
	sp, g := x.c.Accepted, x.db.gen
	from, err := g.from(sp.Source, "t")
	if err != nil {
		return err
	}
	col := g.cols("t", []string{sp.Column})[0]
	ok, want := acceptedCondition(g, col, sp)
	bad := fmt.Sprintf("%s IS NOT NULL AND NOT (%s)", col, ok)
	v, err := x.db.counts(ctx, fmt.Sprintf(
		"SELECT count(*), count(%s), coalesce(sum(CASE WHEN %s THEN 1 ELSE 0 END), 0), count(DISTINCT CASE WHEN %s THEN %s END) FROM %s",
		col, bad, bad, col, from))
	if err != nil {
		return err
	}
	rows, nonNull, badRows, badDistinct := v[0], v[1], v[2], v[3]
	x.observe("rows", rows, "non_null", nonNull, "rejected_rows", badRows, "rejected_distinct", badDistinct)
	if badRows == 0 {
		x.pass("%s, every %s %s", plural(nonNull, "non-NULL value", "non-NULL values"), sp.Column, want)
		return nil
	}
	x.fail("%s (%s) of %s: %s not %s", plural(badRows, "row", "rows"), plural(badDistinct, "distinct value", "distinct values"),
		formatInt(nonNull), sp.Column, want)
	if x.c.Examples == 0 {
		return nil
	}
	q := fmt.Sprintf("SELECT %s, count(*) FROM %s WHERE %s GROUP BY %s ORDER BY count(*) DESC, %s LIMIT %d",
		g.text(col), from, bad, col, col, x.c.Examples)
	return x.db.each(ctx, q, func(vals []any) error {
		n, err := toFloat(vals[1])
		if err != nil {
			return err
		}
		x.example(sp.Column, display(vals[0]), int64(n))
		return nil
	})
}

// acceptedCondition returns the SQL predicate of an accepted value and a
// description ("in [a, b]", "within [0, 10]").
func acceptedCondition(g sqlGen, col string, sp *AcceptedSpec) (cond, want string) {
	if len(sp.Values) > 0 {
		numeric := true
		for _, v := range sp.Values {
			numeric = numeric && v.Kind != "string"
		}
		lits, texts := make([]string, len(sp.Values)), make([]string, len(sp.Values))
		for i, v := range sp.Values {
			texts[i] = v.Text
			if numeric {
				lits[i] = g.literal(v)
			} else {
				lits[i] = g.literal(Literal{Text: v.Text, Kind: "string"})
			}
		}
		expr := col
		if !numeric {
			expr = g.text(col)
		}
		return fmt.Sprintf("%s IN (%s)", expr, strings.Join(lits, ", ")), "in [" + strings.Join(texts, ", ") + "]"
	}
	var parts []string
	lo, hi := "-∞", "+∞"
	if sp.Min != nil {
		parts = append(parts, col+" >= "+g.literal(*sp.Min))
		lo = sp.Min.Text
	}
	if sp.Max != nil {
		parts = append(parts, col+" <= "+g.literal(*sp.Max))
		hi = sp.Max.Text
	}
	return strings.Join(parts, " AND "), "within [" + lo + ", " + hi + "]"
}

// rowCount: the number of rows lies within the bounds.
func (x *exec) rowCount(ctx context.Context) error {
	sp, g := x.c.RowCount, x.db.gen
	from, err := g.from(sp.Source, "t")
	if err != nil {
		return err
	}
	v, err := x.db.counts(ctx, "SELECT count(*) FROM "+from)
	if err != nil {
		return err
	}
	rows := v[0]
	x.observe("rows", rows)
	scale := sp.Scale
	if scale <= 0 {
		scale = 1
	}
	lo, hi := math.Inf(-1), math.Inf(1)
	if sp.Min != nil {
		if lo, err = x.bound(ctx, sp.Min, "min"); err != nil {
			return err
		}
		lo /= scale
		x.observe("min", lo)
	}
	if sp.Max != nil {
		if hi, err = x.bound(ctx, sp.Max, "max"); err != nil {
			return err
		}
		hi *= scale
		x.observe("max", hi)
	}
	n := float64(rows)
	switch {
	case n > hi:
		factor := ratio(n, hi)
		x.observe("factor", factor)
		msg := fmt.Sprintf("%s, above the maximum %s%s", plural(rows, "row", "rows"), formatCount(hi), boundSource(sp.Max, scale))
		if hi > 0 {
			msg += ", " + formatFactor(factor)
		}
		x.fail("%s", msg)
	case n < lo:
		x.fail("%s, below the minimum %s%s", plural(rows, "row", "rows"), formatCount(lo), boundSource(sp.Min, 1/scale))
	default:
		var within []string
		if sp.Min != nil {
			within = append(within, "min "+formatCount(lo)+boundSource(sp.Min, 1/scale))
		}
		if sp.Max != nil {
			within = append(within, "max "+formatCount(hi)+boundSource(sp.Max, scale))
		}
		x.pass("%s, within %s", plural(rows, "row", "rows"), strings.Join(within, " and "))
	}
	return nil
}

// bound evaluates a row_count limit.
func (x *exec) bound(ctx context.Context, b *Bound, what string) (float64, error) {
	if b.SQL == "" {
		return b.Number, nil
	}
	v, err := x.db.numbers(ctx, trimSQL(b.SQL))
	if err != nil {
		return 0, fmt.Errorf("%s (%s): %w", what, b.String(), err)
	}
	if len(v) != 1 {
		return 0, fmt.Errorf("%s (%s) returned %d columns; it must return one number", what, b.String(), len(v))
	}
	return v[0], nil
}

// boundSource says where a computed bound came from: " (SELECT … ×1.1)".
func boundSource(b *Bound, scale float64) string {
	if b == nil || b.SQL == "" {
		return ""
	}
	s := " (" + abbreviate(b.String(), 80)
	if scale != 1 {
		s += " " + formatFactor2(scale)
	}
	return s + ")"
}

// formatFactor2 writes a scale with up to two decimals: "×1.1", "×0.91".
func formatFactor2(f float64) string { return "×" + formatFloat(math.Round(f*100)/100) }
