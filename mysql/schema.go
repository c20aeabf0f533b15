package mysql

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// tableDef is a CREATE TABLE statement split for a fast load: the table
// without its secondary indexes and foreign keys, and those as ALTER TABLE
// clauses to run after the data.
type tableDef struct {
	Name    string   `json:"name"`
	Create  string   `json:"create"`
	Indexes []string `json:"indexes,omitempty"` // "ADD UNIQUE KEY `x` (`a`)", …
	FKs     []string `json:"fks,omitempty"`     // "ADD CONSTRAINT `fk` FOREIGN KEY …"
}

// splitCreateTable splits SHOW CREATE TABLE's output (one definition per
// line, as the server prints it). A key the table's AUTO_INCREMENT column
// needs (the first key on it) stays in the table.
func splitCreateTable(name, create string, autoInc string) tableDef {
	def := tableDef{Name: name}
	lines := strings.Split(create, "\n")
	var keep []string
	autoKept := autoInc == ""
	for i, line := range lines {
		trim := strings.TrimSpace(line)
		inner := i > 0 && i < len(lines)-1
		clause := strings.TrimSuffix(trim, ",")
		switch {
		case inner && strings.HasPrefix(trim, "CONSTRAINT ") && strings.Contains(trim, " FOREIGN KEY "):
			def.FKs = append(def.FKs, "ADD "+clause)
			continue
		case inner && isSecondaryKey(trim):
			if !autoKept && firstKeyColumn(trim) == autoInc {
				autoKept = true
				break
			}
			def.Indexes = append(def.Indexes, "ADD "+clause)
			continue
		case inner && strings.HasPrefix(trim, "PRIMARY KEY") && firstKeyColumn(trim) == autoInc:
			autoKept = true
		}
		keep = append(keep, line)
	}
	// The definition before the closing line must not end with a comma.
	for i := len(keep) - 2; i >= 1; i-- {
		if strings.HasPrefix(strings.TrimSpace(keep[i+1]), ")") {
			keep[i] = strings.TrimSuffix(keep[i], ",")
			break
		}
	}
	def.Create = strings.Join(keep, "\n")
	return def
}

func isSecondaryKey(line string) bool {
	for _, p := range []string{"KEY ", "UNIQUE KEY ", "FULLTEXT KEY ", "SPATIAL KEY ", "INDEX ", "UNIQUE INDEX "} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

var keyColumn = regexp.MustCompile("\\(`((?:[^`]|``)+)`")

func firstKeyColumn(line string) string {
	m := keyColumn.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], "``", "`")
}

// definer matches a DEFINER clause, dropped so the twin's objects belong to
// the account that creates them.
var definer = regexp.MustCompile("\\s*DEFINER\\s*=\\s*(`(?:[^`]|``)*`|'[^']*'|[^\\s@]+)@(`(?:[^`]|``)*`|'[^']*'|[^\\s]+)")

func stripDefiner(s string) string { return definer.ReplaceAllString(s, "") }

// CreateSchema creates the source snapshot's tables in the target, without
// secondary indexes and foreign keys (loading into bare tables is faster).
// Table options, character sets and collations, AUTO_INCREMENT counters,
// CHECK constraints, generated columns and partitioning come as SHOW CREATE
// TABLE prints them. The returned PostData adds the indexes, then the
// foreign keys, then views, routines, triggers and events (events created
// disabled: a twin does not run production's scheduled jobs).
func (t *Target) CreateSchema(ctx context.Context, src dbtwin.Source, snap dbtwin.Snapshot) (dbtwin.PostData, error) {
	if src == nil || src.Engine() != Engine {
		engine := "unknown"
		if src != nil {
			engine = src.Engine()
		}
		return nil, fmt.Errorf("%w: MySQL target %s: cloning a %s source into MySQL is not supported", dbtwin.ErrUsage, t.url.Redacted(), engine)
	}
	a, errA := src.Identity(ctx)
	b, errB := t.Identity(ctx)
	if errA == nil && errB == nil && a == b {
		return nil, fmt.Errorf("%w: MySQL target %s is the source itself: choose another database", dbtwin.ErrUsage, t.url.Redacted())
	}
	s, ok := src.(*Source)
	if !ok {
		// A snapshot file (dbtwin snapshot restore) carries its schema.
		exp, ok := src.(dbtwin.SchemaExporter)
		if !ok {
			return nil, fmt.Errorf("MySQL target %s: the source cannot give its schema", t.url.Redacted())
		}
		dump, err := exp.ExportSchema(ctx, snap)
		if err != nil {
			return nil, err
		}
		return t.ImportSchema(ctx, dump)
	}
	defs, err := readSchema(ctx, snap, s.name)
	if err != nil {
		return nil, fmt.Errorf("MySQL target %s: %w", t.url.Redacted(), err)
	}
	return t.createTables(ctx, defs)
}

