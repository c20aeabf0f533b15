package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// MarkerTable is the table a twin under construction carries: it exists from
// MarkIncomplete to MarkComplete, so a twin that has it is not finished. It is
// left out of Inspect and TableNames.
const MarkerTable = "_dbtwin_incomplete"

// querier is what inspect needs: a connection (usually inside a transaction).
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// queryAll runs a query and calls each for every row scanned into dest.
func queryAll(ctx context.Context, q querier, query string, args []any, dest []any, each func() error) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%w (query: %s)", err, abbreviate(query))
	}
	defer rows.Close()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if err := each(); err != nil {
			return err
		}
	}
	return rows.Err()
}

// inspect reads the schema of the connection's current database from
// information_schema. Table names are kept as the server stores them
// (lower_case_table_names decides); dbtwin.Schema.Table falls back to a
// case-insensitive match, so config names work either way.
func inspect(ctx context.Context, q querier, dbname string) (*dbtwin.Schema, error) {
	s := &dbtwin.Schema{Engine: Engine}
	in := &inspector{q: q, s: s, byName: map[string]*dbtwin.Table{}, db: dbname}
	steps := []struct {
		what string
		f    func(context.Context) error
	}{
		{"tables", in.tables},
		{"columns", in.columns},
		{"keys", in.keys},
		{"foreign keys", in.foreignKeys},
		{"checks", in.checks},
	}
	for _, st := range steps {
		if err := st.f(ctx); err != nil {
			return nil, fmt.Errorf("inspect MySQL database %s: %s: %w", dbname, st.what, err)
		}
	}
	sort.SliceStable(s.Tables, func(i, j int) bool { return s.Tables[i].Name < s.Tables[j].Name })
	return s, nil
}

type inspector struct {
	q      querier
	s      *dbtwin.Schema
	db     string
	byName map[string]*dbtwin.Table
}

func (in *inspector) tables(ctx context.Context) error {
	var (
		name string
		rows sql.NullInt64
	)
	return queryAll(ctx, in.q, `SELECT TABLE_NAME, TABLE_ROWS FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE IN ('BASE TABLE', 'SYSTEM VERSIONED') AND TABLE_NAME <> ?`,
		[]any{MarkerTable}, []any{&name, &rows}, func() error {
			t := &dbtwin.Table{Name: name, RowEstimate: -1}
			if rows.Valid {
				t.RowEstimate = rows.Int64
			}
			in.s.Tables = append(in.s.Tables, t)
			in.byName[name] = t
			return nil
		})
}

func (in *inspector) columns(ctx context.Context) error {
	var (
		table, name, colType, dataType, nullable, extra string
		def, gen                                        sql.NullString
		maxLen, prec, scale                             sql.NullInt64
	)
	return queryAll(ctx, in.q, `SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, DATA_TYPE, IS_NULLABLE, EXTRA,
		COLUMN_DEFAULT, GENERATION_EXPRESSION, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE
		FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, ORDINAL_POSITION`,
		nil, []any{&table, &name, &colType, &dataType, &nullable, &extra, &def, &gen, &maxLen, &prec, &scale}, func() error {
			t := in.byName[table]
			if t == nil {
				return nil // a view's column
			}
			c := &dbtwin.Column{Name: name, Type: colType, Nullable: nullable == "YES"}
			c.Kind = kindOf(dataType, colType)
			if def.Valid && def.String != "NULL" {
				c.Default = def.String
			}
			if strings.Contains(strings.ToLower(extra), "auto_increment") {
				c.Identity = "by default"
			}
			if gen.Valid && strings.TrimSpace(gen.String) != "" {
				c.Generated = gen.String
			}
			if c.Kind == dbtwin.KindText && maxLen.Valid && (dataType == "varchar" || dataType == "char") {
				c.MaxLength = int(maxLen.Int64)
			}
			if dataType == "decimal" && prec.Valid {
				c.Precision = int(prec.Int64)
				if scale.Valid {
					c.Scale = int(scale.Int64)
				}
			}
			if c.Kind == dbtwin.KindEnum {
				c.EnumValues = enumValues(colType)
			}
			t.Columns = append(t.Columns, c)
			return nil
		})
}

// keyPart is one column (or prefix, or expression) of an index.
type keyPart struct {
	column string
	sub    sql.NullInt64
	expr   sql.NullString
}

