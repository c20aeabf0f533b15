package check

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	gomysql "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/mysql"
)

// Open opens the database a checks file runs against, from a dbtwin URL
// (postgres://…, postgresql://…, mysql://…, mariadb://…, sqlite:PATH or a
// path ending in .db/.sqlite),
// and returns it with its dialect. SQLite files are opened read-only
// (mode=ro, query_only); PostgreSQL and MySQL checks run in READ ONLY
// transactions.
// The connection is verified before Open returns.
func Open(ctx context.Context, rawURL string) (*sql.DB, string, error) {
	u, err := dbtwin.ParseURL(rawURL)
	if err != nil {
		return nil, "", err
	}
	var db *sql.DB
	switch u.Engine {
	case "postgres":
		db, err = sql.Open("pgx", u.WithParam("application_name", "dbtwin").ConnString())
		if err != nil {
			return nil, "", fmt.Errorf("%w: open %s: %s", dbtwin.ErrUsage, u.Redacted(), u.RedactText(err.Error()))
		}
	case "sqlite":
		if u.Path == "" {
			return nil, "", fmt.Errorf("%w: %s names no file: write sqlite:PATH", dbtwin.ErrUsage, u.Redacted())
		}
		if _, err := os.Stat(u.Path); err != nil {
			return nil, "", fmt.Errorf("%w: SQLite database %s: %w (checks never create a database)",
				dbtwin.ErrUsage, u.Path, err)
		}
		db, err = sql.Open("sqlite", sqliteReadOnlyDSN(u.Path))
		if err != nil {
			return nil, "", fmt.Errorf("%w: open SQLite database %s: %w", dbtwin.ErrUsage, u.Path, err)
		}
	case "mysql":
		cfg, err := mysql.Config(u)
		if err != nil {
			return nil, "", err
		}
		cfg.InterpolateParams = true
		conn, err := gomysql.NewConnector(cfg)
		if err != nil {
			return nil, "", fmt.Errorf("%w: open %s: %w", dbtwin.ErrUsage, u.Redacted(), err)
		}
		db = sql.OpenDB(conn)
	default:
		return nil, "", fmt.Errorf("%w: %s: checks run on PostgreSQL, MySQL/MariaDB and SQLite; engine %q is not supported yet",
			dbtwin.ErrUsage, u.Redacted(), u.Engine)
	}
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return nil, "", fmt.Errorf("%w: connect to %s: %s", dbtwin.ErrUsage, u.Redacted(), u.RedactText(err.Error()))
	}
	return db, u.Engine, nil
}

// sqliteReadOnlyDSN builds a SQLite URI opening path read-only.
func sqliteReadOnlyDSN(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: "mode=ro&_query_only=1&_busy_timeout=5000"}
	// url.URL writes "file:///abs/path", which SQLite accepts as a URI.
	return u.String()
}
