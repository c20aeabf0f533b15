package mysql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dbtwin/dbtwin"
	gomysql "github.com/go-sql-driver/mysql"
)

// Source is a MySQL or MariaDB database dbtwin only reads from.
type Source struct {
	*db
}

// SnapshotMode says how a snapshot's readers share one point in time.
type SnapshotMode string

// Snapshot modes.
const (
	// ModeLocked: commits are blocked for a moment while every reader
	// starts its consistent snapshot: BACKUP STAGE BLOCK_COMMIT on MariaDB,
	// FLUSH TABLES WITH READ LOCK on MySQL (mydumper's approach). Needs the
	// RELOAD privilege.
	ModeLocked SnapshotMode = "locked"
	// ModeSingle: one connection reads everything, one table at a time. Any
	// account that may SELECT can do it.
	ModeSingle SnapshotMode = "single"
)

// Snapshot opens one consistent, read-only point in time. With readers > 1
// it tries ModeLocked and falls back to ModeSingle when the account lacks
// the RELOAD privilege (or the lock cannot be had within lock_wait_timeout).
func (s *Source) Snapshot(ctx context.Context, readers int) (dbtwin.Snapshot, error) {
	if readers < 1 {
		readers = 1
	}
	snap, err := s.snapshot(ctx, readers)
	if err != nil {
		return nil, err
	}
	return snap, nil
}

func (s *Source) snapshot(ctx context.Context, readers int) (*snapshot, error) {
	snap := &snapshot{src: s, conns: make(chan *sql.Conn, readers), mode: ModeSingle}
	if readers > 1 {
		conns, err := s.lockedStart(ctx, readers)
		switch {
		case err == nil:
			snap.mode = ModeLocked
			for _, c := range conns {
				snap.all = append(snap.all, c)
				snap.conns <- c
			}
		case isPrivilegeError(err) || isLockTimeout(err):
			// fall back to one reader below
		default:
			return nil, err
		}
	}
	if len(snap.all) == 0 {
		c, err := s.startConn(ctx)
		if err != nil {
			return nil, err
		}
		snap.all = append(snap.all, c)
		snap.conns <- c
	}
	c := <-snap.conns
	schema, err := inspect(ctx, c, s.name)
	snap.conns <- c
	if err != nil {
		snap.Close()
		return nil, err
	}
	snap.schema = schema
	return snap, nil
}

const startSnapshot = "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"

// startConn opens a connection and starts its consistent snapshot.
func (s *Source) startConn(ctx context.Context) (*sql.Conn, error) {
	c, err := s.pool.Conn(ctx)
	if err != nil {
		return nil, s.connErr(err)
	}
	for _, q := range []string{"SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", startSnapshot} {
		if _, err := c.ExecContext(ctx, q); err != nil {
			c.Close()
			return nil, fmt.Errorf("snapshot of MySQL %s: %s: %w", s.url.Redacted(), q, s.sanitize(err))
		}
	}
	return c, nil
}

// lockedStart starts readers connections' snapshots while no transaction
// can commit, so they all see the same point in time: on MariaDB with
// BACKUP STAGE BLOCK_COMMIT (it waits only for commits in progress, not for
// running statements), on MySQL with FLUSH TABLES WITH READ LOCK (which
// waits for running writes, at most lock_wait_timeout). The lock is
// released as soon as the last reader has started.
func (s *Source) lockedStart(ctx context.Context, readers int) ([]*sql.Conn, error) {
	ctl, err := s.pool.Conn(ctx)
	if err != nil {
		return nil, s.connErr(err)
	}
	defer ctl.Close()
	if _, err := ctl.ExecContext(ctx, "SET SESSION lock_wait_timeout = 5"); err != nil {
		return nil, fmt.Errorf("snapshot of MySQL %s: %w", s.url.Redacted(), s.sanitize(err))
	}
	lock, unlockSQL := []string{"FLUSH TABLES WITH READ LOCK"}, "UNLOCK TABLES"
	if s.mariadb {
		lock, unlockSQL = []string{"BACKUP STAGE START", "BACKUP STAGE BLOCK_COMMIT"}, "BACKUP STAGE END"
	}
	unlock := func() { _, _ = ctl.ExecContext(context.Background(), unlockSQL) }
	for _, q := range lock {
		if _, err := ctl.ExecContext(ctx, q); err != nil {
			unlock()
			return nil, err
		}
	}
	var conns []*sql.Conn
	for range readers {
		c, err := s.startConn(ctx)
		if err != nil {
			unlock()
			for _, c := range conns {
				c.Close()
			}
			return nil, err
		}
		conns = append(conns, c)
	}
	unlock()
	return conns, nil
}