func (in *inspector) keys(ctx context.Context) error {
	type index struct {
		table, name string
		unique      bool
		parts       []keyPart
	}
	var (
		order []*index
		byKey = map[string]*index{}
	)
	var (
		table, name string
		nonUnique   int
		column      sql.NullString
		part        keyPart
	)
	exprCol := "NULL"
	if in.hasColumn(ctx, "STATISTICS", "EXPRESSION") {
		exprCol = "EXPRESSION" // MySQL 8 functional key parts
	}
	err := queryAll(ctx, in.q, `SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, `+exprCol+`
		FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
		nil, []any{&table, &name, &nonUnique, &column, &part.sub, &part.expr}, func() error {
			if nonUnique != 0 || in.byName[table] == nil {
				return nil
			}
			k := table + "\x00" + name
			ix := byKey[k]
			if ix == nil {
				ix = &index{table: table, name: name, unique: true}
				byKey[k] = ix
				order = append(order, ix)
			}
			p := part
			p.column = column.String
			ix.parts = append(ix.parts, p)
			return nil
		})
	if err != nil {
		return err
	}
	for _, ix := range order {
		t := in.byName[ix.table]
		key := &dbtwin.Key{Name: ix.name, Primary: ix.name == "PRIMARY", Constraint: true}
		plain := true
		for _, p := range ix.parts {
			if p.expr.Valid && p.expr.String != "" || p.sub.Valid {
				plain = false
			}
		}
		for _, p := range ix.parts {
			switch {
			case p.expr.Valid && p.expr.String != "":
				key.Expressions = append(key.Expressions, p.expr.String)
				for _, c := range t.Columns {
					if strings.Contains(p.expr.String, "`"+c.Name+"`") || strings.Contains(p.expr.String, `"`+c.Name+`"`) {
						key.Columns = append(key.Columns, c.Name)
					}
				}
			case p.sub.Valid:
				key.Columns = append(key.Columns, p.column)
				key.Expressions = append(key.Expressions, fmt.Sprintf("left(%s, %d)", QuoteIdent(p.column), p.sub.Int64))
			default:
				key.Columns = append(key.Columns, p.column)
				if !plain {
					key.Expressions = append(key.Expressions, QuoteIdent(p.column))
				}
			}
		}
		if key.Primary {
			t.PrimaryKey = key
		} else {
			t.Uniques = append(t.Uniques, key)
		}
	}
	return nil
}

// hasColumn reports whether an information_schema table has a column.
func (in *inspector) hasColumn(ctx context.Context, table, column string) bool {
	var n int
	err := queryAll(ctx, in.q, `SELECT COUNT(*) FROM information_schema.COLUMNS
		WHERE TABLE_SCHEMA = 'information_schema' AND TABLE_NAME = ? AND COLUMN_NAME = ?`,
		[]any{table, column}, []any{&n}, func() error { return nil })
	return err == nil && n > 0
}

func (in *inspector) foreignKeys(ctx context.Context) error {
	var (
		table, name, column, refTable, refColumn, onUpdate, onDelete string
	)
	byKey := map[string]*dbtwin.ForeignKey{}
	return queryAll(ctx, in.q, `SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME,
		k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE
		FROM information_schema.KEY_COLUMN_USAGE k
		JOIN information_schema.REFERENTIAL_CONSTRAINTS r
		  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
		WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_SCHEMA = DATABASE()
		ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`,
		nil, []any{&table, &name, &column, &refTable, &refColumn, &onUpdate, &onDelete}, func() error {
			t := in.byName[table]
			if t == nil {
				return nil
			}
			k := table + "\x00" + name
			fk := byKey[k]
			if fk == nil {
				fk = &dbtwin.ForeignKey{Name: name, RefTable: refTable, OnUpdate: onUpdate, OnDelete: onDelete}
				byKey[k] = fk
				t.ForeignKeys = append(t.ForeignKeys, fk)
			}
			fk.Columns = append(fk.Columns, column)
			fk.RefColumns = append(fk.RefColumns, refColumn)
			return nil
		})
}

// checks reads CHECK constraints (MariaDB 10.2+, MySQL 8.0.16+). On MariaDB
// a JSON column is a LONGTEXT with a json_valid check: that column's kind
// becomes json.
func (in *inspector) checks(ctx context.Context) error {
	if !in.hasColumn(ctx, "CHECK_CONSTRAINTS", "CHECK_CLAUSE") {
		return nil
	}
	tableCol := "TABLE_NAME"
	if !in.hasColumn(ctx, "CHECK_CONSTRAINTS", "TABLE_NAME") {
		// MySQL 8 keeps the table in TABLE_CONSTRAINTS.
		return in.checksMySQL(ctx)
	}
	var table, name, clause string
	return queryAll(ctx, in.q, `SELECT `+tableCol+`, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
		WHERE CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2`, nil, []any{&table, &name, &clause}, func() error {
		in.addCheck(table, name, clause)
		return nil
	})
}

func (in *inspector) checksMySQL(ctx context.Context) error {
	var table, name, clause string
	return queryAll(ctx, in.q, `SELECT t.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE
		FROM information_schema.CHECK_CONSTRAINTS c JOIN information_schema.TABLE_CONSTRAINTS t
		  ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME AND t.CONSTRAINT_TYPE = 'CHECK'
		WHERE c.CONSTRAINT_SCHEMA = DATABASE() ORDER BY 1, 2`, nil, []any{&table, &name, &clause}, func() error {
		in.addCheck(table, name, clause)
		return nil
	})
}

func (in *inspector) addCheck(table, name, clause string) {
	t := in.byName[table]
	if t == nil {
		return
	}
	// Source sessions print identifiers with double quotes (ANSI_QUOTES).
	cl := strings.TrimSpace(clause)
	if c := t.Column(name); c != nil && (strings.EqualFold(cl, "json_valid(`"+name+"`)") || strings.EqualFold(cl, `json_valid("`+name+`")`)) {
		c.Kind = dbtwin.KindJSON
		return
	}
	t.Checks = append(t.Checks, &dbtwin.Check{Name: name, Expr: clause})
}

// enumValues parses the labels of "enum('a','b”c')".
func enumValues(colType string) []string {
	i := strings.IndexByte(colType, '(')
	j := strings.LastIndexByte(colType, ')')
	if i < 0 || j <= i {
		return nil
	}
	return parseQuotedList(colType[i+1 : j])
}

// parseQuotedList parses 'a','b”c' (quotes doubled, backslash escapes).
func parseQuotedList(s string) []string {
	var out []string
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case !in && c == '\'':
			in = true
			b.Reset()
		case in && c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case in && c == '\'':
			if i+1 < len(s) && s[i+1] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			in = false
			out = append(out, b.String())
		case in:
			b.WriteByte(c)
		}
	}
	return out
}
