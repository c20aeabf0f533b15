package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dbtwin/dbtwin"
	gomysql "github.com/go-sql-driver/mysql"
)

// Target is a MySQL or MariaDB database a twin is written into.
type Target struct {
	*db
	writers int

	infileOnce sync.Once
	infile     bool // LOAD DATA LOCAL INFILE is allowed by the server
}

// TableNames lists the tables and views the target database has.
func (t *Target) TableNames(ctx context.Context) ([]string, error) {
	var names []string
	var name string
	err := queryAll(ctx, t.pool, `SELECT TABLE_NAME FROM information_schema.TABLES
		WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> ? ORDER BY TABLE_NAME`, []any{MarkerTable}, []any{&name}, func() error {
		names = append(names, name)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list tables of MySQL target %s: %w", t.url.Redacted(), t.sanitize(err))
	}
	return names, nil
}

// Reset drops every table, view, routine and event of the target database
// (foreign key checks off, so in any order). The database itself stays.
func (t *Target) Reset(ctx context.Context) error {
	c, err := t.pool.Conn(ctx)
	if err != nil {
		return t.connErr(err)
	}
	defer c.Close()
	type object struct{ kind, name string }
	var objs []object
	var kind, name string
	err = queryAll(ctx, c, `SELECT IF(TABLE_TYPE = 'VIEW', 'VIEW', 'TABLE'), TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()
		UNION ALL SELECT ROUTINE_TYPE, ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE()
		UNION ALL SELECT 'EVENT', EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE()`,
		nil, []any{&kind, &name}, func() error {
			objs = append(objs, object{kind, name})
			return nil
		})
	if err != nil {
		return fmt.Errorf("reset MySQL target %s: %w", t.url.Redacted(), t.sanitize(err))
	}
	// Views first: dropping a table a view reads leaves the view invalid
	// but dropping the view first is always clean.
	sort.SliceStable(objs, func(i, j int) bool { return objs[i].kind == "VIEW" && objs[j].kind != "VIEW" })
	for _, o := range objs {
		q := "DROP " + o.kind + " IF EXISTS " + QuoteIdent(o.name)
		if _, err := c.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("reset MySQL target %s: %s: %w", t.url.Redacted(), q, t.sanitize(err))
		}
	}
	return nil
}

// MarkIncomplete creates the marker table (MarkerTable) holding the note: a
// twin that has it is unfinished.
func (t *Target) MarkIncomplete(ctx context.Context, note string) error {
	text := "dbtwin: INCOMPLETE clone, started " + time.Now().UTC().Format(time.RFC3339) + "; do not use it until it is marked complete"
	if note = strings.TrimSpace(note); note != "" {
		text += ". " + note
	}
	stmts := []string{
		"CREATE TABLE IF NOT EXISTS " + QuoteIdent(MarkerTable) + " (note TEXT NOT NULL) COMMENT = 'dbtwin: this database is an unfinished twin'",
		"DELETE FROM " + QuoteIdent(MarkerTable),
		"INSERT INTO " + QuoteIdent(MarkerTable) + " (note) VALUES (" + quoteLiteral(text) + ")",
	}
	for _, q := range stmts {
		if _, err := t.pool.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("mark MySQL target %s incomplete: %w", t.url.Redacted(), t.sanitize(err))
		}
	}
	return nil
}

// MarkComplete drops the marker table.
func (t *Target) MarkComplete(ctx context.Context, note string) error {
	if _, err := t.pool.ExecContext(ctx, "DROP TABLE IF EXISTS "+QuoteIdent(MarkerTable)); err != nil {
		return fmt.Errorf("mark MySQL target %s complete: %w", t.url.Redacted(), t.sanitize(err))
	}
	return nil
}

// Incomplete returns the note of an unfinished twin, or "" when the target
// carries no marker.
func (t *Target) Incomplete(ctx context.Context) (string, error) {
	var note string
	err := t.pool.QueryRowContext(ctx, "SELECT note FROM "+QuoteIdent(MarkerTable)+" LIMIT 1").Scan(&note)
	var me *gomysql.MySQLError
	if errors.As(err, &me) && me.Number == 1146 || errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return note, err
}

