package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// schemaObject is one row of the source's sqlite_master.
type schemaObject struct{ typ, name, table, sql string }

// loadPragmas are set on the partial file for fast loading: no journal (a
// failed load is thrown away whole), no fsync until MarkComplete, no
// foreign key checks (Verify does them at the end), a 128 MiB page cache.
var loadPragmas = []string{
	"PRAGMA journal_mode=OFF",
	"PRAGMA synchronous=OFF",
	"PRAGMA foreign_keys=OFF",
	"PRAGMA cache_size=-131072",
	"PRAGMA locking_mode=EXCLUSIVE",
}

// CreateSchema creates the partial file (removing a stale one) and in it
// the source's tables, from the CREATE TABLE texts of its sqlite_master in
// creation (rowid) order; the file format settings (page size, auto-vacuum,
// text encoding) and the user_version and application_id headers are copied
// too. The returned PostData creates indexes, views and triggers after the
// data, sets the AUTOINCREMENT counters to the source's values and runs
// ANALYZE if the source had statistics.
//
// Virtual tables are created (with their shadow tables) and their contents
// copied as virtual.go describes. Only a SQLite source can be cloned into a SQLite target.
func (t *Target) CreateSchema(ctx context.Context, src dbtwin.Source, snap dbtwin.Snapshot) (dbtwin.PostData, error) {
	if src == nil || src.Engine() != Engine {
		engine := "unknown"
		if src != nil {
			engine = src.Engine()
		}
		return nil, fmt.Errorf("%w: SQLite target %s: cloning a %s source into SQLite is not supported: use a SQLite source, or a %s target",
			dbtwin.ErrUsage, t.path, engine, engine)
	}
	if id, err := src.Identity(ctx); err == nil && id == identity(t.path) {
		return nil, fmt.Errorf("%w: SQLite target %s is the source file itself: choose another target path", dbtwin.ErrUsage, t.path)
	}
	ex, ok := src.(dbtwin.SchemaExporter)
	if !ok {
		return nil, fmt.Errorf("%w: SQLite target %s: the source cannot export its schema", dbtwin.ErrUsage, t.path)
	}
	dump, err := ex.ExportSchema(ctx, snap)
	if err != nil {
		return nil, fmt.Errorf("SQLite target %s: read the source's schema: %w", t.path, err)
	}
	return t.ImportSchema(ctx, dump)
}

// createSchema creates the partial file and the tables of st in it.
func (t *Target) createSchema(ctx context.Context, st *sourceSchema) (dbtwin.PostData, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn != nil || t.completed {
		return nil, fmt.Errorf("SQLite target %s: CreateSchema called twice", t.path)
	}
	if !t.reset {
		if err := t.refuseNonEmpty(ctx); err != nil {
			return nil, err
		}
	}
	if err := removePartial(t.partial); err != nil {
		return nil, fmt.Errorf("SQLite target %s: remove the stale partial file: %w", t.path, err)
	}
	db, err := sql.Open("sqlite", uriPath(t.partial)+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, fmt.Errorf("SQLite target %s: create %s: %w", t.path, t.partial, err)
	}
	db.SetMaxOpenConns(1)
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("SQLite target %s: create %s: %w: is its directory writable?", t.path, t.partial, err)
	}
	t.db, t.conn = db, conn
	fail := func(err error) (dbtwin.PostData, error) {
		_ = t.closeDB()
		_ = removePartial(t.partial)
		return nil, fmt.Errorf("SQLite target %s: %w", t.path, diskFull(t.path, err))
	}
	for _, p := range append(st.formatPragmas(), loadPragmas...) {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return fail(fmt.Errorf("%s: %w", p, err))
		}
	}
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return fail(err)
	}
	for _, o := range st.objects {
		if o.typ != "table" || isInternal(o.name) || st.shadow[o.name] {
			continue
		}
		if vt, ok := parseVirtual(o.name, o.sql); ok && vt.mode == copyVerbatim {
			continue // its schema entry is written by copyVirtualState
		}
		if _, err := conn.ExecContext(ctx, o.sql); err != nil {
			_, _ = conn.ExecContext(ctx, "ROLLBACK")
			return fail(fmt.Errorf("create table %s: %w (statement: %s)", o.name, err, abbreviate(o.sql)))
		}
	}
	if err := st.copyVirtualState(ctx, conn); err != nil {
		_, _ = conn.ExecContext(ctx, "ROLLBACK")
		return fail(err)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fail(err)
	}
	return &postData{t: t, st: st}, nil
}

func isInternal(name string) bool { return strings.HasPrefix(strings.ToLower(name), "sqlite_") }

// sourceSchema is what CreateSchema and PostData take from the source.
type sourceSchema struct {
	objects []schemaObject
	shadow  map[string]bool // shadow tables of virtual tables
	pragmas map[string]string
	seq     [][2]any // sqlite_sequence rows, bound
	stat    bool     // the source has sqlite_stat1
	// verbatim holds the rows of the shadow tables copied as they are
	// (virtual.go), bound, per table.
	verbatim map[string][][]any
}

