package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Statements every source session runs.
const (
	sourceSetup = "SET default_transaction_read_only = on"
	beginRead   = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
)

// Source is a PostgreSQL database opened for reading only.
type Source struct {
	*db
	mu   sync.Mutex
	meta *pgx.Conn // for Inspect and Identity outside snapshots
}

var _ dbtwin.Source = (*Source)(nil)

// OpenSource connects to a PostgreSQL database to read from it. Every session
// runs SET default_transaction_read_only = on.
func OpenSource(ctx context.Context, u *dbtwin.URL) (*Source, error) {
	d, err := newDB(u, sourceSetup)
	if err != nil {
		return nil, err
	}
	conn, err := d.connect(ctx)
	if err != nil {
		return nil, err
	}
	return &Source{db: d, meta: conn}, nil
}

// Inspect reads the schema inside a REPEATABLE READ READ ONLY transaction.
func (s *Source) Inspect(ctx context.Context) (*dbtwin.Schema, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.meta == nil {
		return nil, errClosed
	}
	if _, err := s.meta.Exec(ctx, beginRead); err != nil {
		return nil, fmt.Errorf("inspect %s: %w", s.url.Redacted(), s.sanitize(err))
	}
	schema, err := inspect(ctx, s.meta)
	if _, rerr := s.meta.Exec(context.Background(), "ROLLBACK"); err == nil && rerr != nil {
		err = rerr
	}
	if err != nil {
		return nil, fmt.Errorf("inspect %s: %w", s.url.Redacted(), s.sanitize(err))
	}
	return schema, nil
}

// Identity returns "postgres:<system identifier>/<database>".
func (s *Source) Identity(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.meta == nil {
		return "", errClosed
	}
	return s.identity(ctx, s.meta)
}

// ServerVersionNum returns the server's server_version_num (e.g. 150004).
func (s *Source) ServerVersionNum(ctx context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.meta == nil {
		return 0, errClosed
	}
	return serverVersionNum(ctx, s.meta)
}

func serverVersionNum(ctx context.Context, c *pgx.Conn) (int, error) {
	var v string
	if err := c.QueryRow(ctx, "SHOW server_version_num").Scan(&v); err != nil {
		return 0, fmt.Errorf("read server_version_num: %w", err)
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, fmt.Errorf("unexpected server_version_num %q", v)
	}
	return n, nil
}

// Close closes the source's own session; open snapshots stay usable until closed.
func (s *Source) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.meta != nil {
		closeConn(s.meta)
		s.meta = nil
	}
	return nil
}

// Snapshot opens readers sessions that share one exported snapshot: the
// first begins a REPEATABLE READ READ ONLY transaction and exports its
// snapshot, the others import it, so every read sees the same point in time.
func (s *Source) Snapshot(ctx context.Context, readers int) (dbtwin.Snapshot, error) {
	snap, err := s.OpenSnapshot(ctx, readers)
	if err != nil {
		return nil, err
	}
	return snap, nil
}