// schemaDefs is what CreateSchema copies: the split table definitions and
// the objects created after the data.
type schemaDefs struct {
	Tables  []tableDef `json:"tables"`
	Objects []object   `json:"objects"`
}

// readSchema reads, in the snapshot, every table's definition and the
// views, routines, triggers and events. References qualified with the
// source database's name (srcName) are unqualified.
func readSchema(ctx context.Context, snap dbtwin.Snapshot, srcName string) (*schemaDefs, error) {
	defs := &schemaDefs{}
	for _, tb := range snap.Schema().Tables {
		create, err := showCreate(ctx, snap, "SHOW CREATE TABLE "+QuoteIdent(tb.Name), 1)
		if err != nil {
			return nil, fmt.Errorf("read the definition of table %s: %w", tb.Name, err)
		}
		auto := ""
		for _, c := range tb.Columns {
			if c.Identity != "" {
				auto = c.Name
			}
		}
		defs.Tables = append(defs.Tables, splitCreateTable(tb.Name, create, auto))
	}
	p := &postData{srcName: srcName}
	if err := p.readObjects(ctx, snap); err != nil {
		return nil, err
	}
	defs.Objects = p.objects
	return defs, nil
}

// createTables creates the bare tables and returns the rest as PostData.
func (t *Target) createTables(ctx context.Context, defs *schemaDefs) (dbtwin.PostData, error) {
	for _, def := range defs.Tables {
		if _, err := t.pool.ExecContext(ctx, def.Create); err != nil {
			return nil, fmt.Errorf("MySQL target %s: create table %s: %w", t.url.Redacted(), def.Name, t.sanitize(err))
		}
	}
	return &postData{t: t, tables: defs.Tables, objects: defs.Objects}, nil
}

// showCreate runs a SHOW CREATE statement in the snapshot and returns the
// given column of its one row.
func showCreate(ctx context.Context, snap dbtwin.Snapshot, q string, col int) (string, error) {
	rows, err := showQuery(ctx, snap, q)
	if err != nil {
		return "", err
	}
	if len(rows) == 0 {
		return "", fmt.Errorf("%s returned nothing", q)
	}
	if col >= len(rows[0]) || rows[0][col] == "" {
		return "", fmt.Errorf("%s: the definition is hidden: the account needs the privileges the README lists", q)
	}
	return rows[0][col], nil
}