func isPrivilegeError(err error) bool {
	var me *gomysql.MySQLError
	// 1227: access denied, you need (at least one of) the RELOAD privilege(s).
	return errors.As(err, &me) && (me.Number == 1227 || me.Number == 1044 || me.Number == 1045)
}

func isLockTimeout(err error) bool {
	var me *gomysql.MySQLError
	return errors.As(err, &me) && me.Number == 1205
}

// snapshot is a set of connections inside consistent-snapshot transactions
// that all see the same point in time. A Read takes a connection until its
// Rows is closed.
type snapshot struct {
	src    *Source
	schema *dbtwin.Schema
	mode   SnapshotMode
	all    []*sql.Conn
	conns  chan *sql.Conn
	closed atomic.Bool
	once   sync.Once
}

// Schema returns the schema as the snapshot saw it.
func (s *snapshot) Schema() *dbtwin.Schema { return s.schema }

// Mode reports how the snapshot's readers share their point in time.
func (s *snapshot) Mode() SnapshotMode { return s.mode }

// Readers returns the number of connections reading in parallel.
func (s *snapshot) Readers() int { return len(s.all) }

// acquire takes a free connection of the snapshot.
func (s *snapshot) acquire(ctx context.Context) (*sql.Conn, error) {
	if s.closed.Load() {
		return nil, fmt.Errorf("snapshot of MySQL %s is closed", s.src.url.Redacted())
	}
	select {
	case c := <-s.conns:
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s *snapshot) release(c *sql.Conn) { s.conns <- c }

// selectList returns the SELECT expressions that read columns exactly:
// BIT as its number, FLOAT widened to DOUBLE, everything else as it is.
func selectList(t *dbtwin.Table, cols []string) string {
	var b strings.Builder
	for i, name := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		q := QuoteIdent(name)
		c := t.Column(name)
		switch {
		case c != nil && isBit(c.Type):
			b.WriteString(q + " + 0")
		case c != nil && isFloat(c.Type):
			b.WriteString(q + " + 0e0")
		default:
			b.WriteString(q)
		}
	}
	return b.String()
}

// Read streams the requested columns of one table.
func (s *snapshot) Read(ctx context.Context, req dbtwin.ReadRequest) (dbtwin.Rows, error) {
	if req.Table == nil {
		return nil, errors.New("read from MySQL: the request names no table")
	}
	cols := req.ColumnNames()
	if len(cols) == 0 {
		return nil, fmt.Errorf("read %s: no columns to read (every column is generated?)", req.Table.Name)
	}
	q := "SELECT " + selectList(req.Table, cols) + " FROM " + QuoteIdent(req.Table.Name)
	if w := strings.TrimSpace(req.Where); w != "" {
		q += " WHERE " + w
	}
	if o := strings.TrimSpace(req.OrderBy); o != "" {
		q += " ORDER BY " + o
	}
	if req.Limit > 0 {
		q += " LIMIT " + strconv.FormatInt(req.Limit, 10)
	}
	return s.stream(ctx, q, nil, req.Progress, "table "+req.Table.Name)
}

