package mysql

import (
	"context"
	"fmt"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// Verify counts, for every foreign key of schema, the target's child rows
// whose key (all columns non-null) finds no parent row: the foreign keys
// were added with foreign_key_checks off, so the server did not check them.
// A table of schema missing from the target is an invalid constraint.
func (t *Target) Verify(ctx context.Context, schema *dbtwin.Schema) (*dbtwin.Verification, error) {
	v := &dbtwin.Verification{DanglingReferences: map[string]int64{}}
	have := map[string]bool{}
	names, err := t.TableNames(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		have[n] = true
	}
	for _, tb := range schema.Tables {
		if !have[tb.Name] {
			v.InvalidConstraints = append(v.InvalidConstraints, fmt.Sprintf("table %s: missing from the twin", tb.Name))
			continue
		}
		for _, fk := range tb.ForeignKeys {
			var n int64
			q := danglingSQL(tb, fk)
			if err := t.pool.QueryRowContext(ctx, q).Scan(&n); err != nil {
				return nil, fmt.Errorf("verify MySQL target %s: count dangling references of %s.%s: %w", t.url.Redacted(), tb.Name, fk.Name, t.sanitize(err))
			}
			v.DanglingReferences[tb.QualifiedName()+"."+fk.Name] = n
		}
	}
	return v, nil
}

// danglingSQL counts rows of tb whose fk columns are all set and match no
// row of the referenced table.
func danglingSQL(tb *dbtwin.Table, fk *dbtwin.ForeignKey) string {
	var notNull, match []string
	for i, col := range fk.Columns {
		notNull = append(notNull, "c."+QuoteIdent(col)+" IS NOT NULL")
		if i < len(fk.RefColumns) {
			match = append(match, "p."+QuoteIdent(fk.RefColumns[i])+" = c."+QuoteIdent(col))
		}
	}
	return "SELECT COUNT(*) FROM " + QuoteIdent(tb.Name) + " c WHERE " + strings.Join(notNull, " AND ") +
		" AND NOT EXISTS (SELECT 1 FROM " + QuoteIdent(fk.RefTable) + " p WHERE " + strings.Join(match, " AND ") + ")"
}
