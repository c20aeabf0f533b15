package dbtwintest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/clone"
)

// tplPrefix starts the name of every template database dbtwintest makes;
// testPrefix every test database.
const (
	tplPrefix  = "dbtwintest_tpl_"
	testPrefix = "dbtwintest_"
)

var (
	pgMu     sync.Mutex
	admins   = map[string]*sql.DB{}
	pgStates = map[string]*pgTemplate{}
)

// pgTemplate is one source's template database, prepared once per process.
type pgTemplate struct {
	once sync.Once
	name string
	err  error
}

// adminDB returns the process's pool for an admin URL.
func adminDB(adminURL string) (*sql.DB, error) {
	pgMu.Lock()
	defer pgMu.Unlock()
	if db, ok := admins[adminURL]; ok {
		return db, nil
	}
	db, err := sql.Open("pgx", adminURL)
	if err != nil {
		return nil, fmt.Errorf("admin database %s: %w", dbtwin.RedactURL(adminURL), err)
	}
	db.SetMaxIdleConns(4)
	admins[adminURL] = db
	return db, nil
}

// pgSource says how to make a PostgreSQL template: from a twin database
// (clone) or from a snapshot file (restore).
type pgSource struct {
	// key identifies the source in this process; id across processes.
	key, id string
	// base is the URL whose database name is replaced to reach the
	// template and the test databases (same server, same role).
	base   string
	admin  string
	redact string
	// state reads the source's current state: a digest and the database
	// settings to create the template with.
	state func(ctx context.Context) (*sourceState, error)
	// fill copies the source into the (empty) template database at url.
	fill func(ctx context.Context, url string) error
}

// urlSource is a twin database: its template is a clone.
func urlSource(src *dbtwin.URL, o options) (*pgSource, error) {
	admin := o.adminURL
	if admin == "" {
		var err error
		if admin, err = withDatabase(src.Raw, "postgres"); err != nil {
			return nil, fmt.Errorf("source %s: %w", src.Redacted(), err)
		}
	}
	return &pgSource{
		key: admin + "\x00" + src.Raw, id: redactedIdentity(src.Raw), base: src.Raw, admin: admin, redact: src.Redacted(),
		state: func(ctx context.Context) (*sourceState, error) { return fingerprint(ctx, src) },
		fill: func(ctx context.Context, url string) error {
			no := false
			_, err := clone.Run(ctx, clone.Options{Source: src.Raw, Target: url, Jobs: 2, Strict: &no, NoLeakScan: true})
			return err
		},
	}, nil
}

func newPostgres(ctx context.Context, label string, src *pgSource) (*DB, func() error, error) {
	adm, err := adminDB(src.admin)
	if err != nil {
		return nil, nil, err
	}
	pgMu.Lock()
	st := pgStates[src.key]
	if st == nil {
		st = &pgTemplate{}
		pgStates[src.key] = st
	}
	pgMu.Unlock()
	st.once.Do(func() { st.name, st.err = prepareTemplate(ctx, adm, src) })
	if st.err != nil {
		return nil, nil, st.err
	}

	name := testDBName(label)
	if _, err := adm.ExecContext(ctx, "CREATE DATABASE "+quoteIdent(name)+" TEMPLATE "+quoteIdent(st.name)); err != nil {
		return nil, nil, fmt.Errorf("create test database %s from template %s: %w", name, st.name, err)
	}
	drop := func() error {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := adm.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop test database %s: %w (drop it by hand: DROP DATABASE %s)", name, err, name)
		}
		return nil
	}
	dbURL, err := withDatabase(src.base, name)
	if err != nil {
		_ = drop()
		return nil, nil, err
	}
	db, err := sql.Open("pgx", dbURL)
	if err == nil {
		err = db.PingContext(ctx)
	}
	if err != nil {
		if db != nil {
			_ = db.Close()
		}
		_ = drop()
		return nil, nil, fmt.Errorf("connect to test database %s: %w", name, err)
	}
	release := func() error {
		_ = db.Close()
		return drop()
	}
	return &DB{DB: db, URL: dbURL, Dialect: "postgres", Name: name}, release, nil
}

