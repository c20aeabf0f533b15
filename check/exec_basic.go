package check

import (
	"context"
	"fmt"
	"strings"
)

// unique: group by the columns; rows vs distinct groups gives the fan-out.
func (x *exec) unique(ctx context.Context) error {
	sp, g := x.c.Unique, x.db.gen
	from, err := g.from(sp.Source, "t")
	if err != nil {
		return err
	}
	cols := g.cols("t", sp.Columns)
	list := strings.Join(cols, ", ")
	groups := fmt.Sprintf("SELECT count(*) AS n FROM %s WHERE %s GROUP BY %s", from, allNotNull(cols), list)
	v, err := x.db.counts(ctx, fmt.Sprintf(`SELECT count(*), coalesce(sum(n), 0),
  coalesce(sum(CASE WHEN n > 1 THEN 1 ELSE 0 END), 0), coalesce(sum(CASE WHEN n > 1 THEN n ELSE 0 END), 0),
  coalesce(max(n), 0)
FROM (%s) AS g`, groups))
	if err != nil {
		return err
	}
	distinct, rows, dupGroups, dupRows, maxN := v[0], v[1], v[2], v[3], v[4]
	nulls, err := x.db.counts(ctx, fmt.Sprintf("SELECT count(*) FROM %s WHERE %s", from, anyNull(cols)))
	if err != nil {
		return err
	}
	factor := ratio(float64(rows), float64(distinct))
	x.observe("rows", rows, "distinct", distinct, "duplicate_groups", dupGroups, "duplicate_rows", dupRows,
		"max_per_value", maxN, "fanout", factor, "null_rows", nulls[0])
	what := distinctLabel(sp.Columns)
	if dupGroups == 0 {
		x.pass("%s, all distinct", plural(rows, "row", "rows"))
		if nulls[0] > 0 {
			x.res.Details = append(x.res.Details, fmt.Sprintf("%s with NULL not compared (add not_null to forbid them)",
				plural(nulls[0], "row", "rows")))
		}
		return nil
	}
	x.fail("%s for %s %s, %s (%s more than once, up to %s times)", plural(rows, "row", "rows"),
		formatInt(distinct), what, formatFactor(factor), repeatedLabel(sp.Columns, dupGroups), formatInt(maxN))
	if x.c.Examples == 0 {
		return nil
	}
	texts := make([]string, len(cols))
	for i, c := range cols {
		texts[i] = g.text(c)
	}
	q := fmt.Sprintf("SELECT %s, count(*) FROM %s WHERE %s GROUP BY %s HAVING count(*) > 1 ORDER BY count(*) DESC, %s LIMIT %d",
		strings.Join(texts, ", "), from, allNotNull(cols), list, list, x.c.Examples)
	return x.db.each(ctx, q, func(vals []any) error {
		n, err := toFloat(vals[len(vals)-1])
		if err != nil {
			return err
		}
		x.exampleTuple(sp.Columns, vals[:len(vals)-1], int64(n), false)
		return nil
	})
}

// exampleTuple adds an example made of one value per column: the bare
// value for one column unless named, else "col=value, ...".
func (x *exec) exampleTuple(columns []string, vals []any, count int64, named bool) {
	if len(columns) == 1 && !named {
		x.example(columns[0], display(vals[0]), count)
		return
	}
	parts := make([]string, len(vals))
	for i, v := range vals {
		s := display(v)
		if x.redact && v != nil {
			s = redactValue(columns[i], s)
		}
		parts[i] = columns[i] + "=" + s
	}
	x.res.Examples = append(x.res.Examples, Example{Value: strings.Join(parts, ", "), Count: count})
}

// distinctLabel names what is counted: "distinct emails", "distinct (a, b)".
func distinctLabel(cols []string) string {
	if len(cols) == 1 {
		return "distinct " + pluralWord(cols[0])
	}
	return "distinct (" + strings.Join(cols, ", ") + ")"
}

// repeatedLabel says how many values repeat: "1 email appears", "30 emails appear".
func repeatedLabel(cols []string, n int64) string {
	noun := "(" + strings.Join(cols, ", ") + ")"
	if len(cols) == 1 {
		noun = cols[0]
		if n != 1 {
			noun = pluralWord(noun)
		}
	}
	if n == 1 {
		return "1 " + noun + " appears"
	}
	return formatInt(n) + " " + noun + " appear"
}

func pluralWord(w string) string {
	lw := strings.ToLower(w)
	switch {
	case strings.HasSuffix(lw, "s"), strings.HasSuffix(lw, "x"), strings.HasSuffix(lw, "z"),
		strings.HasSuffix(lw, "ch"), strings.HasSuffix(lw, "sh"):
		return w + "es"
	case len(lw) > 1 && strings.HasSuffix(lw, "y") && !strings.ContainsRune("aeiou", rune(lw[len(lw)-2])):
		return w[:len(w)-1] + "ies"
	}
	return w + "s"
}

// notNull counts NULLs per column.
func (x *exec) notNull(ctx context.Context) error {
	sp, g := x.c.NotNull, x.db.gen
	from, err := g.from(sp.Source, "t")
	if err != nil {
		return err
	}
	cols := g.cols("t", sp.Columns)
	sums := []string{"count(*)", fmt.Sprintf("coalesce(sum(CASE WHEN %s THEN 1 ELSE 0 END), 0)", anyNull(cols))}
	for _, c := range cols {
		sums = append(sums, fmt.Sprintf("coalesce(sum(CASE WHEN %s IS NULL THEN 1 ELSE 0 END), 0)", c))
	}
	v, err := x.db.counts(ctx, "SELECT "+strings.Join(sums, ", ")+" FROM "+from)
	if err != nil {
		return err
	}
	rows, bad := v[0], v[1]
	x.observe("rows", rows, "null_rows", bad)
	var per []string
	for i, c := range sp.Columns {
		x.observe("null_"+c, v[2+i])
		if v[2+i] > 0 {
			per = append(per, fmt.Sprintf("%s: %s NULL", c, formatInt(v[2+i])))
		}
	}
	if bad == 0 {
		x.pass("%s, no NULL in %s", plural(rows, "row", "rows"), strings.Join(sp.Columns, ", "))
		return nil
	}
	x.fail("%s of %s have NULL (%s)", formatInt(bad), plural(rows, "row", "rows"), strings.Join(per, "; "))
	if len(sp.Key) == 0 || x.c.Examples == 0 {
		return nil
	}
	keys := g.cols("t", sp.Key)
	texts := make([]string, len(keys))
	for i, k := range keys {
		texts[i] = g.text(k)
	}
	q := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT %d", strings.Join(texts, ", "), from,
		anyNull(cols), strings.Join(keys, ", "), x.c.Examples)
	return x.db.each(ctx, q, func(vals []any) error {
		x.exampleTuple(sp.Key, vals, 0, true)
		return nil
	})
}
