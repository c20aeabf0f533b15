package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// foreignKeys fills t.ForeignKeys from PRAGMA foreign_key_list, grouping the
// columns of composite keys by id. A key written "REFERENCES parent" without
// columns means the parent's primary key, which is looked up. Names and
// DEFERRABLE come from the CREATE TABLE text when it can be matched; an
// unnamed key is called "table_columns_fkey", as PostgreSQL names them.
func (in *inspector) foreignKeys(ctx context.Context, t *dbtwin.Table, def *tableDef) error {
	fks, _, err := in.foreignKeyIDs(ctx, t, def)
	t.ForeignKeys = fks
	return err
}

// foreignKeyIDs returns a table's foreign keys and, for each, SQLite's id
// (the fkid of PRAGMA foreign_key_check).
func (in *inspector) foreignKeyIDs(ctx context.Context, t *dbtwin.Table, def *tableDef) ([]*dbtwin.ForeignKey, []int, error) {
	var (
		id, seq                   int
		parent, from, to          sql.NullString
		onUpdate, onDelete, match string
	)
	var fks []*dbtwin.ForeignKey
	var ids []int
	var parents []string
	err := queryAll(ctx, in.q, `SELECT id, seq, "table", "from", "to", on_update, on_delete, "match"
		FROM pragma_foreign_key_list(?) ORDER BY id, seq`, []any{t.Name},
		[]any{&id, &seq, &parent, &from, &to, &onUpdate, &onDelete, &match}, func() error {
			if len(ids) == 0 || ids[len(ids)-1] != id {
				ref := parent.String
				if real, ok := in.names[strings.ToLower(ref)]; ok {
					ref = real
				}
				fks = append(fks, &dbtwin.ForeignKey{Name: fmt.Sprintf("fk%d", id), RefTable: ref,
					OnUpdate: onUpdate, OnDelete: onDelete})
				ids = append(ids, id)
				parents = append(parents, parent.String)
			}
			fk := fks[len(fks)-1]
			fk.Columns = append(fk.Columns, from.String)
			if to.Valid && to.String != "" {
				fk.RefColumns = append(fk.RefColumns, to.String)
			}
			return nil
		})
	if err != nil {
		return nil, nil, fmt.Errorf("PRAGMA foreign_key_list: %w", err)
	}
	var kept []*dbtwin.ForeignKey
	var keptIDs []int
	for i, fk := range fks {
		if len(fk.RefColumns) == 0 {
			cols, err := in.primaryKey(ctx, parents[i])
			if err != nil {
				return nil, nil, fmt.Errorf("foreign key %s to %s: %w", fk.Name, parents[i], err)
			}
			if len(cols) != len(fk.Columns) {
				// The parent is missing or has no matching primary key:
				// SQLite cannot enforce this reference either, so it is
				// not reported as one.
				continue
			}
			fk.RefColumns = cols
		}
		// Unnamed keys are named as PostgreSQL would: table_columns_fkey.
		fk.Name = fmt.Sprintf("%s_%s_fkey", t.Name, strings.Join(fk.Columns, "_"))
		for _, k := range kept {
			if k.Name == fk.Name {
				fk.Name = fmt.Sprintf("%s%d", fk.Name, ids[i])
			}
		}
		kept = append(kept, fk)
		keptIDs = append(keptIDs, ids[i])
		if d := matchFK(def.FKs, fk, len(fks)-1-i); d != nil {
			if d.Name != "" {
				fk.Name = d.Name
			}
			fk.Deferrable = d.Deferrable
			fk.InitiallyDeferred = d.InitiallyDeferred
		}
	}
	return kept, keptIDs, nil
}

// matchFK finds the parsed definition of a foreign key: the one with the
// same columns and parent, else the one at SQLite's position for it (ids
// count declarations from the last).
func matchFK(defs []fkDef, fk *dbtwin.ForeignKey, pos int) *fkDef {
	for i := range defs {
		d := &defs[i]
		if strings.EqualFold(d.RefTable, fk.RefTable) && sameFold(d.Columns, fk.Columns) {
			return d
		}
	}
	if pos >= 0 && pos < len(defs) && len(defs[pos].Columns) == len(fk.Columns) {
		return &defs[pos]
	}
	return nil
}

func sameFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}

// primaryKey returns a table's primary key columns in key order (none when
// the table has no primary key or does not exist).
func (in *inspector) primaryKey(ctx context.Context, table string) ([]string, error) {
	var name string
	var pk int
	byOrd := map[int]string{}
	err := queryAll(ctx, in.q, `SELECT name, pk FROM pragma_table_info(?) WHERE pk > 0`, []any{table},
		[]any{&name, &pk}, func() error {
			byOrd[pk] = name
			return nil
		})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(byOrd))
	for i := 1; i <= len(byOrd); i++ {
		out = append(out, byOrd[i])
	}
	return out, nil
}
