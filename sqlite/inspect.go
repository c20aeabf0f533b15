package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// querier is what inspection needs: *sql.DB and *sql.Conn both have it.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryAll runs a query and hands each row's scanned values to fn.
func queryAll(ctx context.Context, q querier, query string, args []any, dest []any, fn func() error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := fn(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// inspector reads one database's schema.
type inspector struct {
	q     querier
	path  string
	names map[string]string // lower-case table name -> name
	stats map[string]int64  // table -> row count from sqlite_stat1
}

// inspect reads the schema of the database behind q: its ordinary tables
// (not views, not virtual tables or their shadow tables, not sqlite_*),
// sorted by name.
func inspect(ctx context.Context, q querier, path string) (*dbtwin.Schema, error) {
	in := &inspector{q: q, path: path, names: map[string]string{}}
	skip, err := in.virtualTables(ctx)
	if err != nil {
		return nil, err
	}
	type entry struct{ name, sql string }
	var entries []entry
	var virtuals []*virtualTable
	var name, text sql.NullString
	err = queryAll(ctx, q, `SELECT name, sql FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`, nil,
		[]any{&name, &text}, func() error {
			if vt, ok := parseVirtual(name.String, text.String); ok {
				if vt.mode == copyRows {
					virtuals = append(virtuals, vt)
				}
				return nil
			}
			if !skip[name.String] {
				entries = append(entries, entry{name.String, text.String})
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("inspect %s: list tables from sqlite_master: %w", path, err)
	}
	for _, e := range entries {
		in.names[strings.ToLower(e.name)] = e.name
	}
	if err := in.readStats(ctx); err != nil {
		return nil, err
	}
	s := &dbtwin.Schema{Engine: Engine}
	for _, e := range entries {
		t, err := in.table(ctx, e.name, e.sql)
		if err != nil {
			return nil, fmt.Errorf("inspect %s: table %s: %w", path, e.name, err)
		}
		s.Tables = append(s.Tables, t)
	}
	for _, vt := range virtuals {
		t, err := in.virtualTable(ctx, vt)
		if err != nil {
			return nil, fmt.Errorf("inspect %s: %w", path, err)
		}
		s.Tables = append(s.Tables, t)
	}
	sort.Slice(s.Tables, func(i, j int) bool { return s.Tables[i].Name < s.Tables[j].Name })
	return s, nil
}

// virtualTables returns the names of virtual tables and their shadow tables
// (PRAGMA table_list, SQLite 3.37 and later; older versions give none).
func (in *inspector) virtualTables(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	var name, typ string
	err := queryAll(ctx, in.q, `SELECT name, type FROM pragma_table_list WHERE schema = 'main'`, nil,
		[]any{&name, &typ}, func() error {
			if typ == "virtual" || typ == "shadow" {
				out[name] = true
			}
			return nil
		})
	if err != nil && !strings.Contains(err.Error(), "no such table") {
		return nil, fmt.Errorf("inspect %s: PRAGMA table_list: %w", in.path, err)
	}
	return out, nil
}

// readStats reads row counts from sqlite_stat1 when ANALYZE has made it.
func (in *inspector) readStats(ctx context.Context) error {
	var n int
	err := queryAll(ctx, in.q, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'`,
		nil, []any{&n}, func() error { return nil })
	if err != nil || n == 0 {
		return err
	}
	in.stats = map[string]int64{}
	var tbl, stat sql.NullString
	err = queryAll(ctx, in.q, `SELECT tbl, stat FROM sqlite_stat1`, nil, []any{&tbl, &stat}, func() error {
		f := strings.Fields(stat.String)
		if len(f) == 0 {
			return nil
		}
		if rows, err := strconv.ParseInt(f[0], 10, 64); err == nil && rows > in.stats[tbl.String] {
			in.stats[tbl.String] = rows
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("inspect %s: read sqlite_stat1: %w", in.path, err)
	}
	return nil
}

func (in *inspector) table(ctx context.Context, name, createSQL string) (*dbtwin.Table, error) {
	def := parseCreateTable(createSQL)
	t := &dbtwin.Table{Name: name, RowEstimate: -1}
	if n, ok := in.stats[name]; ok {
		t.RowEstimate = n
	}
	pk, err := in.columns(ctx, t, def)
	if err != nil {
		return nil, err
	}
	if len(pk) > 0 {
		pkName := def.PKName
		if pkName == "" {
			pkName = name + "_pkey"
		}
		t.PrimaryKey = &dbtwin.Key{Name: pkName, Columns: pk, Primary: true, Constraint: true}
	}
	if err := in.uniques(ctx, t); err != nil {
		return nil, err
	}
	if err := in.foreignKeys(ctx, t, def); err != nil {
		return nil, err
	}
	for i, c := range def.Checks {
		n := c.Name
		if n == "" {
			n = fmt.Sprintf("%s_check%d", name, i+1)
		}
		t.Checks = append(t.Checks, &dbtwin.Check{Name: n, Expr: c.Expr})
	}
	return t, nil
}

// columns fills t.Columns from PRAGMA table_xinfo and returns the primary
// key's columns in key order.
func (in *inspector) columns(ctx context.Context, t *dbtwin.Table, def *tableDef) ([]string, error) {
	var (
		cid, notnull, pk, hidden int
		name, typ, dflt          sql.NullString
	)
	pkOrd := map[int]string{}
	err := queryAll(ctx, in.q, `SELECT cid, name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?)`,
		[]any{t.Name}, []any{&cid, &name, &typ, &notnull, &dflt, &pk, &hidden}, func() error {
			c := &dbtwin.Column{Name: name.String, Type: typ.String, Kind: KindOf(typ.String),
				Nullable: notnull == 0, Default: dflt.String}
			applyTypeArgs(c)
			if hidden == 2 || hidden == 3 {
				c.Generated = def.Generated[strings.ToLower(c.Name)]
				if c.Generated == "" {
					c.Generated = "(generated)"
				}
			}
			if pk > 0 {
				pkOrd[pk] = c.Name
			}
			t.Columns = append(t.Columns, c)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("PRAGMA table_xinfo: %w", err)
	}
	var keys []string
	for i := 1; i <= len(pkOrd); i++ {
		keys = append(keys, pkOrd[i])
	}
	for _, k := range keys {
		c := t.Column(k)
		if def.WithoutRowid {
			c.Nullable = false
		}
		if len(keys) == 1 && !def.WithoutRowid && strings.EqualFold(strings.TrimSpace(c.Type), "INTEGER") {
			// A rowid alias: never NULL, assigned when not given.
			c.Nullable = false
			c.Identity = "by default"
		}
	}
	return keys, nil
}

// uniques fills t.Uniques from the table's unique indexes other than the
// primary key's: UNIQUE constraints (origin "u") and CREATE UNIQUE INDEX
// ("c"), with expressions and partial predicates read from the index text.
func (in *inspector) uniques(ctx context.Context, t *dbtwin.Table) error {
	type idx struct {
		name, origin string
		partial      bool
	}
	var list []idx
	var (
		name, origin    string
		unique, partial int
	)
	err := queryAll(ctx, in.q, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`,
		[]any{t.Name}, []any{&name, &unique, &origin, &partial}, func() error {
			if unique == 1 && origin != "pk" {
				list = append(list, idx{name, origin, partial == 1})
			}
			return nil
		})
	if err != nil {
		return fmt.Errorf("PRAGMA index_list: %w", err)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	var colNames []string
	for _, c := range t.Columns {
		colNames = append(colNames, c.Name)
	}
	for _, ix := range list {
		k := &dbtwin.Key{Name: ix.name, Partial: ix.partial, Constraint: ix.origin == "u"}
		var text sql.NullString
		err := queryAll(ctx, in.q, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`,
			[]any{ix.name}, []any{&text}, func() error { return nil })
		if err != nil {
			return fmt.Errorf("index %s: %w", ix.name, err)
		}
		def := parseIndex(text.String)
		if ix.partial {
			k.Where = def.Where
		}
		var (
			seqno, cid int
			col        sql.NullString
			hasExpr    bool
			terms      []string
		)
		err = queryAll(ctx, in.q, `SELECT seqno, cid, name FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno`,
			[]any{ix.name}, []any{&seqno, &cid, &col}, func() error {
				term := ""
				if seqno < len(def.Terms) {
					term = def.Terms[seqno]
				}
				switch {
				case cid == -2:
					hasExpr = true
					if term == "" {
						term = "(expression)"
					}
					k.Columns = appendNew(k.Columns, exprColumns(term, colNames)...)
				case cid == -1:
					term = rowidColumn(t)
					k.Columns = appendNew(k.Columns, term)
				default:
					k.Columns = appendNew(k.Columns, col.String)
					if term == "" {
						term = QuoteIdent(col.String)
					}
				}
				terms = append(terms, term)
				return nil
			})
		if err != nil {
			return fmt.Errorf("PRAGMA index_xinfo(%s): %w", ix.name, err)
		}
		if hasExpr {
			k.Expressions = terms
		}
		t.Uniques = append(t.Uniques, k)
	}
	return nil
}

// rowidColumn names the column an index on the rowid means.
func rowidColumn(t *dbtwin.Table) string {
	if t.PrimaryKey != nil && len(t.PrimaryKey.Columns) == 1 {
		if c := t.Column(t.PrimaryKey.Columns[0]); c != nil && c.Identity != "" {
			return c.Name
		}
	}
	return "rowid"
}

func appendNew(list []string, names ...string) []string {
	for _, n := range names {
		found := false
		for _, x := range list {
			if x == n {
				found = true
			}
		}
		if !found {
			list = append(list, n)
		}
	}
	return list
}
