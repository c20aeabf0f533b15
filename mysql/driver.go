package mysql

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dbtwin/dbtwin"
	gomysql "github.com/go-sql-driver/mysql"
)

// Engine is the name this package registers with dbtwin.Register.
const Engine = "mysql"

func init() { dbtwin.Register(Engine, Driver{}) }

// Driver opens MySQL and MariaDB sources and targets. It is registered under
// the name "mysql" (URLs mysql://… and mariadb://…).
type Driver struct{}

// OpenSource opens a MySQL or MariaDB database to read from. Every session
// is read-only (SET SESSION TRANSACTION READ ONLY) and reads inside
// START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY.
func (Driver) OpenSource(ctx context.Context, u *dbtwin.URL) (dbtwin.Source, error) {
	d, err := open(ctx, u, sourceSetup)
	if err != nil {
		return nil, err
	}
	return &Source{db: d}, nil
}

// OpenTarget opens a MySQL or MariaDB database to write a twin into.
func (Driver) OpenTarget(ctx context.Context, u *dbtwin.URL, opts dbtwin.TargetOptions) (dbtwin.Target, error) {
	d, err := open(ctx, u, targetSetup)
	if err != nil {
		return nil, err
	}
	w := opts.Writers
	if w < 1 {
		w = 1
	}
	d.pool.SetMaxOpenConns(w + 2)
	return &Target{db: d, writers: w}, nil
}

// Session settings. Both sides read and write TIMESTAMP values in UTC, so
// they move unchanged whatever the server's time zone; long waits between
// packets (a slow writer behind a fast reader) do not drop the connection.
var (
	sourceSetup = []string{
		"SET SESSION time_zone = '+00:00', net_write_timeout = 3600, net_read_timeout = 3600",
		"SET SESSION TRANSACTION READ ONLY",
		// dbtwin's engine-neutral SQL (scan, subset, verify) quotes
		// identifiers with double quotes, as standard SQL does.
		"SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'ANSI_QUOTES')",
	}
	targetSetup = []string{
		// No strict mode: zero dates and other values the source holds are
		// loaded as they are (mysqldump's setting). Foreign keys are checked
		// by Verify after the load, not row by row.
		"SET SESSION time_zone = '+00:00', net_write_timeout = 3600, net_read_timeout = 3600, " +
			"foreign_key_checks = 0, sql_mode = '" + targetSQLMode + "'",
	}
)

// targetSQLMode is the target sessions' sql_mode.
const targetSQLMode = "NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION"

// setupConnector runs the session setup statements on every new connection.
type setupConnector struct {
	driver.Connector
	setup []string
	// timeoutMS > 0 bounds every statement: max_statement_time on MariaDB,
	// max_execution_time (SELECT only) on MySQL.
	timeoutMS int64
}

func (c *setupConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, errors.New("mysql driver connection cannot execute statements")
	}
	setup := c.setup
	if c.timeoutMS > 0 {
		_, err := ex.ExecContext(ctx, fmt.Sprintf("SET SESSION max_statement_time = %.3f", float64(c.timeoutMS)/1000), nil)
		if err != nil {
			setup = append(setup, fmt.Sprintf("SET SESSION max_execution_time = %d", c.timeoutMS))
		}
	}
	for _, s := range setup {
		if _, err := ex.ExecContext(ctx, s, nil); err != nil {
			conn.Close()
			return nil, fmt.Errorf("session setup %q: %w", s, err)
		}
	}
	return conn, nil
}

// db holds what sources and targets share.
type db struct {
	url      *dbtwin.URL
	cfg      *gomysql.Config
	pool     *sql.DB
	name     string // the database (schema) name
	password string
	mariadb  bool
	version  string
}

// Config turns a parsed mysql:// or mariadb:// URL into a driver
// configuration: user (default root), password, host (default 127.0.0.1)
// and port (default 3306), the database from the path, ?socket=PATH for a
// Unix socket, and every other parameter passed to go-sql-driver/mysql as in
// its DSN (tls=true, tls=skip-verify, timeout=5s, …; unknown names are
// session variables). statement_timeout=MS is dbtwin's own: it bounds every
// statement of a source's sessions (max_statement_time on MariaDB,
// max_execution_time on MySQL).
func Config(u *dbtwin.URL) (*gomysql.Config, error) {
	if u.Engine != Engine {
		return nil, fmt.Errorf("%w: %s is not a mysql:// or mariadb:// URL", dbtwin.ErrUsage, u.Redacted())
	}
	q := url.Values{}
	for k, v := range u.Params {
		if k != "statement_timeout" {
			q[k] = v
		}
	}
	host := u.Host
	if host == "" {
		host = "127.0.0.1"
	}
	if strings.Contains(host, ",") {
		return nil, fmt.Errorf("%w: MySQL URL %s names several hosts: give one", dbtwin.ErrUsage, u.Redacted())
	}
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(strings.Trim(host, "[]"), "3306")
	}
	addr := "tcp(" + host + ")"
	if sock := q.Get("socket"); sock != "" {
		addr = "unix(" + sock + ")"
		q.Del("socket")
	}
	if u.Database == "" || strings.Contains(u.Database, "/") {
		return nil, fmt.Errorf("%w: MySQL URL %s names no database: add it as the path (mysql://user@host:3306/DBNAME)", dbtwin.ErrUsage, u.Redacted())
	}
	dsn := addr + "/" + url.PathEscape(u.Database)
	if len(q) > 0 {
		dsn += "?" + q.Encode()
	}
	cfg, err := gomysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("%w: MySQL URL %s: %v: check its parameters", dbtwin.ErrUsage, u.Redacted(), err)
	}
	cfg.DBName = u.Database
	cfg.User, cfg.Passwd = u.User, u.Password
	if cfg.User == "" {
		cfg.User = "root"
	}
	return cfg, nil
}