// Query streams the rows of a read-only query, each value in the server's
// text form (binary strings as their bytes).
func (s *snapshot) Query(ctx context.Context, query string, args ...any) (dbtwin.Rows, error) {
	return s.stream(ctx, query, args, nil, "query")
}

// Count returns the number of rows of a table matching an optional predicate.
func (s *snapshot) Count(ctx context.Context, t *dbtwin.Table, where string) (int64, error) {
	c, err := s.acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer s.release(c)
	q := "SELECT COUNT(*) FROM " + QuoteIdent(t.Name)
	if w := strings.TrimSpace(where); w != "" {
		q += " WHERE " + w
	}
	var n int64
	if err := c.QueryRowContext(ctx, q).Scan(&n); err != nil {
		return 0, fmt.Errorf("count rows of %s: %w (query: %s)", t.Name, s.src.sanitize(err), abbreviate(q))
	}
	return n, nil
}

// Close ends every snapshot transaction.
func (s *snapshot) Close() error {
	var errs []error
	s.once.Do(func() {
		s.closed.Store(true)
		for range s.all {
			c := <-s.conns
			_, err := c.ExecContext(context.Background(), "ROLLBACK")
			errs = append(errs, err, c.Close())
		}
	})
	return errors.Join(errs...)
}

func (s *snapshot) stream(ctx context.Context, query string, args []any, progress func(int64), what string) (dbtwin.Rows, error) {
	c, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := c.QueryContext(ctx, query, args...)
	if err != nil {
		s.release(c)
		return nil, fmt.Errorf("read %s from MySQL %s: %w (query: %s)", what, s.src.url.Redacted(), s.src.sanitize(err), abbreviate(query))
	}
	cols, err := rows.Columns()
	if err != nil {
		rows.Close()
		s.release(c)
		return nil, fmt.Errorf("read %s: %w", what, err)
	}
	r := &rowStream{rows: rows, what: what, progress: progress, row: make(dbtwin.Row, len(cols)),
		raw: make([]sql.RawBytes, len(cols)), dest: make([]any, len(cols))}
	for i := range r.raw {
		r.dest[i] = &r.raw[i]
	}
	r.done = func() { s.release(c) }
	return r, nil
}

// progressEvery is how many bytes a stream reads between Progress calls.
const progressEvery = 256 << 10

// rowStream adapts *sql.Rows to dbtwin.Rows; fields alias the driver's
// buffer until the next Next.
type rowStream struct {
	rows     *sql.Rows
	what     string
	raw      []sql.RawBytes
	dest     []any
	row      dbtwin.Row
	err      error
	closed   atomic.Bool
	done     func()
	progress func(int64)
	pending  int64
}

// Next reads the next row.
func (r *rowStream) Next() bool {
	if r.closed.Load() || r.err != nil {
		return false
	}
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			r.err = fmt.Errorf("read %s: %w", r.what, err)
		}
		r.flush()
		return false
	}
	if err := r.rows.Scan(r.dest...); err != nil {
		r.err = fmt.Errorf("read %s: %w", r.what, err)
		return false
	}
	n := 0
	for i, v := range r.raw {
		if v == nil {
			r.row[i] = nil
			continue
		}
		r.row[i] = v[:len(v):len(v)]
		n += len(v) + 1
	}
	if r.progress != nil {
		r.pending += int64(n)
		if r.pending >= progressEvery {
			r.flush()
		}
	}
	return true
}

func (r *rowStream) flush() {
	if r.progress != nil && r.pending > 0 {
		r.progress(r.pending)
		r.pending = 0
	}
}

// Row returns the current row.
func (r *rowStream) Row() dbtwin.Row { return r.row }

// Err returns the error that ended the stream.
func (r *rowStream) Err() error { return r.err }

// Close releases the stream and its connection; safe to call twice.
func (r *rowStream) Close() error {
	if r.closed.Swap(true) {
		return nil
	}
	err := r.rows.Close()
	r.done()
	if err != nil {
		return fmt.Errorf("close %s: %w", r.what, err)
	}
	return nil
}
