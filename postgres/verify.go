package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dbtwin/dbtwin"
	"github.com/jackc/pgx/v5"
)

// Verify lists the constraints (convalidated = false) and indexes
// (indisvalid = false) that are not valid in the target, and counts, for
// every foreign key of schema, the child rows whose key (all columns
// non-null: MATCH SIMPLE) finds no parent row. A partition's foreign key that
// repeats its parent's is counted once, under the parent.
func (t *Target) Verify(ctx context.Context, schema *dbtwin.Schema) (*dbtwin.Verification, error) {
	var v *dbtwin.Verification
	err := t.pool.withConn(ctx, func(c *pgx.Conn) (err error) {
		v, err = violations(ctx, c, schema, true)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("verify target %s: %w", t.url.Redacted(), t.sanitize(err))
	}
	return v, nil
}

// Violations reports what the source itself holds against its constraints:
// the constraints and indexes it has not validated (NOT VALID), and for each
// foreign key that is NOT VALID there, the rows whose parent is missing.
func (s *Snapshot) Violations(ctx context.Context) (*dbtwin.Verification, error) {
	var v *dbtwin.Verification
	err := s.run(ctx, func(c *pgx.Conn) (err error) {
		v, err = violations(ctx, c, s.schema, false)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("check the source's own constraints in %s: %w", s.src.url.Redacted(), s.src.sanitize(err))
	}
	return v, nil
}

// violations lists invalid constraints and indexes and counts dangling
// references of the foreign keys not validated. With all, validated foreign
// keys are reported with 0 (the target's verification lists every key).
func violations(ctx context.Context, c *pgx.Conn, schema *dbtwin.Schema, all bool) (*dbtwin.Verification, error) {
	v := &dbtwin.Verification{DanglingReferences: map[string]int64{}}
	rows, err := c.Query(ctx, `
SELECT 'constraint ' || coalesce(n.nspname || '.' || cl.relname, tn.nspname || '.' || ty.typname) || '.' || c.conname
FROM pg_catalog.pg_constraint c
LEFT JOIN pg_catalog.pg_class cl ON cl.oid = c.conrelid
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
LEFT JOIN pg_catalog.pg_type ty ON ty.oid = c.contypid
LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = ty.typnamespace
WHERE NOT c.convalidated
  AND coalesce(n.nspname, tn.nspname) NOT IN ('pg_catalog', 'information_schema')
UNION ALL
SELECT 'index ' || n.nspname || '.' || ic.relname
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace
WHERE NOT i.indisvalid AND `+userSchema+`
ORDER BY 1`)
	if err != nil {
		return nil, err
	}
	v.InvalidConstraints, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	// A validated foreign key cannot dangle: only the others are counted
	// row by row.
	vrows, err := c.Query(ctx, `SELECT n.nspname || '.' || cl.relname || '.' || c.conname
FROM pg_catalog.pg_constraint c
JOIN pg_catalog.pg_class cl ON cl.oid = c.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
WHERE c.contype = 'f' AND c.convalidated`)
	if err != nil {
		return nil, err
	}
	validated, err := pgx.CollectRows(vrows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	for _, tb := range schema.Tables {
		for _, fk := range tb.ForeignKeys {
			if inheritedFK(schema, tb, fk) {
				continue
			}
			key := tb.QualifiedName() + "." + fk.Name
			if slices.Contains(validated, key) {
				if all {
					v.DanglingReferences[key] = 0
				}
				continue
			}
			var n int64
			if err := c.QueryRow(ctx, danglingSQL(schema, tb, fk)).Scan(&n); err != nil {
				return nil, fmt.Errorf("count dangling references of %s: %w", key, err)
			}
			v.DanglingReferences[key] = n
		}
	}
	return v, nil
}

// inheritedFK reports whether fk of a partition repeats a foreign key of its
// parent (so checking the parent covers it).
func inheritedFK(s *dbtwin.Schema, tb *dbtwin.Table, fk *dbtwin.ForeignKey) bool {
	if tb.PartitionOf == "" {
		return false
	}
	parent := s.Table(tb.PartitionOf)
	if parent == nil {
		return false
	}
	for _, p := range parent.ForeignKeys {
		if p.RefTable == fk.RefTable && slices.Equal(p.Columns, fk.Columns) && slices.Equal(p.RefColumns, fk.RefColumns) {
			return true
		}
	}
	return false
}

// danglingSQL counts rows of tb whose fk columns are all set and match no
// row of the referenced table.
func danglingSQL(s *dbtwin.Schema, tb *dbtwin.Table, fk *dbtwin.ForeignKey) string {
	refFrom := ""
	if ref := s.Table(fk.RefTable); ref != nil {
		refFrom = fromTable(ref)
	} else {
		refFrom = QuoteTable(splitQualified(fk.RefTable))
	}
	var notNull, match []string
	for i, col := range fk.Columns {
		notNull = append(notNull, "c."+QuoteIdent(col)+" IS NOT NULL")
		if i < len(fk.RefColumns) {
			match = append(match, "p."+QuoteIdent(fk.RefColumns[i])+" = c."+QuoteIdent(col))
		}
	}
	return "SELECT count(*) FROM " + fromTable(tb) + " c WHERE " + strings.Join(notNull, " AND ") +
		" AND NOT EXISTS (SELECT 1 FROM " + refFrom + " p WHERE " + strings.Join(match, " AND ") + ")"
}

// splitQualified turns "schema.table" into a Table (for quoting). Schema
// names with dots are not supported by the qualified form.
func splitQualified(name string) *dbtwin.Table {
	if i := strings.IndexByte(name, '.'); i >= 0 {
		return &dbtwin.Table{Schema: name[:i], Name: name[i+1:]}
	}
	return &dbtwin.Table{Name: name}
}