func open(ctx context.Context, u *dbtwin.URL, setup []string) (*db, error) {
	cfg, err := Config(u)
	if err != nil {
		return nil, err
	}
	// Every statement goes through the text protocol, so every value comes
	// back as the server prints it (exact, no float or time conversions).
	cfg.InterpolateParams = true
	cfg.ParseTime = false
	cfg.Collation = "utf8mb4_general_ci"
	if cfg.Timeout == 0 {
		cfg.Timeout = 10 * time.Second
	}
	conn, err := gomysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: MySQL URL %s: %v", dbtwin.ErrUsage, u.Redacted(), err)
	}
	sc := &setupConnector{Connector: conn, setup: setup}
	if ms, err := strconv.ParseInt(u.Params.Get("statement_timeout"), 10, 64); err == nil && ms > 0 {
		sc.timeoutMS = ms
	}
	d := &db{url: u, cfg: cfg, pool: sql.OpenDB(sc), name: cfg.DBName, password: cfg.Passwd}
	d.pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := d.pool.QueryRowContext(ctx, "SELECT VERSION()").Scan(&d.version); err != nil {
		d.pool.Close()
		return nil, d.connErr(err)
	}
	d.mariadb = strings.Contains(strings.ToLower(d.version), "mariadb")
	return d, nil
}

func (d *db) connErr(err error) error {
	hint := "check the URL, that the server is running and that it accepts this user"
	var me *gomysql.MySQLError
	if errors.As(err, &me) {
		switch me.Number {
		case 1049:
			hint = "the database does not exist: create it first (CREATE DATABASE name)"
		case 1045:
			hint = "the server refused the user name or password"
		case 1044:
			hint = "the user may not use this database: GRANT it the privileges the README lists"
		}
	}
	return fmt.Errorf("connect to MySQL %s: %w (%s)", d.url.Redacted(), d.sanitize(err), hint)
}

// sanitize makes sure an error's message cannot reveal the password.
func (d *db) sanitize(err error) error {
	if err == nil || d.password == "" || !strings.Contains(err.Error(), d.password) {
		return err
	}
	return &redactedError{msg: strings.ReplaceAll(err.Error(), d.password, "xxxxx"), err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// Engine returns "mysql".
func (d *db) Engine() string { return Engine }

// QuoteIdent quotes an identifier with backticks.
func (d *db) QuoteIdent(name string) string { return QuoteIdent(name) }

// QuoteTable quotes a table's name. Tables carry no schema: a twin may live
// in a database of another name.
func (d *db) QuoteTable(t *dbtwin.Table) string { return QuoteIdent(t.Name) }

// Close closes every session.
func (d *db) Close() error { return d.pool.Close() }

// Inspect reads the database's schema.
func (d *db) Inspect(ctx context.Context) (*dbtwin.Schema, error) {
	conn, err := d.pool.Conn(ctx)
	if err != nil {
		return nil, d.connErr(err)
	}
	defer conn.Close()
	return inspect(ctx, conn, d.name)
}

// Identity returns "mysql:" + the server (its server_uuid on MySQL, else
// host name, port and server_id) + "/" + the database.
func (d *db) Identity(ctx context.Context) (string, error) {
	var host, port, sid string
	if err := d.pool.QueryRowContext(ctx, "SELECT @@hostname, @@port, @@server_id").Scan(&host, &port, &sid); err != nil {
		return "", fmt.Errorf("MySQL identity of %s: %w", d.url.Redacted(), d.sanitize(err))
	}
	server := host + ":" + port + "#" + sid
	var uuid sql.NullString
	if !d.mariadb {
		if err := d.pool.QueryRowContext(ctx, "SELECT @@server_uuid").Scan(&uuid); err == nil && uuid.Valid {
			server = uuid.String
		}
	}
	return "mysql:" + server + "/" + d.name, nil
}

// QuoteIdent quotes a MySQL identifier with backticks, doubling embedded ones.
func QuoteIdent(name string) string {
	return "`" + strings.ReplaceAll(name, "`", "``") + "`"
}

func quoteList(cols []string) string {
	var b strings.Builder
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(QuoteIdent(c))
	}
	return b.String()
}

// quoteLiteral quotes a string literal (backslashes and quotes escaped, so
// it is right whether or not NO_BACKSLASH_ESCAPES is set).
func quoteLiteral(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `'`, `''`, "\x00", `\0`)
	return "'" + r.Replace(s) + "'"
}

func abbreviate(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
