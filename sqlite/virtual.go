package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// How a virtual table's contents reach the twin. The virtual table itself
// is always created from its CREATE VIRTUAL TABLE text (which creates its
// shadow tables); then:
//
//   - copyRows: FTS3/4/5 tables that store their own content and R*Tree
//     tables are ordinary tables of the schema: their rows (with the rowid,
//     which applications join on) are read and inserted like any table's,
//     so masking, subsets, counts and the leak scan apply, and SQLite builds
//     the index in the twin. An FTS5 table's settings (its _config rows:
//     rank, automerge, pgsz…) are copied first.
//   - copyRebuild: an external-content FTS table (content='docs') indexes
//     another table, which is copied as itself; the index is rebuilt from
//     the twin's copy after the data ('rebuild'), so it matches the twin.
//   - copyShadow: a contentless FTS table (content=”) has no readable
//     content, only its index: its shadow tables are copied verbatim.
//   - copyVerbatim: a module this build of SQLite does not have (FTS3 and
//     FTS4 among them): the virtual table cannot be created nor read, and
//     its shadow tables look like ordinary tables, which are copied as such;
//     the virtual table's own schema entry is then written as it is in the
//     source (writable_schema), so the twin file works wherever the source
//     file does. Masking rules and subsets see only those shadow tables.
//
// Verification runs FTS 'integrity-check' and rtreecheck() on the twin.
const (
	copyRows = iota
	copyRebuild
	copyShadow
	copyVerbatim
)

// virtualTable is a virtual table of the source.
type virtualTable struct {
	name, module string // module in lower case
	mode         int
}

var createVirtual = regexp.MustCompile(`(?is)^\s*CREATE\s+VIRTUAL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?.+?\s+USING\s+([A-Za-z0-9_]+)\s*(?:\((.*)\))?\s*;?\s*$`)

// availableModules are the virtual table modules of the SQLite dbtwin is
// built with (modernc.org/sqlite: FTS5, R*Tree, Geopoly).
var availableModules = map[string]bool{"fts5": true, "rtree": true, "rtree_i32": true, "geopoly": true}

// parseVirtual reads a CREATE VIRTUAL TABLE text; ok is false for other text.
func parseVirtual(name, createSQL string) (vt *virtualTable, ok bool) {
	m := createVirtual.FindStringSubmatch(createSQL)
	if m == nil {
		return nil, false
	}
	vt = &virtualTable{name: name, module: strings.ToLower(m[1]), mode: copyRows}
	if !availableModules[vt.module] {
		vt.mode = copyVerbatim
		return vt, true
	}
	if !strings.HasPrefix(vt.module, "fts") {
		return vt, true
	}
	for _, arg := range splitArgs(m[2]) {
		k, v, found := strings.Cut(arg, "=")
		if !found || !strings.EqualFold(strings.TrimSpace(k), "content") {
			continue
		}
		if unquote(strings.TrimSpace(v)) == "" {
			vt.mode = copyShadow
		} else {
			vt.mode = copyRebuild
		}
	}
	return vt, true
}

// splitArgs splits module arguments at top-level commas.
func splitArgs(s string) []string {
	var out []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '[':
			quote = ']'
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"' || s[0] == '`' || s[0] == '[') {
		return s[1 : len(s)-1]
	}
	return s
}

// virtualTables reads the source's virtual tables from its schema objects.
func (st *sourceSchema) virtualTables() []*virtualTable {
	var out []*virtualTable
	for _, o := range st.objects {
		if o.typ != "table" {
			continue
		}
		if vt, ok := parseVirtual(o.name, o.sql); ok {
			out = append(out, vt)
		}
	}
	return out
}

// shadowsOf lists the shadow tables of a virtual table.
func (st *sourceSchema) shadowsOf(vt *virtualTable) []string {
	var out []string
	for _, o := range st.objects {
		if o.typ == "table" && st.shadow[o.name] && strings.HasPrefix(strings.ToLower(o.name), strings.ToLower(vt.name)+"_") {
			out = append(out, o.name)
		}
	}
	return out
}

// verbatimTables lists the shadow tables whose rows are copied as they are.
func (st *sourceSchema) verbatimTables() []string {
	var out []string
	for _, vt := range st.virtualTables() {
		switch {
		case vt.mode == copyShadow:
			out = append(out, st.shadowsOf(vt)...)
		case vt.mode == copyRows && vt.module == "fts5" && st.shadow[vt.name+"_config"]:
			out = append(out, vt.name+"_config")
		}
	}
	return out
}

// readVerbatim reads the rows of the verbatim shadow tables from the snapshot.
func (st *sourceSchema) readVerbatim(ctx context.Context, snap dbtwin.Snapshot) error {
	for _, table := range st.verbatimTables() {
		err := eachRow(ctx, snap, "SELECT * FROM "+QuoteIdent(table), func(_ []string, row dbtwin.Row, classes []StorageClass) {
			vals := make([]any, len(row))
			for i, f := range row {
				var class StorageClass
				if i < len(classes) {
					class = classes[i]
				}
				vals[i] = bindValue(f, AffinityBlob, class)
			}
			if st.verbatim == nil {
				st.verbatim = map[string][][]any{}
			}
			st.verbatim[table] = append(st.verbatim[table], vals)
		})
		if err != nil {
			return fmt.Errorf("read shadow table %s: %w", table, err)
		}
	}
	return nil
}