// Count returns the number of rows of a table in the target.
func (t *Target) Count(ctx context.Context, tb *dbtwin.Table) (int64, error) {
	var n int64
	if err := t.pool.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+QuoteIdent(tb.Name)).Scan(&n); err != nil {
		return 0, fmt.Errorf("count rows of %s in the MySQL target: %w", tb.Name, t.sanitize(err))
	}
	return n, nil
}

// localInfile reports whether the server accepts LOAD DATA LOCAL INFILE.
func (t *Target) localInfile(ctx context.Context) bool {
	t.infileOnce.Do(func() {
		var on sql.NullString
		if err := t.pool.QueryRowContext(ctx, "SELECT @@GLOBAL.local_infile").Scan(&on); err == nil {
			t.infile = on.String == "1" || strings.EqualFold(on.String, "ON")
		}
	})
	return t.infile
}

var readerSeq atomic.Int64

// Write loads rows into a table's columns: LOAD DATA LOCAL INFILE streamed
// from the rows when the server allows it (local_infile=ON), else multi-row
// INSERT statements. Values go in exactly as read: BIT columns as numbers
// (read as col+0), everything else as the server's text or raw bytes.
func (t *Target) Write(ctx context.Context, tb *dbtwin.Table, columns []string, rows dbtwin.Rows) (int64, error) {
	if len(columns) == 0 {
		return 0, fmt.Errorf("write %s: no columns", tb.Name)
	}
	if !t.localInfile(ctx) {
		return t.insert(ctx, tb, columns, rows)
	}
	name := fmt.Sprintf("dbtwin-%d", readerSeq.Add(1))
	enc := &rowEncoder{rows: rows}
	gomysql.RegisterReaderHandler(name, func() io.Reader { return enc })
	defer gomysql.DeregisterReaderHandler(name)

	var cols, sets []string
	for i, name := range columns {
		c := tb.Column(name)
		if c != nil && isBit(c.Type) {
			v := fmt.Sprintf("@v%d", i)
			cols = append(cols, v)
			sets = append(sets, QuoteIdent(name)+" = CAST("+v+" AS UNSIGNED)")
			continue
		}
		cols = append(cols, QuoteIdent(name))
	}
	q := "LOAD DATA LOCAL INFILE 'Reader::" + name + "' INTO TABLE " + QuoteIdent(tb.Name) +
		" CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (" +
		strings.Join(cols, ", ") + ")"
	if len(sets) > 0 {
		q += " SET " + strings.Join(sets, ", ")
	}
	c, err := t.pool.Conn(ctx)
	if err != nil {
		return 0, t.connErr(err)
	}
	defer c.Close()
	res, err := c.ExecContext(ctx, q)
	if enc.err != nil {
		return enc.n, fmt.Errorf("write %s: %w", tb.Name, enc.err)
	}
	if err != nil {
		return enc.n, fmt.Errorf("write %s into the MySQL target: LOAD DATA: %w", tb.Name, t.sanitize(err))
	}
	if err := warnings(ctx, c); err != nil {
		return enc.n, fmt.Errorf("write %s into the MySQL target: %w", tb.Name, err)
	}
	if n, err := res.RowsAffected(); err == nil && n != enc.n {
		return n, fmt.Errorf("write %s into the MySQL target: %d rows sent but %d loaded (duplicate keys?)", tb.Name, enc.n, n)
	}
	return enc.n, nil
}

// warnings fails when the last statement left warnings: a value the server
// changed (truncated, converted) would make the twin differ from the source.
func warnings(ctx context.Context, c *sql.Conn) error {
	var n int64
	if err := c.QueryRowContext(ctx, "SELECT @@warning_count").Scan(&n); err != nil || n == 0 {
		return err
	}
	var level, msg string
	var code int
	var list []string
	err := queryAll(ctx, c, "SHOW WARNINGS LIMIT 3", nil, []any{&level, &code, &msg}, func() error {
		list = append(list, fmt.Sprintf("%s %d: %s", level, code, msg))
		return nil
	})
	if err != nil {
		return err
	}
	return fmt.Errorf("the server changed %d value(s) while loading (%s): the twin would differ from the source; check the table's types and sql_mode",
		n, strings.Join(list, "; "))
}

