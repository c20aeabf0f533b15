package check

import (
	"context"
	"fmt"
	"strings"
)

// references: every row of From finds a row of To (NOT EXISTS).
func (x *exec) references(ctx context.Context) error {
	sp, g := x.c.References, x.db.gen
	fromT, err := g.table(sp.From.Table)
	if err != nil {
		return err
	}
	toT, err := g.table(sp.To.Table)
	if err != nil {
		return err
	}
	fc, tc := g.cols("f", sp.From.Columns), g.cols("p", sp.To.Columns)
	missing := fmt.Sprintf("%s AND NOT EXISTS (SELECT 1 FROM %s AS p WHERE %s)", allNotNull(fc), toT, equalities(tc, fc))
	// Two statements, so that the engine can plan NOT EXISTS as an anti-join
	// (inside a CASE it would be a correlated lookup per row).
	v, err := x.db.counts(ctx, fmt.Sprintf("SELECT count(*), coalesce(sum(CASE WHEN %s THEN 1 ELSE 0 END), 0) FROM %s AS f",
		anyNull(fc), fromT))
	if err != nil {
		return err
	}
	m, err := x.db.counts(ctx, fmt.Sprintf("SELECT count(*) FROM %s AS f WHERE %s", fromT, missing))
	if err != nil {
		return err
	}
	rows, nulls, missingRows := v[0], v[1], m[0]
	orphans := missingRows
	if sp.Nulls == NullsFail {
		orphans += nulls
	}
	x.observe("rows", rows, "null_rows", nulls, "orphans", orphans, "max_orphans", sp.MaxOrphans)
	nullNote := ""
	if nulls > 0 {
		if sp.Nulls == NullsFail {
			nullNote = fmt.Sprintf("; %s NULL, counted as orphans (nulls: fail)", formatInt(nulls))
		} else {
			nullNote = fmt.Sprintf("; %s NULL, ignored", formatInt(nulls))
		}
	}
	if orphans <= sp.MaxOrphans {
		if orphans == 0 {
			x.pass("%s of %s %s %s%s", plural(rows, "row", "rows"), sp.From, verb(rows, "finds", "all find"), sp.To, nullNote)
		} else {
			x.pass("%s of %s %s no %s, within max_orphans %s%s", plural(orphans, "row", "rows"),
				sp.From, verb(orphans, "finds", "find"), sp.To, formatInt(sp.MaxOrphans), nullNote)
		}
		return nil
	}
	x.fail("%s of %s (of %s) %s no %s; max_orphans is %s%s", plural(orphans, "row", "rows"), sp.From,
		formatInt(rows), verb(orphans, "finds", "find"), sp.To, formatInt(sp.MaxOrphans), nullNote)
	if x.c.Examples == 0 {
		return nil
	}
	if sp.Nulls == NullsFail && nulls > 0 {
		x.res.Examples = append(x.res.Examples, Example{Value: "NULL", Count: nulls})
	}
	texts := make([]string, len(fc))
	for i, c := range fc {
		texts[i] = g.text(c)
	}
	list := strings.Join(fc, ", ")
	q := fmt.Sprintf("SELECT %s, count(*) FROM %s AS f WHERE %s GROUP BY %s ORDER BY count(*) DESC, %s LIMIT %d",
		strings.Join(texts, ", "), fromT, missing, list, list, x.c.Examples)
	return x.db.each(ctx, q, func(vals []any) error {
		if len(x.res.Examples) >= x.c.Examples {
			return nil
		}
		n, err := toFloat(vals[len(vals)-1])
		if err != nil {
			return err
		}
		x.exampleTuple(sp.From.Columns, vals[:len(vals)-1], int64(n), false)
		return nil
	})
}

// verb picks the singular or plural form for a count.
func verb(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// rows: the query returns no rows.
func (x *exec) rows(ctx context.Context) error {
	sp := x.c.Rows
	body := trimSQL(sp.SQL)
	v, err := x.db.counts(ctx, "SELECT count(*) FROM ("+body+"\n) AS q")
	if err != nil {
		return err
	}
	n := v[0]
	x.observe("rows", n)
	what := "the query"
	if sp.Query != "" {
		what = "query " + sp.Query
	}
	if n == 0 {
		x.pass("%s returned no rows", what)
		return nil
	}
	x.fail("%s returned %s; it must return none", what, plural(n, "row", "rows"))
	if x.c.Examples == 0 {
		return nil
	}
	q := fmt.Sprintf("SELECT * FROM (%s\n) AS q LIMIT %d", body, x.c.Examples)
	return x.db.eachNamed(ctx, q, func(cols []string, vals []any) error {
		x.exampleTuple(cols, vals, 0, true)
		return nil
	})
}
