package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/dbtwin/dbtwin"
)

// maxQuickCheckErrors caps the problems PRAGMA quick_check reports.
const maxQuickCheckErrors = 100

// Verify checks the twin (the partial file before MarkComplete, else the
// final file). PRAGMA foreign_key_check counts, per foreign key of the
// schema's tables, the rows whose parent is missing: DanglingReferences is
// keyed "table.name" with the foreign key's name as Inspect gives it ("fk<id>"
// for an unnamed one). PRAGMA quick_check (file structure, NOT NULL and
// CHECK constraints) adds every line other than "ok" to InvalidConstraints.
func (t *Target) Verify(ctx context.Context, schema *dbtwin.Schema) (*dbtwin.Verification, error) {
	v := &dbtwin.Verification{DanglingReferences: map[string]int64{}}
	err := t.withDB(ctx, func(q querier, path string) error {
		in := &inspector{q: q, path: path, names: map[string]string{}}
		if schema != nil {
			for _, tbl := range schema.Tables {
				if err := in.dangling(ctx, tbl.Name, v); err != nil {
					return err
				}
			}
		}
		if ex, ok := q.(execer); ok {
			if err := verifyVirtual(ctx, q, ex, v); err != nil {
				return err
			}
		}
		var line string
		return queryAll(ctx, q, fmt.Sprintf("PRAGMA quick_check(%d)", maxQuickCheckErrors), nil, []any{&line}, func() error {
			if line != "ok" {
				v.InvalidConstraints = append(v.InvalidConstraints, "quick_check: "+line)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("verify SQLite target %s: %w", t.path, diskFull(t.path, err))
	}
	return v, nil
}

// dangling counts one table's rows that break a foreign key. A check SQLite
// cannot run (a "foreign key mismatch": the parent or its key is missing)
// is reported as an invalid constraint rather than an error.
func (in *inspector) dangling(ctx context.Context, table string, v *dbtwin.Verification) error {
	var createSQL sql.NullString
	err := queryAll(ctx, in.q, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`,
		[]any{table}, []any{&createSQL}, func() error { return nil })
	if err != nil {
		return fmt.Errorf("table %s: %w", table, err)
	}
	if !createSQL.Valid {
		v.InvalidConstraints = append(v.InvalidConstraints, fmt.Sprintf("table %s: missing from the twin", table))
		return nil
	}
	tbl := &dbtwin.Table{Name: table}
	fks, ids, err := in.foreignKeyIDs(ctx, tbl, parseCreateTable(createSQL.String))
	if err != nil {
		return fmt.Errorf("table %s: %w", table, err)
	}
	names := map[int]string{}
	for i, fk := range fks {
		names[ids[i]] = fk.Name
		v.DanglingReferences[table+"."+fk.Name] = 0
	}
	if len(fks) == 0 {
		return nil
	}
	var (
		fkid int
		n    int64
	)
	err = queryAll(ctx, in.q, `SELECT fkid, count(*) FROM pragma_foreign_key_check(?) GROUP BY fkid`,
		[]any{table}, []any{&fkid, &n}, func() error {
			name, ok := names[fkid]
			if !ok {
				name = fmt.Sprintf("fk%d", fkid)
			}
			v.DanglingReferences[table+"."+name] += n
			return nil
		})
	if err != nil {
		v.InvalidConstraints = append(v.InvalidConstraints, fmt.Sprintf("table %s: foreign key check: %v", table, err))
	}
	return nil
}

// Violations reports the source's own orphan rows: SQLite does not enforce
// foreign keys unless an application turns them on, so production files
// often hold rows whose parent is gone. DanglingReferences counts them per
// foreign key, keyed like Target.Verify (keys without orphans omitted).
func (s *snapshot) Violations(ctx context.Context) (*dbtwin.Verification, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	all := &dbtwin.Verification{DanglingReferences: map[string]int64{}}
	in := &inspector{q: s.conn, path: s.path, names: map[string]string{}}
	for _, tbl := range s.schema.Tables {
		if err := in.dangling(ctx, tbl.Name, all); err != nil {
			return nil, fmt.Errorf("check the foreign keys of SQLite source %s: %w", s.path, err)
		}
	}
	v := &dbtwin.Verification{DanglingReferences: map[string]int64{}}
	for k, n := range all.DanglingReferences {
		if n > 0 {
			v.DanglingReferences[k] = n
		}
	}
	return v, nil
}