// OpenSnapshot is Snapshot returning the concrete type.
func (s *Source) OpenSnapshot(ctx context.Context, readers int) (*Snapshot, error) {
	if readers < 1 {
		readers = 1
	}
	first, err := s.connect(ctx)
	if err != nil {
		return nil, err
	}
	var id string
	if _, err = first.Exec(ctx, beginRead); err == nil {
		err = first.QueryRow(ctx, "SELECT pg_catalog.pg_export_snapshot()").Scan(&id)
	}
	if err != nil {
		closeConn(first)
		return nil, fmt.Errorf("export a snapshot of %s: %w", s.url.Redacted(), s.sanitize(err))
	}
	snap := &Snapshot{src: s, id: id, free: make(chan *pgx.Conn, readers), live: readers,
		done: make(chan struct{}), dead: make(chan struct{})}
	schema, err := inspect(ctx, first)
	if err != nil {
		closeConn(first)
		return nil, fmt.Errorf("inspect %s in the snapshot: %w", s.url.Redacted(), s.sanitize(err))
	}
	snap.schema = schema
	snap.free <- first
	var wg sync.WaitGroup
	errs := make([]error, readers)
	for i := 1; i < readers; i++ {
		wg.Go(func() {
			c, err := snap.importSession(ctx)
			if err != nil {
				errs[i] = err
				return
			}
			snap.free <- c
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		snap.Close()
		return nil, err
	}
	return snap, nil
}

// Snapshot is one consistent, read-only point in time of a PostgreSQL source,
// readable by several sessions at once.
type Snapshot struct {
	src    *Source
	id     string
	schema *dbtwin.Schema
	free   chan *pgx.Conn

	cancels atomic.Int64 // COPYs cancelled by an early Close (for tests)

	mu     sync.Mutex
	live   int // sessions alive, free or in use
	closed bool
	lost   error
	done   chan struct{} // closed by Close
	dead   chan struct{} // closed when no session is left
}

var _ dbtwin.Snapshot = (*Snapshot)(nil)

var errSnapshotClosed = errors.New("postgres: snapshot is closed")

// SnapshotID returns the exported snapshot's id (for pg_dump --snapshot).
func (s *Snapshot) SnapshotID() string { return s.id }

// Schema returns the schema as seen by the snapshot.
func (s *Snapshot) Schema() *dbtwin.Schema { return s.schema }

func (s *Snapshot) importSession(ctx context.Context) (*pgx.Conn, error) {
	c, err := s.src.connect(ctx)
	if err != nil {
		return nil, err
	}
	if _, err = c.Exec(ctx, beginRead); err == nil {
		_, err = c.Exec(ctx, "SET TRANSACTION SNAPSHOT "+quoteLiteral(s.id))
	}
	if err != nil {
		closeConn(c)
		return nil, fmt.Errorf("import snapshot %s into a new session of %s: %w", s.id, s.src.url.Redacted(), s.src.sanitize(err))
	}
	return c, nil
}

// acquire waits for a free session of the snapshot.
func (s *Snapshot) acquire(ctx context.Context) (*pgx.Conn, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	select {
	case c := <-s.free:
		return c, nil
	default:
	}
	select {
	case c := <-s.free:
		return c, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.done:
		return nil, errSnapshotClosed
	case <-s.dead:
		s.mu.Lock()
		defer s.mu.Unlock()
		return nil, fmt.Errorf("postgres: every session of snapshot %s was lost: %w", s.id, s.lost)
	}
}

// savepoint brackets every statement run in a snapshot session, so a failed
// or cancelled read leaves the session's transaction (and snapshot) usable.
const (
	savepoint        = "SAVEPOINT dbtwin_read"
	releaseSavepoint = "RELEASE SAVEPOINT dbtwin_read"
	rollbackRelease  = "ROLLBACK TO SAVEPOINT dbtwin_read; RELEASE SAVEPOINT dbtwin_read"
)

// release hands a session back after a statement run under savepoint.
// failed says the statement failed or was cancelled: its savepoint is rolled
// back. A session that cannot be restored is replaced by a new one importing
// the snapshot.
func (s *Snapshot) release(c *pgx.Conn, failed bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if s.isClosed() {
		closeConn(c)
		return
	}
	var err error
	if !c.IsClosed() {
		if failed {
			// A cancel request may land on the cleanup statement itself: retry.
			for i := 0; i < 3; i++ {
				if _, err = c.Exec(ctx, rollbackRelease); !isQueryCanceled(err) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
		} else {
			_, err = c.Exec(ctx, releaseSavepoint)
		}
	}
	if err != nil || c.IsClosed() || c.PgConn().TxStatus() != 'T' {
		closeConn(c)
		nc, ierr := s.importSession(ctx)
		if ierr != nil {
			s.mu.Lock()
			s.live--
			s.lost = ierr
			if s.live == 0 {
				close(s.dead)
			}
			s.mu.Unlock()
			return
		}
		c = nc
	}
	// Under the lock, so Close cannot miss a session handed back meanwhile.
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		closeConn(c)
		return
	}
	s.free <- c // never blocks: at most readers sessions exist
	s.mu.Unlock()
}

func (s *Snapshot) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func isQueryCanceled(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "57014"
}

// run executes f on a session under a savepoint.
func (s *Snapshot) run(ctx context.Context, f func(*pgx.Conn) error) error {
	c, err := s.acquire(ctx)
	if err != nil {
		return err
	}
	if _, err := c.Exec(ctx, savepoint); err != nil {
		s.release(c, true)
		return s.src.sanitize(err)
	}
	err = f(c)
	s.release(c, err != nil)
	return err
}

// Count returns the number of rows of t (satisfying where, if given) in the snapshot.
func (s *Snapshot) Count(ctx context.Context, t *dbtwin.Table, where string) (int64, error) {
	q := "SELECT count(*) FROM " + fromTable(t)
	if strings.TrimSpace(where) != "" {
		q += " WHERE (" + where + ")"
	}
	var n int64
	err := s.run(ctx, func(c *pgx.Conn) error { return c.QueryRow(ctx, q).Scan(&n) })
	if err != nil {
		return 0, fmt.Errorf("count rows of %s: %w", t.QualifiedName(), err)
	}
	return n, nil
}

// fromTable names a table in a FROM clause so that only its own rows are
// seen: ONLY excludes the rows of inheritance children (which are tables of
// their own, copied and counted separately). A partitioned table is named
// as is: its rows live in its partitions.
func fromTable(t *dbtwin.Table) string {
	if t.Partitioned {
		return QuoteTable(t)
	}
	return "ONLY " + QuoteTable(t)
}

// readSQL builds the COPY statement for a read request.
func readSQL(req dbtwin.ReadRequest, cols []string) string {
	t := req.Table
	if req.Where == "" && req.OrderBy == "" && req.Limit <= 0 && !t.Partitioned && len(cols) > 0 {
		return "COPY " + QuoteTable(t) + " (" + quoteColumns(cols) + ") TO STDOUT"
	}
	var b strings.Builder
	b.WriteString("COPY (SELECT ")
	b.WriteString(quoteColumns(cols))
	b.WriteString(" FROM ")
	b.WriteString(fromTable(t))
	if strings.TrimSpace(req.Where) != "" {
		b.WriteString(" WHERE (" + req.Where + ")")
	}
	if strings.TrimSpace(req.OrderBy) != "" {
		b.WriteString(" ORDER BY " + req.OrderBy)
	}
	if req.Limit > 0 {
		b.WriteString(" LIMIT " + strconv.FormatInt(req.Limit, 10))
	}
	b.WriteString(") TO STDOUT")
	return b.String()
}

// Read streams the rows of one table with COPY ... TO STDOUT. The returned
// Rows is also a dbtwin.RawRows whose Raw is the COPY text stream. It holds
// one of the snapshot's sessions until it is closed or fully read.
func (s *Snapshot) Read(ctx context.Context, req dbtwin.ReadRequest) (dbtwin.Rows, error) {
	if req.Table == nil {
		return nil, fmt.Errorf("%w: postgres read: no table given", dbtwin.ErrUsage)
	}
	cols := req.ColumnNames()
	label := "read " + req.Table.QualifiedName()
	return s.copyOut(ctx, readSQL(req, cols), label, len(cols), req.Progress)
}

// Query runs a read-only query in the snapshot and streams its rows as text.
// Without args it runs as COPY (query) TO STDOUT and the rows are RawRows;
// with args ($1, $2, ...) it runs through the simple protocol.
func (s *Snapshot) Query(ctx context.Context, sql string, args ...any) (dbtwin.Rows, error) {
	q := strings.TrimSpace(sql)
	for strings.HasSuffix(q, ";") {
		q = strings.TrimSpace(strings.TrimSuffix(q, ";"))
	}
	if len(args) == 0 {
		return s.copyOut(ctx, "COPY ("+q+"\n) TO STDOUT", "query", -1, nil)
	}
	c, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := c.Exec(ctx, savepoint); err != nil {
		s.release(c, true)
		return nil, fmt.Errorf("query: %w", s.src.sanitize(err))
	}
	rows, err := c.Query(ctx, q, append([]any{pgx.QueryExecModeSimpleProtocol}, args...)...)
	if err != nil {
		s.release(c, true)
		return nil, fmt.Errorf("query: %w", s.src.sanitize(err))
	}
	return &queryRows{snap: s, conn: c, rows: rows}, nil
}

// queryRows adapts pgx rows (text format, simple protocol) to dbtwin.Rows.
type queryRows struct {
	snap   *Snapshot
	conn   *pgx.Conn
	rows   pgx.Rows
	row    dbtwin.Row
	ended  bool
	err    error
	closed bool
}

func (r *queryRows) Next() bool {
	if r.closed || r.ended {
		return false
	}
	if !r.rows.Next() {
		r.ended = true
		r.rows.Close()
		if err := r.rows.Err(); err != nil {
			r.err = fmt.Errorf("query: %w", r.snap.src.sanitize(err))
		}
		r.Close()
		return false
	}
	r.row = append(r.row[:0], r.rows.RawValues()...)
	return true
}

func (r *queryRows) Row() dbtwin.Row { return r.row }
func (r *queryRows) Err() error      { return r.err }

func (r *queryRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	failed := r.err != nil
	if !r.ended {
		// Stop the server instead of draining the rest of the result.
		cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = r.conn.PgConn().CancelRequest(cctx)
		cancel()
		r.rows.Close()
		failed = true
	}
	r.snap.release(r.conn, failed)
	return nil
}

// Close ends the snapshot's transactions and closes its sessions. Sessions
// still streaming are closed when their Rows are.
func (s *Snapshot) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	var idle []*pgx.Conn
	for len(s.free) > 0 {
		idle = append(idle, <-s.free)
	}
	s.mu.Unlock()
	for _, c := range idle {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _ = c.Exec(ctx, "ROLLBACK")
		cancel()
		closeConn(c)
	}
	return nil
}

// splitMinPages is the smallest part worth reading on its own session:
// 16 MB of heap.
var splitMinPages int64 = 2048

// SplitTable returns ctid range predicates that divide the heap of t into at
// most parts ranges of equal size, read in parallel inside the same snapshot
// (TID range scans, PostgreSQL 14 and later). Small tables, partitioned
// tables and older servers get nil: one stream. Every row is in exactly one
// range: the first range is open below and the last open above.
func (s *Snapshot) SplitTable(ctx context.Context, t *dbtwin.Table, parts int) ([]string, error) {
	if parts < 2 || t == nil || t.Partitioned {
		return nil, nil
	}
	var pages int64
	var kind string
	var version int
	err := s.run(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, `SELECT c.relkind::text, pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::bigint,
  pg_catalog.current_setting('server_version_num')::int
FROM pg_catalog.pg_class c WHERE c.oid = $1::regclass`, QuoteTable(t)).Scan(&kind, &pages, &version)
	})
	if err != nil {
		return nil, fmt.Errorf("size of %s: %w", t.QualifiedName(), err)
	}
	if version < 140000 || (kind != "r" && kind != "m") {
		return nil, nil
	}
	parts = int(min(int64(parts), pages/splitMinPages))
	if parts < 2 {
		return nil, nil
	}
	out := make([]string, parts)
	for i := range out {
		lo, hi := pages*int64(i)/int64(parts), pages*int64(i+1)/int64(parts)
		switch i {
		case 0:
			out[i] = fmt.Sprintf("ctid < '(%d,0)'::tid", hi)
		case parts - 1:
			out[i] = fmt.Sprintf("ctid >= '(%d,0)'::tid", lo)
		default:
			out[i] = fmt.Sprintf("ctid >= '(%d,0)'::tid AND ctid < '(%d,0)'::tid", lo, hi)
		}
	}
	return out, nil
}