// rowEncoder is an io.Reader of rows in LOAD DATA format, filled on demand.
type rowEncoder struct {
	rows dbtwin.Rows
	buf  []byte
	off  int
	n    int64
	err  error
	eof  bool
}

func (e *rowEncoder) Read(p []byte) (int, error) {
	for e.off >= len(e.buf) {
		if e.eof || e.err != nil {
			return 0, io.EOF
		}
		e.buf, e.off = e.buf[:0], 0
		for len(e.buf) < 64<<10 {
			if !e.rows.Next() {
				e.eof = true
				if err := e.rows.Err(); err != nil {
					e.err = err
					// Stop the load: the server sees an error, not an end.
					return 0, err
				}
				break
			}
			e.buf = appendRow(e.buf, e.rows.Row())
			e.n++
		}
	}
	n := copy(p, e.buf[e.off:])
	e.off += n
	return n, nil
}

// insertBatchBytes caps one multi-row INSERT statement.
const insertBatchBytes = 4 << 20

// insert loads rows with multi-row INSERT statements (servers with
// local_infile=OFF), values as hex literals so every byte is kept: binary
// and spatial columns as _binary, the rest as _utf8mb4 (the connection's
// character set, converted to the column's).
func (t *Target) insert(ctx context.Context, tb *dbtwin.Table, columns []string, rows dbtwin.Rows) (int64, error) {
	c, err := t.pool.Conn(ctx)
	if err != nil {
		return 0, t.connErr(err)
	}
	defer c.Close()
	bit := make([]bool, len(columns))
	binary := make([]bool, len(columns))
	for i, name := range columns {
		if col := tb.Column(name); col != nil {
			bit[i] = isBit(col.Type)
			binary[i] = col.Kind == dbtwin.KindBytes || isSpatial(col.Type)
		}
	}
	head := "INSERT INTO " + QuoteIdent(tb.Name) + " (" + quoteList(columns) + ") VALUES "
	var (
		b     []byte
		n     int64
		count int
	)
	flush := func() error {
		if count == 0 {
			return nil
		}
		if _, err := c.ExecContext(ctx, string(b)); err != nil {
			return fmt.Errorf("write %s into the MySQL target: INSERT: %w", tb.Name, t.sanitize(err))
		}
		if err := warnings(ctx, c); err != nil {
			return fmt.Errorf("write %s into the MySQL target: %w", tb.Name, err)
		}
		n += int64(count)
		b, count = b[:0], 0
		return nil
	}
	for rows.Next() {
		if count == 0 {
			b = append(b, head...)
		} else {
			b = append(b, ',')
		}
		b = append(b, '(')
		for i, v := range rows.Row() {
			if i > 0 {
				b = append(b, ',')
			}
			switch {
			case v == nil:
				b = append(b, "NULL"...)
			case bit[i]:
				b = append(b, "CAST(_utf8mb4 x'"...)
				b = appendHex(b, v)
				b = append(b, "' AS UNSIGNED)"...)
			case len(v) == 0:
				b = append(b, "''"...)
			case binary[i]:
				b = append(b, "_binary x'"...)
				b = appendHex(b, v)
				b = append(b, '\'')
			default:
				b = append(b, "_utf8mb4 x'"...)
				b = appendHex(b, v)
				b = append(b, '\'')
			}
		}
		b = append(b, ')')
		count++
		if len(b) >= insertBatchBytes {
			if err := flush(); err != nil {
				return n, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("write %s: %w", tb.Name, err)
	}
	return n, flush()
}

func appendHex(dst, v []byte) []byte {
	const digits = "0123456789abcdef"
	for _, c := range v {
		dst = append(dst, digits[c>>4], digits[c&15])
	}
	return dst
}