// copyVirtualState runs inside CreateSchema's transaction, after the tables
// exist: it writes the verbatim shadow rows (FTS5 settings, contentless FTS
// indexes) and the schema entries of virtual tables whose module this build
// lacks.
func (st *sourceSchema) copyVirtualState(ctx context.Context, c execer) error {
	for _, vt := range st.virtualTables() {
		if vt.mode == copyVerbatim {
			if err := writeSchemaEntry(ctx, c, st, vt); err != nil {
				return fmt.Errorf("virtual table %s (module %s): %w", vt.name, vt.module, err)
			}
		}
	}
	for _, table := range st.verbatimTables() {
		if _, err := c.ExecContext(ctx, "DELETE FROM "+QuoteIdent(table)); err != nil {
			return fmt.Errorf("copy shadow table %s: %w", table, err)
		}
		for _, vals := range st.verbatim[table] {
			marks := strings.TrimSuffix(strings.Repeat("?, ", len(vals)), ", ")
			if _, err := c.ExecContext(ctx, "INSERT INTO "+QuoteIdent(table)+" VALUES ("+marks+")", vals...); err != nil {
				return fmt.Errorf("copy shadow table %s: %w", table, err)
			}
		}
	}
	return nil
}

// writeSchemaEntry adds a virtual table's sqlite_master row as the source
// has it, for a module this build cannot load.
func writeSchemaEntry(ctx context.Context, c execer, st *sourceSchema, vt *virtualTable) error {
	var createSQL string
	for _, o := range st.objects {
		if o.typ == "table" && o.name == vt.name {
			createSQL = o.sql
		}
	}
	if _, err := c.ExecContext(ctx, "PRAGMA writable_schema=ON"); err != nil {
		return err
	}
	_, err := c.ExecContext(ctx, `INSERT INTO sqlite_master (type, name, tbl_name, rootpage, sql) VALUES ('table', ?, ?, 0, ?)`,
		vt.name, vt.name, createSQL)
	_, errOff := c.ExecContext(ctx, "PRAGMA writable_schema=OFF")
	if err != nil {
		return err
	}
	return errOff
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// rebuildVirtual rebuilds the index of external-content FTS tables from the
// twin's copy of their content table.
func (st *sourceSchema) rebuildVirtual(ctx context.Context, c execer) error {
	for _, vt := range st.virtualTables() {
		if vt.mode != copyRebuild {
			continue
		}
		q := fmt.Sprintf("INSERT INTO %s(%s) VALUES ('rebuild')", QuoteIdent(vt.name), QuoteIdent(vt.name))
		if _, err := c.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild the full-text index %s from its content table: %w", vt.name, err)
		}
	}
	return nil
}

// virtualTable builds the model of a virtual table copied row by row: its
// visible columns (FTS columns as TEXT), with the rowid first for FTS
// tables (an R*Tree's first column is its rowid) as the primary key.
func (in *inspector) virtualTable(ctx context.Context, vt *virtualTable) (*dbtwin.Table, error) {
	t := &dbtwin.Table{Name: vt.name, RowEstimate: -1}
	fts := strings.HasPrefix(vt.module, "fts")
	if fts {
		t.Columns = append(t.Columns, &dbtwin.Column{Name: "rowid", Type: "INTEGER", Kind: KindOf("INTEGER")})
	}
	var (
		cid, notnull, pk, hidden int
		name, typ, dflt          *string
	)
	err := queryAll(ctx, in.q, `SELECT cid, name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?)`,
		[]any{vt.name}, []any{&cid, &name, &typ, &notnull, &dflt, &pk, &hidden}, func() error {
			if hidden != 0 || name == nil {
				return nil
			}
			declared := ""
			if typ != nil {
				declared = *typ
			}
			if fts {
				declared = "TEXT"
			}
			t.Columns = append(t.Columns, &dbtwin.Column{Name: *name, Type: declared, Kind: KindOf(declared), Nullable: true})
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("PRAGMA table_xinfo of virtual table %s: %w", vt.name, err)
	}
	if len(t.Columns) == 0 {
		return nil, fmt.Errorf("virtual table %s has no columns", vt.name)
	}
	t.Columns[0].Nullable = false
	t.PrimaryKey = &dbtwin.Key{Name: vt.name + "_pkey", Columns: []string{t.Columns[0].Name}, Primary: true}
	return t, nil
}

// verifyVirtual checks the twin's full-text and R*Tree indexes.
func verifyVirtual(ctx context.Context, q querier, c execer, v *dbtwin.Verification) error {
	var name, text string
	var vts []*virtualTable
	err := queryAll(ctx, q, `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'`, nil,
		[]any{&name, &text}, func() error {
			if vt, ok := parseVirtual(name, text); ok {
				vts = append(vts, vt)
			}
			return nil
		})
	if err != nil {
		return err
	}
	for _, vt := range vts {
		switch {
		case vt.mode == copyVerbatim:
		case strings.HasPrefix(vt.module, "fts"):
			q := fmt.Sprintf("INSERT INTO %s(%s) VALUES ('integrity-check')", QuoteIdent(vt.name), QuoteIdent(vt.name))
			if _, err := c.ExecContext(ctx, q); err != nil {
				v.InvalidConstraints = append(v.InvalidConstraints, fmt.Sprintf("full-text index %s: %v", vt.name, err))
			}
		case strings.HasPrefix(vt.module, "rtree"):
			var res string
			err := queryAll(ctx, q, `SELECT rtreecheck(?)`, []any{vt.name}, []any{&res}, func() error { return nil })
			if err != nil || res != "ok" {
				v.InvalidConstraints = append(v.InvalidConstraints, fmt.Sprintf("R*Tree index %s: %s%v", vt.name, strings.TrimSpace(res), errOrEmpty(err)))
			}
		}
	}
	return nil
}

func errOrEmpty(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