// showQuery runs a statement in the snapshot with the session's sql_mode
// without ANSI_QUOTES (source sessions have it), so definitions come out
// quoted with backticks as the target's sessions read them.
func showQuery(ctx context.Context, snap dbtwin.Snapshot, q string) ([][]string, error) {
	s, ok := snap.(*snapshot)
	if !ok {
		return nil, fmt.Errorf("%s: the snapshot is not a MySQL snapshot", q)
	}
	c, err := s.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer s.release(c)
	if _, err := c.ExecContext(ctx, "SET @dbtwin_mode = @@SESSION.sql_mode, SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'ANSI_QUOTES', '')"); err != nil {
		return nil, err
	}
	defer c.ExecContext(context.Background(), "SET SESSION sql_mode = @dbtwin_mode")
	rows, err := c.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	raw := make([]sql.NullString, len(cols))
	dest := make([]any, len(cols))
	for i := range raw {
		dest[i] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r := make([]string, len(cols))
		for i, v := range raw {
			r[i] = v.String
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// object is a view, routine, trigger or event to create after the data.
type object struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	SQLMode string `json:"sql_mode,omitempty"`
	Create  string `json:"create"`
}

type postData struct {
	t       *Target
	srcName string
	tables  []tableDef
	objects []object
}

// readObjects reads, in the snapshot, the definitions of views, routines,
// triggers and events.
func (p *postData) readObjects(ctx context.Context, snap dbtwin.Snapshot) error {
	list := func(q string) ([][]string, error) { return showQuery(ctx, snap, q) }
	type kind struct {
		kind, list, show string
		sqlModeCol, col  int
	}
	kinds := []kind{
		{"VIEW", "SELECT TABLE_NAME FROM information_schema.VIEWS WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME", "SHOW CREATE VIEW ", -1, 1},
		{"FUNCTION", "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_TYPE = 'FUNCTION' ORDER BY 1", "SHOW CREATE FUNCTION ", 1, 2},
		{"PROCEDURE", "SELECT ROUTINE_NAME FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_TYPE = 'PROCEDURE' ORDER BY 1", "SHOW CREATE PROCEDURE ", 1, 2},
		{"TRIGGER", "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER", "SHOW CREATE TRIGGER ", 1, 2},
		{"EVENT", "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = DATABASE() ORDER BY 1", "SHOW CREATE EVENT ", 1, 3},
	}
	for _, k := range kinds {
		names, err := list(k.list)
		if err != nil {
			return fmt.Errorf("list %ss: %w", strings.ToLower(k.kind), err)
		}
		for _, n := range names {
			rows, err := list(k.show + QuoteIdent(n[0]))
			if err != nil {
				return fmt.Errorf("read %s %s: %w", strings.ToLower(k.kind), n[0], err)
			}
			if len(rows) == 0 || len(rows[0]) <= k.col || rows[0][k.col] == "" {
				return fmt.Errorf("read %s %s: the definition is hidden: the account needs the privileges the README lists", strings.ToLower(k.kind), n[0])
			}
			o := object{Kind: k.kind, Name: n[0], Create: stripDefiner(rows[0][k.col])}
			if k.sqlModeCol >= 0 {
				o.SQLMode = rows[0][k.sqlModeCol]
			}
			if p.srcName != "" {
				o.Create = strings.ReplaceAll(o.Create, QuoteIdent(p.srcName)+".", "")
			}
			p.objects = append(p.objects, o)
		}
	}
	return nil
}

// Apply adds indexes (tables in parallel, up to the target's writers), then
// foreign keys (unchecked: Verify counts dangling rows), then the other
// objects in order; views that read other views are retried until every
// one exists.
func (p *postData) Apply(ctx context.Context) error {
	t := p.t
	if err := p.parallel(ctx, func(d tableDef) []string { return d.Indexes }); err != nil {
		return err
	}
	if err := p.parallel(ctx, func(d tableDef) []string { return d.FKs }); err != nil {
		return err
	}
	c, err := t.pool.Conn(ctx)
	if err != nil {
		return t.connErr(err)
	}
	defer c.Close()
	// Routines set their own sql_mode: put the session's back for the pool.
	defer c.ExecContext(context.Background(), "SET SESSION sql_mode = "+quoteLiteral(targetSQLMode))
	pending := p.objects
	for len(pending) > 0 {
		var retry []object
		var lastErr error
		for _, o := range pending {
			if o.SQLMode != "" {
				if _, err := c.ExecContext(ctx, "SET SESSION sql_mode = "+quoteLiteral(o.SQLMode)); err != nil {
					return fmt.Errorf("create %s %s: set its sql_mode: %w", strings.ToLower(o.Kind), o.Name, t.sanitize(err))
				}
			}
			_, err := c.ExecContext(ctx, o.Create)
			if err == nil && o.Kind == "EVENT" {
				_, err = c.ExecContext(ctx, "ALTER EVENT "+QuoteIdent(o.Name)+" DISABLE")
			}
			if err != nil {
				if o.Kind == "VIEW" {
					retry = append(retry, o)
					lastErr = fmt.Errorf("create view %s: %w", o.Name, t.sanitize(err))
					continue
				}
				return fmt.Errorf("create %s %s in the MySQL target: %w", strings.ToLower(o.Kind), o.Name, t.sanitize(err))
			}
		}
		if len(retry) == len(pending) {
			return lastErr
		}
		pending = retry
	}
	return nil
}

// parallel runs each table's ALTER TABLE (all clauses in one statement).
func (p *postData) parallel(ctx context.Context, clauses func(tableDef) []string) error {
	sem := make(chan struct{}, p.t.writers)
	errs := make(chan error, len(p.tables))
	for _, d := range p.tables {
		cl := clauses(d)
		if len(cl) == 0 {
			continue
		}
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			q := "ALTER TABLE " + QuoteIdent(d.Name) + " " + strings.Join(cl, ", ")
			if _, err := p.t.pool.ExecContext(ctx, q); err != nil {
				errs <- fmt.Errorf("MySQL target: table %s: %s: %w", d.Name, abbreviate(q), p.t.sanitize(err))
			}
		}()
	}
	for range cap(sem) {
		sem <- struct{}{}
	}
	close(errs)
	return <-errs
}
