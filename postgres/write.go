package postgres

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/jackc/pgx/v5"
)

// targetSetup is run by every target session: the twin can always be rebuilt,
// so commits need not wait for the WAL flush.
const targetSetup = "SET synchronous_commit = off"

// Target is a PostgreSQL database a twin is written into.
type Target struct {
	*db
	pool *pool
	// writers is how many sessions may work at once (data and post-data).
	writers int
}

var _ dbtwin.Target = (*Target)(nil)

// OpenTarget connects to a PostgreSQL database to write into. It keeps a pool
// of opts.Writers sessions for concurrent Write calls, plus one for DDL.
func OpenTarget(ctx context.Context, u *dbtwin.URL, opts dbtwin.TargetOptions) (*Target, error) {
	d, err := newDB(u, targetSetup)
	if err != nil {
		return nil, err
	}
	writers := max(opts.Writers, 1)
	t := &Target{db: d, pool: newPool(d, writers+1), writers: writers}
	if err := t.pool.withConn(ctx, func(*pgx.Conn) error { return nil }); err != nil {
		return nil, err
	}
	return t, nil
}

// Close closes the target's sessions.
func (t *Target) Close() error {
	t.pool.close()
	return nil
}

// Inspect reads the target's schema.
func (t *Target) Inspect(ctx context.Context) (*dbtwin.Schema, error) {
	var s *dbtwin.Schema
	err := t.pool.withConn(ctx, func(c *pgx.Conn) error {
		if _, err := c.Exec(ctx, "BEGIN ISOLATION LEVEL REPEATABLE READ"); err != nil {
			return err
		}
		var err error
		s, err = inspect(ctx, c)
		_, _ = c.Exec(context.Background(), "ROLLBACK")
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("inspect target %s: %w", t.url.Redacted(), t.sanitize(err))
	}
	return s, nil
}

// Identity returns "postgres:<system identifier>/<database>".
func (t *Target) Identity(ctx context.Context) (string, error) {
	var id string
	err := t.pool.withConn(ctx, func(c *pgx.Conn) (err error) {
		id, err = t.identity(ctx, c)
		return err
	})
	return id, err
}

// TableNames lists the qualified names of the user tables in the target, sorted.
func (t *Target) TableNames(ctx context.Context) ([]string, error) {
	var names []string
	err := t.pool.withConn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `
SELECT n.nspname || '.' || c.relname FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND `+userSchema+` AND `+notExtensionMember("pg_catalog.pg_class", "c.oid")+`
ORDER BY 1`)
		if err != nil {
			return err
		}
		names, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list tables of target %s: %w", t.url.Redacted(), t.sanitize(err))
	}
	return names, nil
}

// Reset drops every user schema (CASCADE) and every extension but plpgsql,
// then recreates an empty standard public schema.
func (t *Target) Reset(ctx context.Context) error {
	err := t.pool.withConn(ctx, func(c *pgx.Conn) error {
		rows, err := c.Query(ctx, `SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE `+userSchema+` ORDER BY 1`)
		if err != nil {
			return err
		}
		schemas, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, s := range schemas {
			if _, err := c.Exec(ctx, "DROP SCHEMA "+QuoteIdent(s)+" CASCADE"); err != nil {
				return fmt.Errorf("drop schema %s: %w", s, err)
			}
		}
		rows, err = c.Query(ctx, `SELECT extname FROM pg_catalog.pg_extension WHERE extname <> 'plpgsql' ORDER BY 1`)
		if err != nil {
			return err
		}
		exts, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, e := range exts {
			if _, err := c.Exec(ctx, "DROP EXTENSION IF EXISTS "+QuoteIdent(e)+" CASCADE"); err != nil {
				return fmt.Errorf("drop extension %s: %w", e, err)
			}
		}
		return recreatePublic(ctx, c)
	})
	if err != nil {
		return fmt.Errorf("reset target %s: %w", t.url.Redacted(), t.sanitize(err))
	}
	return nil
}

