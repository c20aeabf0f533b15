package check

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// session is one read-only transaction on a pinned connection.
type session struct {
	conn    *sql.Conn
	tx      *sql.Tx
	gen     sqlGen
	dialect string
	// restoreQueryOnly is set when a SQLite connection had query_only off
	// before the check and must get it back (the connection returns to the
	// application's pool).
	restoreQueryOnly bool
	// restore puts back a MySQL session's statement timeout.
	restore string
}

// begin pins a connection and starts a read-only transaction with a
// statement timeout: BEGIN READ ONLY + SET LOCAL statement_timeout on
// PostgreSQL, PRAGMA query_only on SQLite.
func begin(ctx context.Context, db *sql.DB, dialect string, timeout time.Duration) (*session, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("get a connection: %w", err)
	}
	s := &session{conn: conn, gen: sqlGen{dialect: dialect}, dialect: dialect}
	opts := &sql.TxOptions{ReadOnly: true}
	if dialect == DialectSQLite {
		var on int64
		if err := conn.QueryRowContext(ctx, "PRAGMA query_only").Scan(&on); err != nil {
			s.end()
			return nil, fmt.Errorf("read PRAGMA query_only: %w", err)
		}
		if on == 0 {
			if _, err := conn.ExecContext(ctx, "PRAGMA query_only = ON"); err != nil {
				s.end()
				return nil, fmt.Errorf("set PRAGMA query_only: %w", err)
			}
			s.restoreQueryOnly = true
		}
	} else {
		// One snapshot for all of a check's statements.
		opts.Isolation = sql.LevelRepeatableRead
	}
	if dialect == DialectMySQL {
		if err := s.mysqlTimeout(ctx, timeout); err != nil {
			s.end()
			return nil, err
		}
	}
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		s.end()
		return nil, fmt.Errorf("begin a read-only transaction: %w", err)
	}
	s.tx = tx
	if dialect == DialectPostgres {
		ms := max(timeout.Milliseconds(), 1)
		if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = "+strconv.FormatInt(ms, 10)); err != nil {
			s.end()
			return nil, fmt.Errorf("set statement_timeout: %w", err)
		}
	}
	return s, nil
}

// mysqlTimeout bounds the session's statements: max_statement_time
// (seconds) on MariaDB, max_execution_time (milliseconds, SELECT only) on
// MySQL. The old value is put back by end.
func (s *session) mysqlTimeout(ctx context.Context, timeout time.Duration) error {
	ms := max(timeout.Milliseconds(), 1)
	for _, v := range []struct{ name, value string }{
		{"max_statement_time", strconv.FormatFloat(float64(ms)/1000, 'f', 3, 64)},
		{"max_execution_time", strconv.FormatInt(ms, 10)},
	} {
		var old string
		if err := s.conn.QueryRowContext(ctx, "SELECT @@SESSION."+v.name).Scan(&old); err != nil {
			continue // not this server's variable
		}
		if _, err := s.conn.ExecContext(ctx, "SET SESSION "+v.name+" = "+v.value); err != nil {
			return fmt.Errorf("set %s: %w", v.name, err)
		}
		s.restore = "SET SESSION " + v.name + " = " + old
		return nil
	}
	return fmt.Errorf("set a statement timeout: the server has neither max_statement_time (MariaDB) nor max_execution_time (MySQL)")
}

// end rolls back (nothing was written) and releases the connection.
func (s *session) end() {
	if s.tx != nil {
		_ = s.tx.Rollback()
	}
	if s.restore != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := s.conn.ExecContext(ctx, s.restore); err != nil {
			_ = s.conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	if s.restoreQueryOnly {
		// A fresh context: the check's may have expired.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := s.conn.ExecContext(ctx, "PRAGMA query_only = OFF"); err != nil {
			// Do not hand a read-only connection back to the pool:
			// driver.ErrBadConn makes database/sql discard it.
			_ = s.conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}
	_ = s.conn.Close()
}

// queryError is a failed statement with its SQL, for the result's details.
type queryError struct {
	sql string
	err error
}

func (e *queryError) Error() string { return e.err.Error() }
func (e *queryError) Unwrap() error { return e.err }

// each runs a query and calls fn with every row's values.
func (s *session) each(ctx context.Context, query string, fn func(vals []any) error) error {
	return s.eachNamed(ctx, query, func(_ []string, vals []any) error { return fn(vals) })
}

// eachNamed is each with the result's column names.
func (s *session) eachNamed(ctx context.Context, query string, fn func(cols []string, vals []any) error) error {
	rows, err := s.tx.QueryContext(ctx, query)
	if err != nil {
		return &queryError{sql: query, err: err}
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return &queryError{sql: query, err: err}
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return &queryError{sql: query, err: err}
		}
		if err := fn(cols, vals); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return &queryError{sql: query, err: err}
	}
	return nil
}

// numbers runs a query returning exactly one row of numbers.
func (s *session) numbers(ctx context.Context, query string) ([]float64, error) {
	var out []float64
	n := 0
	err := s.each(ctx, query, func(vals []any) error {
		n++
		out = out[:0]
		for i, v := range vals {
			f, err := toFloat(v)
			if err != nil {
				return &queryError{sql: query, err: fmt.Errorf("column %d: %w", i+1, err)}
			}
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if n != 1 {
		return nil, &queryError{sql: query, err: fmt.Errorf("query returned %d rows; it must return exactly one", n)}
	}
	return out, nil
}

// counts is numbers converted to int64.
func (s *session) counts(ctx context.Context, query string) ([]int64, error) {
	fs, err := s.numbers(ctx, query)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(fs))
	for i, f := range fs {
		out[i] = int64(math.Round(f))
	}
	return out, nil
}

// toFloat converts a scanned value to a number; NULL is 0 (as from sum of no rows).
func toFloat(v any) (float64, error) {
	switch x := v.(type) {
	case nil:
		return 0, nil
	case int64:
		return float64(x), nil
	case int32:
		return float64(x), nil
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case []byte:
		return parseNumber(string(x))
	case string:
		return parseNumber(x)
	}
	return parseNumber(fmt.Sprint(v))
}

func parseNumber(s string) (float64, error) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("expected a number, got %q", abbreviate(s, 40))
	}
	return f, nil
}

// display formats a scanned value for an example.
func display(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		return string(x)
	case string:
		return x
	case time.Time:
		return x.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}
