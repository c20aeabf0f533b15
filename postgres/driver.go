package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
)

// Engine is the name this package registers with dbtwin.Register.
const Engine = "postgres"

func init() { dbtwin.Register(Engine, Driver{}) }

// Driver opens PostgreSQL sources and targets. It is registered under the
// name "postgres"; import this package for its side effect to enable it.
type Driver struct{}

// OpenSource opens a PostgreSQL database to read from. Every session it opens
// is read-only (default_transaction_read_only) and reads inside REPEATABLE
// READ READ ONLY transactions.
func (Driver) OpenSource(ctx context.Context, u *dbtwin.URL) (dbtwin.Source, error) {
	s, err := OpenSource(ctx, u)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// OpenTarget opens a PostgreSQL database to write a twin into.
func (Driver) OpenTarget(ctx context.Context, u *dbtwin.URL, opts dbtwin.TargetOptions) (dbtwin.Target, error) {
	t, err := OpenTarget(ctx, u, opts)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// db holds what sources and targets share: the parsed connection settings.
type db struct {
	url      *dbtwin.URL
	cfg      *pgx.ConnConfig
	setup    []string // statements run on every new session
	password string
}

func newDB(u *dbtwin.URL, setup ...string) (*db, error) {
	cfg, err := pgx.ParseConfig(u.ConnString())
	if err != nil {
		return nil, fmt.Errorf("%w: PostgreSQL URL %s: %v (check the URL's syntax and parameters)", dbtwin.ErrUsage, u.Redacted(), redactErr(err, u))
	}
	// A DBA sees dbtwin's sessions in pg_stat_activity by name.
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = ApplicationName
	}
	d := &db{url: u, cfg: cfg, setup: setup, password: cfg.Password}
	// A cancelled context cancels the running statement on the server and
	// leaves the session usable, rather than closing the connection.
	cfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, CancelRequestDelay: 0, DeadlineDelay: 5 * time.Second}
	}
	return d, nil
}

// ApplicationName is the application_name of every session dbtwin opens
// (unless the URL sets another).
const ApplicationName = "dbtwin"

// connect opens one session and runs the session setup statements.
func (d *db) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, d.cfg)
	if err != nil {
		return nil, d.connErr(err)
	}
	for _, s := range d.setup {
		if _, err := conn.Exec(ctx, s); err != nil {
			conn.Close(context.Background())
			return nil, fmt.Errorf("postgres %s: session setup %q: %w", d.url.Redacted(), s, d.sanitize(err))
		}
	}
	return conn, nil
}

func (d *db) connErr(err error) error {
	hint := "check the URL, that the server is running and that it accepts this user"
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "3D000" {
		hint = "the database does not exist: create it first (createdb NAME, or CREATE DATABASE)"
	}
	return fmt.Errorf("connect to PostgreSQL %s: %w (%s)", d.url.Redacted(), d.sanitize(err), hint)
}

// sanitize makes sure an error's message cannot reveal the password.
func (d *db) sanitize(err error) error { return redactErr(err, d.url) }

// redactedError keeps the wrapped error for errors.Is/As but prints a
// message with the password removed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr removes the URL's secrets (and those of any URL quoted in the
// message) from an error's text.
func redactErr(err error, u *dbtwin.URL) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := u.RedactText(msg)
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, err: err}
}

// Engine returns "postgres".
func (d *db) Engine() string { return Engine }

// QuoteIdent quotes an identifier for PostgreSQL.
func (d *db) QuoteIdent(name string) string { return QuoteIdent(name) }

// QuoteTable quotes a table's qualified name.
func (d *db) QuoteTable(t *dbtwin.Table) string { return QuoteTable(t) }

// QuoteIdent quotes an identifier for PostgreSQL, doubling embedded quotes.
func QuoteIdent(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QuoteTable returns "schema"."name" (or just "name" without a schema).
func QuoteTable(t *dbtwin.Table) string {
	if t.Schema == "" {
		return QuoteIdent(t.Name)
	}
	return QuoteIdent(t.Schema) + "." + QuoteIdent(t.Name)
}

func quoteColumns(cols []string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(QuoteIdent(c))
	}
	return b.String()
}

// quoteLiteral quotes a string literal (standard_conforming_strings on).
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// identity returns "postgres:" + the cluster's system identifier (or, when
// pg_control_system() is not permitted, the server's address) + "/" + the
// current database.
func (d *db) identity(ctx context.Context, conn *pgx.Conn) (string, error) {
	var dbname string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&dbname); err != nil {
		return "", fmt.Errorf("postgres identity of %s: %w", d.url.Redacted(), d.sanitize(err))
	}
	var sysid int64
	if err := conn.QueryRow(ctx, "SELECT system_identifier FROM pg_control_system()").Scan(&sysid); err == nil {
		return "postgres:" + strconv.FormatInt(sysid, 10) + "/" + dbname, nil
	}
	var addr *string
	var port *int32
	if err := conn.QueryRow(ctx, "SELECT host(inet_server_addr()), inet_server_port()").Scan(&addr, &port); err == nil && addr != nil && port != nil {
		return "postgres:" + net.JoinHostPort(*addr, strconv.Itoa(int(*port))) + "/" + dbname, nil
	}
	return "postgres:" + net.JoinHostPort(d.cfg.Host, strconv.Itoa(int(d.cfg.Port))) + "/" + dbname, nil
}

// pool is a small bounded pool of sessions.
type pool struct {
	db   *db
	sem  chan struct{}
	mu   sync.Mutex
	idle []*pgx.Conn
	shut bool
}

func newPool(d *db, size int) *pool {
	if size < 1 {
		size = 1
	}
	return &pool{db: d, sem: make(chan struct{}, size)}
}

var errClosed = errors.New("postgres: database handle is closed")

// acquire returns a session, waiting for a free slot.
func (p *pool) acquire(ctx context.Context) (*pgx.Conn, error) {
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	p.mu.Lock()
	if p.shut {
		p.mu.Unlock()
		<-p.sem
		return nil, errClosed
	}
	if n := len(p.idle); n > 0 {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return c, nil
	}
	p.mu.Unlock()
	c, err := p.db.connect(ctx)
	if err != nil {
		<-p.sem
		return nil, err
	}
	return c, nil
}

// release returns a session; a broken one, one left inside a transaction or
// one whose settings were changed (discard) is closed instead.
func (p *pool) release(c *pgx.Conn, discard bool) {
	p.mu.Lock()
	ok := !discard && !p.shut && !c.IsClosed() && c.PgConn().TxStatus() == 'I'
	if ok {
		p.idle = append(p.idle, c)
	}
	p.mu.Unlock()
	if !ok {
		closeConn(c)
	}
	<-p.sem
}

func (p *pool) close() {
	p.mu.Lock()
	p.shut = true
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	for _, c := range idle {
		closeConn(c)
	}
}

func closeConn(c *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.Close(ctx)
}

// withConn runs f on a pooled session.
func (p *pool) withConn(ctx context.Context, f func(*pgx.Conn) error) error {
	c, err := p.acquire(ctx)
	if err != nil {
		return err
	}
	err = f(c)
	p.release(c, false)
	return err
}
