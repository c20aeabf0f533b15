package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/dbtwin/dbtwin"
)

// Source is an SQLite file opened read-only.
type Source struct {
	base
	db *sql.DB
}

// Inspect reads the file's schema.
func (s *Source) Inspect(ctx context.Context) (*dbtwin.Schema, error) {
	return inspect(ctx, s.db, s.path)
}

// Close closes the file.
func (s *Source) Close() error { return s.db.Close() }

// Snapshot opens one read transaction on one connection, fixed by a first
// read, that every Read, Query and Count of the snapshot shares. SQLite
// steps the statements of one connection one at a time: several Rows may be
// open at once (readers interleave row by row, and a caller may nest reads
// without deadlock), but they do not run in parallel, whatever readers says.
func (s *Source) Snapshot(ctx context.Context, readers int) (dbtwin.Snapshot, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("snapshot of %s: connect: %w", s.path, err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		conn.Close()
		return nil, fmt.Errorf("snapshot of %s: BEGIN: %w", s.path, err)
	}
	snap := &snapshot{path: s.path, conn: conn, open: map[*rowStream]struct{}{}}
	var n int64
	if err := conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n); err != nil {
		snap.Close()
		return nil, fmt.Errorf("snapshot of %s: first read: %w", s.path, err)
	}
	if snap.schema, err = inspect(ctx, conn, s.path); err != nil {
		snap.Close()
		return nil, err
	}
	return snap, nil
}

// snapshot is one read transaction on one connection.
type snapshot struct {
	path   string
	conn   *sql.Conn
	schema *dbtwin.Schema

	mu     sync.Mutex
	open   map[*rowStream]struct{}
	closed bool
}

// Schema returns the schema as the snapshot sees it.
func (s *snapshot) Schema() *dbtwin.Schema { return s.schema }

// Read streams the requested columns of one table.
func (s *snapshot) Read(ctx context.Context, req dbtwin.ReadRequest) (dbtwin.Rows, error) {
	if req.Table == nil {
		return nil, fmt.Errorf("read from %s: the request names no table", s.path)
	}
	cols := req.ColumnNames()
	if len(cols) == 0 {
		return nil, fmt.Errorf("read %s from %s: no columns to read (every column is generated?)", req.Table.Name, s.path)
	}
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		// The unary + keeps the value and its storage class but drops the
		// declared type, which stops the driver from turning the text of
		// DATE/DATETIME/TIMESTAMP columns into time.Time (and so reformatting it).
		b.WriteString("+" + QuoteIdent(c))
	}
	b.WriteString(" FROM " + QuoteIdent(req.Table.Name))
	if w := strings.TrimSpace(req.Where); w != "" {
		b.WriteString(" WHERE " + w)
	}
	if o := strings.TrimSpace(req.OrderBy); o != "" {
		b.WriteString(" ORDER BY " + o)
	}
	if req.Limit > 0 {
		b.WriteString(" LIMIT " + strconv.FormatInt(req.Limit, 10))
	}
	return s.stream(ctx, b.String(), nil, req.Progress, "table "+req.Table.Name)
}

// Query streams the rows of any read-only query.
func (s *snapshot) Query(ctx context.Context, query string, args ...any) (dbtwin.Rows, error) {
	return s.stream(ctx, query, args, nil, "query")
}

// Count returns the number of rows of a table matching an optional predicate.
func (s *snapshot) Count(ctx context.Context, t *dbtwin.Table, where string) (int64, error) {
	if err := s.check(); err != nil {
		return 0, err
	}
	q := "SELECT count(*) FROM " + QuoteIdent(t.Name)
	if w := strings.TrimSpace(where); w != "" {
		q += " WHERE " + w
	}
	var n int64
	if err := s.conn.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("count rows of %s in %s: %w (query: %s)", t.Name, s.path, err, q)
	}
	return n, nil
}

// Close ends the read transaction, closing any Rows still open.
func (s *snapshot) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	open := make([]*rowStream, 0, len(s.open))
	for r := range s.open {
		open = append(open, r)
	}
	s.mu.Unlock()
	for _, r := range open {
		r.Close()
	}
	_, errRollback := s.conn.ExecContext(context.Background(), "ROLLBACK")
	return errors.Join(errRollback, s.conn.Close())
}

func (s *snapshot) check() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("snapshot of %s is closed", s.path)
	}
	return nil
}

// stream runs a query on the snapshot's connection and wraps its rows.
func (s *snapshot) stream(ctx context.Context, query string, args []any, progress func(int64), what string) (dbtwin.Rows, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	rows, err := s.conn.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read %s from %s: %w (query: %s)", what, s.path, err, abbreviate(query))
	}
	if hasTimeColumns(rows) {
		// The driver would turn DATE/DATETIME/TIMESTAMP text into
		// time.Time: run the query again through a wrapper that drops the
		// declared types (see unwrapTypes); keep the original if it fails.
		if w, ok := unwrapTypes(query, rows); ok {
			if r2, err := s.conn.QueryContext(ctx, w, args...); err == nil {
				rows.Close()
				rows = r2
			}
		}
	}
	n := 0
	if cols, err := rows.Columns(); err == nil {
		n = len(cols)
	}
	r := newRowStream(rows, n, progress, fmt.Sprintf("%s from %s", what, s.path))
	r.snap = s
	s.mu.Lock()
	s.open[r] = struct{}{}
	s.mu.Unlock()
	return r, nil
}

// hasTimeColumns reports whether a result has a column the driver converts
// to time.Time.
func hasTimeColumns(rows *sql.Rows) bool {
	types, err := rows.ColumnTypes()
	if err != nil {
		return false
	}
	for _, t := range types {
		switch t.DatabaseTypeName() {
		case "DATE", "DATETIME", "TIMESTAMP":
			return true
		}
	}
	return false
}

// unwrapTypes rewrites a query so its result columns carry no declared type:
// WITH q(c1, c2, …) AS (query) SELECT +c1, +c2, … FROM q.
func unwrapTypes(query string, rows *sql.Rows) (string, bool) {
	cols, err := rows.Columns()
	if err != nil || len(cols) == 0 {
		return "", false
	}
	q := strings.TrimRight(strings.TrimSpace(query), "; \t\r\n")
	names := make([]string, len(cols))
	sel := make([]string, len(cols))
	for i := range cols {
		names[i] = fmt.Sprintf("c%d", i+1)
		sel[i] = "+" + names[i]
	}
	return fmt.Sprintf("WITH dbtwin_q(%s) AS (%s\n) SELECT %s FROM dbtwin_q",
		strings.Join(names, ", "), q, strings.Join(sel, ", ")), true
}

func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