// recreatePublic creates the public schema as a new database has it.
func recreatePublic(ctx context.Context, c *pgx.Conn) error {
	ver, err := serverVersionNum(ctx, c)
	if err != nil {
		return err
	}
	grant := "GRANT ALL ON SCHEMA public TO PUBLIC"
	if ver >= 150000 {
		grant = "GRANT USAGE ON SCHEMA public TO PUBLIC"
	}
	create := "CREATE SCHEMA public"
	if ver >= 140000 {
		// Owned by pg_database_owner, as in template0; fall back to the
		// current user when not allowed to create it for that role.
		if _, err := c.Exec(ctx, "CREATE SCHEMA public AUTHORIZATION pg_database_owner"); err == nil {
			create = ""
		}
	}
	if create != "" {
		if _, err := c.Exec(ctx, create); err != nil {
			return fmt.Errorf("create schema public: %w", err)
		}
	}
	_, err = c.Exec(ctx, grant+"; COMMENT ON SCHEMA public IS 'standard public schema'")
	return err
}

// Write loads rows into columns of table tb with COPY ... FROM STDIN. Rows
// that are PostgreSQL RawRows are passed through untouched (their columns
// must be the same, in the same order); others are encoded to COPY text as
// the server reads them.
func (t *Target) Write(ctx context.Context, tb *dbtwin.Table, columns []string, rows dbtwin.Rows) (int64, error) {
	sql := "COPY " + QuoteTable(tb)
	if len(columns) > 0 {
		sql += " (" + quoteColumns(columns) + ")"
	}
	sql += " FROM STDIN"
	var r io.Reader
	var enc *encodeReader
	if rr, ok := rows.(dbtwin.RawRows); ok && rr.RawEngine() == Engine {
		r = rr.Raw()
	} else {
		enc = &encodeReader{rows: rows, table: tb.QualifiedName(), ncols: len(columns)}
		r = enc
	}
	c, err := t.pool.acquire(ctx)
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", tb.QualifiedName(), err)
	}
	tag, err := c.PgConn().CopyFrom(ctx, r, sql)
	t.pool.release(c, false)
	if rerr := rows.Err(); rerr != nil {
		return 0, fmt.Errorf("write %s: reading the rows failed: %w", tb.QualifiedName(), rerr)
	}
	if enc != nil && enc.err != nil && enc.err != io.EOF {
		return 0, fmt.Errorf("write %s: %w", tb.QualifiedName(), enc.err)
	}
	if err != nil {
		if connectionLost(err) {
			return 0, fmt.Errorf("write %s: %w", tb.QualifiedName(), lostConnection("writing table "+tb.QualifiedName()+" into the target", t.sanitize(err)))
		}
		return 0, fmt.Errorf("write %s: COPY FROM STDIN: %w", tb.QualifiedName(), describe(t.sanitize(err)))
	}
	return tag.RowsAffected(), nil
}

// MarkIncomplete comments the database as an unfinished clone.
func (t *Target) MarkIncomplete(ctx context.Context, note string) error {
	return t.comment(ctx, "dbtwin: INCOMPLETE clone, started "+time.Now().UTC().Format(time.RFC3339)+
		"; do not use it until it is marked complete", note)
}

// MarkComplete comments the database as a finished clone.
func (t *Target) MarkComplete(ctx context.Context, note string) error {
	return t.comment(ctx, "dbtwin: clone complete, finished "+time.Now().UTC().Format(time.RFC3339), note)
}

func (t *Target) comment(ctx context.Context, text, note string) error {
	if note = strings.TrimSpace(note); note != "" {
		text += ". " + note
	}
	err := t.pool.withConn(ctx, func(c *pgx.Conn) error {
		var dbname string
		if err := c.QueryRow(ctx, "SELECT current_database()").Scan(&dbname); err != nil {
			return err
		}
		_, err := c.Exec(ctx, "COMMENT ON DATABASE "+QuoteIdent(dbname)+" IS "+quoteLiteral(text))
		return err
	})
	if err != nil {
		return fmt.Errorf("mark target %s: %w", t.url.Redacted(), t.sanitize(err))
	}
	return nil
}

// Count returns the number of rows of a table in the target.
func (t *Target) Count(ctx context.Context, tb *dbtwin.Table) (int64, error) {
	var n int64
	err := t.pool.withConn(ctx, func(c *pgx.Conn) error {
		return c.QueryRow(ctx, "SELECT count(*) FROM "+fromTable(tb)).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("count rows of %s in the target: %w", tb.QualifiedName(), t.sanitize(err))
	}
	return n, nil
}