// prepareTemplate returns the name of a complete template database holding
// a copy of src, making it when no test process on the server made it yet.
// Its name is derived from the source's identity and state, so a changed
// source gets a new template and the old one is dropped. A session advisory
// lock on the name serializes the test processes that need it.
func prepareTemplate(ctx context.Context, adm *sql.DB, src *pgSource) (string, error) {
	if err := adm.PingContext(ctx); err != nil {
		if unreachable(err) {
			return "", fmt.Errorf("%w: PostgreSQL server of %s is not reachable: %w", ErrUnavailable, dbtwin.RedactURL(src.admin), err)
		}
		return "", fmt.Errorf("connect to admin database %s: %w (give one whose role may CREATE DATABASE with WithAdminURL)", dbtwin.RedactURL(src.admin), err)
	}
	fp, err := src.state(ctx)
	if err != nil {
		return "", err
	}
	srcID := shortHash(src.id)
	name := tplPrefix + srcID + "_" + shortHash(fp.digest)

	conn, err := adm.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("admin connection: %w", err)
	}
	defer conn.Close()
	sum := sha256Sum(name)
	key := int64(binary.BigEndian.Uint64(sum[:8]))
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return "", fmt.Errorf("lock template %s: %w", name, err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, _ = conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", key)
	}()

	var isTemplate, allowConn bool
	err = conn.QueryRowContext(ctx, "SELECT datistemplate, datallowconn FROM pg_database WHERE datname = $1", name).Scan(&isTemplate, &allowConn)
	switch {
	case err == nil && isTemplate && !allowConn:
		return name, nil // complete: made by this or another test process
	case err == nil:
		// Left half-built by a process that stopped: start again.
		if _, err := conn.ExecContext(ctx, "DROP DATABASE "+quoteIdent(name)+" WITH (FORCE)"); err != nil {
			return "", fmt.Errorf("drop incomplete template %s: %w", name, err)
		}
	case !errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("look up template %s: %w", name, err)
	}

	create := "CREATE DATABASE " + quoteIdent(name) + " TEMPLATE template0"
	if fp.encoding != "" {
		create += " ENCODING " + quoteLiteral(fp.encoding) + " LC_COLLATE " + quoteLiteral(fp.collate) + " LC_CTYPE " + quoteLiteral(fp.ctype)
	}
	if _, err := conn.ExecContext(ctx, create); err != nil {
		return "", fmt.Errorf("create template database %s: %w (the admin role needs CREATEDB)", name, err)
	}
	tplURL, err := withDatabase(src.base, name)
	if err != nil {
		return "", err
	}
	if err := src.fill(ctx, tplURL); err != nil {
		_, _ = conn.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+quoteIdent(name)+" WITH (FORCE)")
		return "", fmt.Errorf("copy %s into template database %s: %w", src.redact, name, err)
	}
	// No connection may reach a template while it is copied: forbid them.
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+quoteIdent(name)+" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false"); err != nil {
		return "", fmt.Errorf("mark template database %s: %w", name, err)
	}
	dropStale(ctx, conn, tplPrefix+srcID+"_", name)
	return name, nil
}

// dropStale drops the templates made from earlier states of the same source.
// One still being copied from makes DROP fail or wait; errors are ignored
// (the template is left for a later run).
func dropStale(ctx context.Context, conn *sql.Conn, prefix, keep string) {
	rows, err := conn.QueryContext(ctx, "SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND datname <> $2", prefix, keep)
	if err != nil {
		return
	}
	var names []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			names = append(names, n)
		}
	}
	_ = rows.Close()
	for _, n := range names {
		if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+quoteIdent(n)+" WITH IS_TEMPLATE false"); err == nil {
			_, _ = conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+quoteIdent(n))
		}
	}
}

// sourceState is what the template's name and settings depend on.
type sourceState struct {
	digest                   string
	encoding, collate, ctype string
}

// fingerprint reads, read-only, the source database's settings and a digest
// of its user relations: each relation's oid, the version of its catalog row
// (xmin changes on ALTER) and its insert/update/delete counters. A re-cloned
// twin has new oids; rows written since have new counters.
func fingerprint(ctx context.Context, src *dbtwin.URL) (*sourceState, error) {
	db, err := sql.Open("pgx", src.Raw)
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", src.Redacted(), err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("connect to source %s: %w", src.Redacted(), err)
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	var st sourceState
	var oid, rels string
	err = tx.QueryRowContext(ctx, `
SELECT d.oid::text, pg_encoding_to_char(d.encoding), d.datcollate, d.datctype,
       coalesce((SELECT string_agg(c.oid::text || ':' || c.xmin::text || ':' || coalesce(s.n_tup_ins, 0) || ':' ||
                                   coalesce(s.n_tup_upd, 0) || ':' || coalesce(s.n_tup_del, 0), ',' ORDER BY c.oid)
                 FROM pg_class c
                 JOIN pg_namespace n ON n.oid = c.relnamespace
                 LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid
                 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%'), '')
FROM pg_database d WHERE d.datname = current_database()`).Scan(&oid, &st.encoding, &st.collate, &st.ctype, &rels)
	if err != nil {
		return nil, fmt.Errorf("read source %s: %w", src.Redacted(), err)
	}
	st.digest = oid + "|" + rels
	return &st, nil
}

// testDBName makes a unique database name that shows which test it is for.
func testDBName(label string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(label) {
		if b.Len() >= 30 {
			break
		}
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	var rnd [5]byte
	_, _ = rand.Read(rnd[:])
	return testPrefix + b.String() + "_" + hex.EncodeToString(rnd[:])
}

// withDatabase returns a PostgreSQL URL naming another database.
func withDatabase(raw, name string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("%s is not a URL: %w", dbtwin.RedactURL(raw), err)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

// redactedIdentity is the URL without its password: the same source reached
// with another password is the same source.
func redactedIdentity(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	q.Del("password")
	u.RawQuery = q.Encode()
	return u.String()
}

func sha256Sum(s string) [32]byte { return sha256.Sum256([]byte(s)) }

func shortHash(s string) string {
	h := sha256Sum(s)
	return hex.EncodeToString(h[:6])
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func quoteLiteral(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }

// unreachable tells a server that cannot be reached (refused, unknown host,
// timeout) from one that answered with an error.
func unreachable(err error) bool {
	var ne *net.OpError
	var de *net.DNSError
	return errors.As(err, &ne) || errors.As(err, &de) || errors.Is(err, context.DeadlineExceeded)
}