func readSourceSchema(ctx context.Context, snap dbtwin.Snapshot) (*sourceSchema, error) {
	st := &sourceSchema{shadow: map[string]bool{}, pragmas: map[string]string{}}
	err := eachRow(ctx, snap, `SELECT type, name, tbl_name, sql FROM sqlite_master
		WHERE sql IS NOT NULL ORDER BY rowid`, func(f []string, _ dbtwin.Row, _ []StorageClass) {
		st.objects = append(st.objects, schemaObject{f[0], f[1], f[2], f[3]})
	})
	if err != nil {
		return nil, err
	}
	// PRAGMA table_list exists from SQLite 3.37; without it, no shadow tables are known.
	_ = eachRow(ctx, snap, `SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'`,
		func(f []string, _ dbtwin.Row, _ []StorageClass) { st.shadow[f[0]] = true })
	for _, p := range []string{"page_size", "auto_vacuum", "encoding", "user_version", "application_id"} {
		err := eachRow(ctx, snap, "PRAGMA "+p, func(f []string, _ dbtwin.Row, _ []StorageClass) { st.pragmas[p] = f[0] })
		if err != nil {
			return nil, err
		}
	}
	if err := st.readVerbatim(ctx, snap); err != nil {
		return nil, err
	}
	for _, o := range st.objects {
		switch o.name {
		case "sqlite_stat1":
			st.stat = true
		case "sqlite_sequence":
			err := eachRow(ctx, snap, `SELECT name, seq FROM sqlite_sequence ORDER BY rowid`,
				func(f []string, row dbtwin.Row, classes []StorageClass) {
					var c StorageClass
					if len(classes) > 1 {
						c = classes[1]
					}
					st.seq = append(st.seq, [2]any{f[0], bindValue(row[1], AffinityNumeric, c)})
				})
			if err != nil {
				return nil, err
			}
		}
	}
	return st, nil
}

// formatPragmas returns the settings that must precede the first table.
func (st *sourceSchema) formatPragmas() []string {
	var out []string
	if v := st.pragmas["page_size"]; v != "" {
		out = append(out, "PRAGMA page_size="+v)
	}
	if v := st.pragmas["auto_vacuum"]; v != "" {
		out = append(out, "PRAGMA auto_vacuum="+v)
	}
	if v := st.pragmas["encoding"]; v != "" {
		out = append(out, "PRAGMA encoding='"+strings.ReplaceAll(v, "'", "''")+"'")
	}
	for _, p := range []string{"user_version", "application_id"} {
		if v := st.pragmas[p]; v != "" && v != "0" {
			out = append(out, "PRAGMA "+p+"="+v)
		}
	}
	return out
}

// eachRow runs a query on the snapshot and hands fn each row as strings
// (NULL as ""), as raw fields, and with storage classes when known.
func eachRow(ctx context.Context, snap dbtwin.Snapshot, query string, fn func([]string, dbtwin.Row, []StorageClass)) error {
	rows, err := snap.Query(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	classed, _ := rows.(ClassedRows)
	for rows.Next() {
		row := rows.Row()
		f := make([]string, len(row))
		for i, v := range row {
			f[i] = string(v)
		}
		var classes []StorageClass
		if classed != nil {
			classes = classed.StorageClasses()
		}
		fn(f, row, classes)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// postData finishes the twin after the data is loaded.
type postData struct {
	t       *Target
	st      *sourceSchema
	applied bool
}

// Apply creates the indexes, then the views, then the triggers (each in
// the source's creation order), copies the sqlite_sequence rows so every
// AUTOINCREMENT counter ends where the source's is, and runs ANALYZE if the
// source had statistics.
func (p *postData) Apply(ctx context.Context) error {
	t := p.t
	t.mu.Lock()
	defer t.mu.Unlock()
	if p.applied {
		return nil
	}
	if t.conn == nil {
		return fmt.Errorf("SQLite target %s: post-data step after the target was closed", t.path)
	}
	c := t.conn
	if _, err := c.ExecContext(ctx, "BEGIN"); err != nil {
		return fmt.Errorf("SQLite target %s: %w", t.path, diskFull(t.path, err))
	}
	if err := p.apply(ctx, c); err != nil {
		_, _ = c.ExecContext(context.Background(), "ROLLBACK")
		return fmt.Errorf("SQLite target %s: %w", t.path, diskFull(t.path, err))
	}
	if _, err := c.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("SQLite target %s: %w", t.path, diskFull(t.path, err))
	}
	if p.st.stat {
		if _, err := c.ExecContext(ctx, "ANALYZE"); err != nil {
			return fmt.Errorf("SQLite target %s: ANALYZE: %w", t.path, err)
		}
	}
	p.applied = true
	return nil
}

func (p *postData) apply(ctx context.Context, c *sql.Conn) error {
	for _, typ := range []string{"index", "view", "trigger"} {
		for _, o := range p.st.objects {
			if o.typ != typ || p.st.shadow[o.table] || (typ == "index" && isInternal(o.name)) {
				continue
			}
			if _, err := c.ExecContext(ctx, o.sql); err != nil {
				hint := ""
				if typ == "index" && strings.Contains(strings.ToUpper(o.sql), "UNIQUE") {
					hint = ": the loaded rows break the index's uniqueness (did masking map two values to one?)"
				}
				return fmt.Errorf("create %s %s on %s: %w%s (statement: %s)", typ, o.name, o.table, err, hint, abbreviate(o.sql))
			}
		}
	}
	if err := p.st.rebuildVirtual(ctx, c); err != nil {
		return err
	}
	if len(p.st.seq) == 0 {
		return nil
	}
	if _, err := c.ExecContext(ctx, "DELETE FROM sqlite_sequence"); err != nil {
		return fmt.Errorf("reset sqlite_sequence: %w", err)
	}
	for _, r := range p.st.seq {
		if _, err := c.ExecContext(ctx, "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", r[0], r[1]); err != nil {
			return fmt.Errorf("set the AUTOINCREMENT counter of %v: %w", r[0], err)
		}
	}
	return nil
}
