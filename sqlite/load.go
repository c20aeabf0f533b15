package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// Write loads rows into a table's columns with multi-row INSERTs (up to 100
// rows a statement, prepared once), about 10,000 rows a transaction. Rows are
// gathered and converted outside the lock, so other tables' writers proceed
// between transactions; the transactions themselves run one at a time.
//
// Each field is bound by the storage class the Rows reports (ClassedRows),
// else by the target column's affinity (see bindValue).
func (t *Target) Write(ctx context.Context, tbl *dbtwin.Table, columns []string, rows dbtwin.Rows) (int64, error) {
	if len(columns) == 0 {
		return 0, fmt.Errorf("write %s to SQLite target %s: no columns given", tbl.Name, t.path)
	}
	aff, err := t.columnAffinities(ctx, tbl.Name, columns)
	if err != nil {
		return 0, err
	}
	classed, _ := dbtwin.UnwrapRows[ClassedRows](rows)
	ncol := len(columns)
	per := rowsPerStatement
	if per*ncol > maxVariables {
		per = max(1, maxVariables/ncol)
	}
	l := &loader{t: t, table: tbl.Name, columns: columns, per: per, stmts: map[int]*sql.Stmt{}}
	defer l.close()

	args := make([]any, 0, rowsPerTx*ncol)
	var written, size int64
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		n := len(args) / ncol
		if err := l.insert(ctx, args); err != nil {
			return fmt.Errorf("write %s to SQLite target %s (rows %d to %d): %w", tbl.Name, t.path, written+1, written+int64(n), diskFull(t.path, err))
		}
		written += int64(n)
		clear(args)
		args, size = args[:0], 0
		return nil
	}
	for rows.Next() {
		row := rows.Row()
		if len(row) != ncol {
			return written, fmt.Errorf("write %s to SQLite target %s: row %d has %d fields for %d columns (%s)",
				tbl.Name, t.path, written+int64(len(args)/ncol)+1, len(row), ncol, strings.Join(columns, ", "))
		}
		var classes []StorageClass
		if classed != nil {
			classes = classed.StorageClasses()
		}
		for i, f := range row {
			var class StorageClass
			if i < len(classes) {
				class = classes[i]
			}
			args = append(args, bindValue(f, aff[i], class))
			size += int64(len(f))
		}
		if len(args) >= rowsPerTx*ncol || size >= bytesPerTx {
			if err := flush(); err != nil {
				return written, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return written, fmt.Errorf("write %s to SQLite target %s: reading its rows: %w", tbl.Name, t.path, err)
	}
	if err := flush(); err != nil {
		return written, err
	}
	return written, nil
}

// columnAffinities returns the affinity of each named column of a table of
// the partial file, from its declared types.
func (t *Target) columnAffinities(ctx context.Context, table string, columns []string) ([]Affinity, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn == nil {
		return nil, fmt.Errorf("write %s to SQLite target %s: CreateSchema must come first (or the target is closed)", table, t.path)
	}
	if t.affinity == nil {
		t.affinity = map[string]map[string]Affinity{}
	}
	byName, ok := t.affinity[table]
	if !ok {
		byName = map[string]Affinity{}
		var name, typ string
		err := queryAll(ctx, t.conn, `SELECT name, type FROM pragma_table_xinfo(?)`, []any{table},
			[]any{&name, &typ}, func() error {
				byName[name] = AffinityOf(typ)
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("write %s to SQLite target %s: read its columns: %w", table, t.path, err)
		}
		if len(byName) == 0 {
			return nil, fmt.Errorf("write %s to SQLite target %s: no such table in the twin's schema", table, t.path)
		}
		// A virtual table's rowid is written explicitly; an FTS table's
		// columns hold text.
		var createSQL string
		_ = queryAll(ctx, t.conn, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`, []any{table},
			[]any{&createSQL}, func() error { return nil })
		if vt, ok := parseVirtual(table, createSQL); ok {
			if _, has := byName["rowid"]; !has {
				byName["rowid"] = AffinityInteger
			}
			if strings.HasPrefix(vt.module, "fts") {
				for name, a := range byName {
					if a == AffinityBlob && name != "rowid" {
						byName[name] = AffinityText
					}
				}
			}
		}
		t.affinity[table] = byName
	}
	out := make([]Affinity, len(columns))
	for i, c := range columns {
		a, ok := byName[c]
		if !ok {
			return nil, fmt.Errorf("write %s to SQLite target %s: no column %q in the twin's table", table, t.path, c)
		}
		out[i] = a
	}
	return out, nil
}

// loader inserts one table's rows through statements prepared once.
type loader struct {
	t       *Target
	table   string
	columns []string
	per     int
	stmts   map[int]*sql.Stmt // by rows per statement
}

// stmt returns the INSERT for n rows, preparing it on first use; t.mu is held.
func (l *loader) stmt(ctx context.Context, n int) (*sql.Stmt, error) {
	if s, ok := l.stmts[n]; ok {
		return s, nil
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(l.columns)), ", ") + ")"
	var b strings.Builder
	b.WriteString("INSERT INTO " + QuoteIdent(l.table) + " (" + quoteList(l.columns) + ") VALUES ")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	s, err := l.t.conn.PrepareContext(ctx, b.String())
	if err != nil {
		return nil, fmt.Errorf("prepare INSERT: %w", err)
	}
	l.stmts[n] = s
	return s, nil
}

// insert writes the rows whose values args holds in one transaction.
func (l *loader) insert(ctx context.Context, args []any) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	c := l.t.conn
	if c == nil {
		return fmt.Errorf("the target was closed")
	}
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_, _ = c.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	ncol := len(l.columns)
	for len(args) > 0 {
		n := min(l.per, len(args)/ncol)
		s, err := l.stmt(ctx, n)
		if err != nil {
			return err
		}
		if _, err := s.ExecContext(ctx, args[:n*ncol]...); err != nil {
			return err
		}
		args = args[n*ncol:]
	}
	_, err = c.ExecContext(ctx, "COMMIT")
	return err
}

func (l *loader) close() {
	l.t.mu.Lock()
	defer l.t.mu.Unlock()
	for _, s := range l.stmts {
		_ = s.Close() // the statement dies with the connection anyway
	}
}
