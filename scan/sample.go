package scan

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// errBudget stops work when Options.MaxQueries statements have run.
var errBudget = errors.New("query budget reached")

// scanner holds one scan's state: the snapshot, the options and the cost so far.
type scanner struct {
	snap     dbtwin.Snapshot
	schema   *dbtwin.Schema
	engine   string
	opt      Options
	queries  int
	rows     int64
	warnings []string
	// estimates are row-count estimates by qualified table name (PostgreSQL
	// statistics), used to choose between LIMIT and TABLESAMPLE.
	estimates map[string]int64
}

// query runs one statement, counting it and the rows it returns.
func (s *scanner) query(ctx context.Context, sql string, fn func(dbtwin.Row)) error {
	if s.queries >= s.opt.MaxQueries {
		return errBudget
	}
	s.queries++
	rows, err := s.snap.Query(ctx, sql)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		s.rows++
		fn(rows.Row())
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

func (s *scanner) warnf(format string, args ...any) {
	s.warnings = append(s.warnings, fmt.Sprintf(format, args...))
}

// quoteIdent quotes an identifier the way both engines accept.
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

func quoteTable(t *dbtwin.Table) string {
	if t.Schema == "" {
		return quoteIdent(t.Name)
	}
	return quoteIdent(t.Schema) + "." + quoteIdent(t.Name)
}

// tableSample is what was read from one table.
type tableSample struct {
	t    *dbtwin.Table
	cols []*dbtwin.Column
	// values holds, per sampled column, its non-null values.
	values [][]string
	nulls  []int
	rows   int
	// full is true when every row of the table was read.
	full bool
	// total is the table's row count: exact when full or counted, else the
	// engine's estimate; -1 when unknown.
	total int64
	// method says how rows were chosen, for warnings.
	method string
}

// sampled reports whether a column kind is read at all: kinds no detector
// or key test uses (booleans, floats, binary data...) are left out.
func sampled(c *dbtwin.Column) bool {
	switch c.Kind {
	case dbtwin.KindText, dbtwin.KindOther, dbtwin.KindArray, dbtwin.KindInt, dbtwin.KindNumeric,
		dbtwin.KindDate, dbtwin.KindTimestamp, dbtwin.KindTimestampTZ, dbtwin.KindJSON, dbtwin.KindUUID:
		return true
	}
	return false
}

// selectExpr reads a column with a cap on its size: long text is cut (the
// detectors need only the start), oversized JSON is skipped.
func (s *scanner) selectExpr(c *dbtwin.Column) string {
	q := quoteIdent(c.Name)
	pg := s.engine == "postgres"
	switch c.Kind {
	case dbtwin.KindText, dbtwin.KindOther, dbtwin.KindArray:
		if pg {
			return "left(CAST(" + q + " AS text), 4096)"
		}
		return "substr(" + q + ", 1, 4096)"
	case dbtwin.KindJSON:
		if pg {
			return "CASE WHEN octet_length(CAST(" + q + " AS text)) <= 65536 THEN CAST(" + q + " AS text) END"
		}
		return "CASE WHEN length(" + q + ") <= 65536 THEN " + q + " END"
	}
	return q
}

// loadEstimates reads PostgreSQL's row estimates for every table in one
// statement, unless the schema already carries them.
func (s *scanner) loadEstimates(ctx context.Context) error {
	s.estimates = map[string]int64{}
	need := false
	for _, t := range s.schema.Tables {
		if t.RowEstimate > 0 {
			s.estimates[t.QualifiedName()] = t.RowEstimate
		} else {
			need = true
		}
	}
	if s.engine != "postgres" || !need {
		return nil
	}
	const q = `SELECT n.nspname, c.relname, c.reltuples::bigint FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`
	return s.query(ctx, q, func(r dbtwin.Row) {
		if len(r) < 3 || r[0] == nil || r[1] == nil || r[2] == nil {
			return
		}
		n, err := strconv.ParseInt(string(r[2]), 10, 64)
		if err == nil && n > 0 {
			name := string(r[1])
			if string(r[0]) != "" {
				name = string(r[0]) + "." + name
			}
			if _, ok := s.estimates[name]; !ok {
				s.estimates[name] = n
			}
		}
	})
}

// sampleTable reads up to Options.Sample rows of a table. Small tables are
// read whole (LIMIT Sample+1 tells whether they were); large PostgreSQL
// tables are sampled by pages (TABLESAMPLE SYSTEM, repeatable), large
// SQLite tables by ten rowid windows spread over the table.
func (s *scanner) sampleTable(ctx context.Context, t *dbtwin.Table) (*tableSample, error) {
	ts := &tableSample{t: t, total: -1}
	var exprs []string
	for _, c := range t.Columns {
		if sampled(c) && (s.opt.Columns == nil || s.opt.Columns(t, c)) {
			ts.cols = append(ts.cols, c)
			exprs = append(exprs, s.selectExpr(c)+" AS "+quoteIdent("c"+strconv.Itoa(len(exprs))))
		}
	}
	if len(ts.cols) == 0 {
		return ts, nil
	}
	ts.values = make([][]string, len(ts.cols))
	ts.nulls = make([]int, len(ts.cols))
	list := strings.Join(exprs, ", ")
	from := quoteTable(t)
	n := s.opt.Sample
	est, hasEst := s.estimates[t.QualifiedName()]
	if s.engine == "postgres" && hasEst && est > int64(4*n) {
		pct := 100 * 1.5 * float64(n) / float64(est)
		sql := fmt.Sprintf("SELECT %s FROM %s TABLESAMPLE SYSTEM (%s) REPEATABLE (42) LIMIT %d",
			list, from, strconv.FormatFloat(pct, 'f', 6, 64), n)
		if err := s.read(ctx, ts, sql, n); err != nil {
			return nil, err
		}
		ts.total, ts.method = est, "tablesample"
		if ts.rows >= n/2 {
			return ts, nil
		}
		// Page sampling can miss small tables (and partitions) entirely:
		// fall back to the first rows.
		ts = &tableSample{t: t, cols: ts.cols, values: make([][]string, len(ts.cols)), nulls: make([]int, len(ts.cols)), total: est}
	}
	if err := s.read(ctx, ts, fmt.Sprintf("SELECT %s FROM %s LIMIT %d", list, from, n+1), n); err != nil {
		return nil, err
	}
	if ts.rows <= n {
		ts.full, ts.total, ts.method = true, int64(ts.rows), "full"
		return ts, nil
	}
	ts.rows = n
	ts.method = "limit"
	if hasEst {
		ts.total = est
	}
	if s.engine != "sqlite" {
		return ts, nil
	}
	// SQLite: count, then read windows spread over the rowid range.
	var count, lo, hi int64 = -1, 0, 0
	err := s.query(ctx, "SELECT count(*) FROM "+from, func(r dbtwin.Row) {
		count = parseInt(r, 0)
	})
	if err != nil {
		return nil, fmt.Errorf("count rows of %s: %w", t.QualifiedName(), err)
	}
	ts.total = count
	if count <= int64(2*n) {
		return ts, nil
	}
	ok := true
	err = s.query(ctx, "SELECT min(rowid), max(rowid) FROM "+from, func(r dbtwin.Row) {
		lo, hi = parseInt(r, 0), parseInt(r, 1)
	})
	if err != nil {
		if errors.Is(err, errBudget) || ctx.Err() != nil {
			return nil, err
		}
		ok = false // WITHOUT ROWID table: keep the first rows
	}
	if !ok || hi <= lo {
		return ts, nil
	}
	const windows = 10
	per := max(1, n/windows)
	var parts []string
	for i := 0; i < windows; i++ {
		start := lo + (hi-lo+1)*int64(i)/windows
		parts = append(parts, fmt.Sprintf("SELECT * FROM (SELECT %s FROM %s WHERE rowid >= %d ORDER BY rowid LIMIT %d)",
			list, from, start, per))
	}
	fresh := &tableSample{t: t, cols: ts.cols, values: make([][]string, len(ts.cols)), nulls: make([]int, len(ts.cols)), total: count}
	if err := s.read(ctx, fresh, strings.Join(parts, " UNION ALL "), n); err != nil {
		return nil, err
	}
	fresh.method = "rowid windows"
	return fresh, nil
}

// read runs a sampling statement and stores up to limit rows.
func (s *scanner) read(ctx context.Context, ts *tableSample, sql string, limit int) error {
	err := s.query(ctx, sql, func(r dbtwin.Row) {
		ts.rows++
		if ts.rows > limit {
			return
		}
		for i := range ts.cols {
			if i >= len(r) || r[i] == nil {
				ts.nulls[i]++
				continue
			}
			ts.values[i] = append(ts.values[i], string(r[i]))
		}
	})
	if err != nil {
		return fmt.Errorf("sample table %s: %w", ts.t.QualifiedName(), err)
	}
	return nil
}

func parseInt(r dbtwin.Row, i int) int64 {
	if i >= len(r) || r[i] == nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(r[i])), 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(strings.TrimSpace(string(r[i])), 64); ferr == nil {
			return int64(f)
		}
		return 0
	}
	return n
}
