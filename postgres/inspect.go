package postgres

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"github.com/dbtwin/dbtwin"
	"github.com/jackc/pgx/v5"
)

// userSchema is the SQL predicate (on a pg_namespace alias n) that keeps user
// schemas: not the system catalogs, TOAST or temporary schemas.
const userSchema = `n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
	AND n.nspname NOT LIKE 'pg\_temp\_%' AND n.nspname NOT LIKE 'pg\_toast\_temp\_%'`

// notExtensionMember is the predicate that drops objects an extension owns.
func notExtensionMember(catalog, oid string) string {
	return `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = '` + catalog +
		`'::regclass AND d.objid = ` + oid + ` AND d.deptype = 'e')`
}

// querier is what inspect needs: a session (usually inside a transaction).
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// inspect reads the schema through q. Run it inside a REPEATABLE READ
// transaction to see one consistent catalog.
func inspect(ctx context.Context, q querier) (*dbtwin.Schema, error) {
	s := &dbtwin.Schema{Engine: Engine}
	ins := &inspector{q: q, s: s, byOID: map[uint32]*dbtwin.Table{}, attnames: map[uint32]map[int]string{}}
	steps := []struct {
		what string
		f    func(context.Context) error
	}{
		{"enums", ins.enums},
		{"domains", ins.domains},
		{"tables", ins.tables},
		{"columns", ins.columns},
		{"keys", ins.keys},
		{"constraints", ins.constraints},
		{"sequences", ins.sequences},
	}
	for _, st := range steps {
		if err := st.f(ctx); err != nil {
			return nil, fmt.Errorf("inspect %s: %w", st.what, err)
		}
	}
	sort.SliceStable(s.Tables, func(i, j int) bool { return s.Tables[i].QualifiedName() < s.Tables[j].QualifiedName() })
	return s, nil
}

type inspector struct {
	q          querier
	s          *dbtwin.Schema
	oids       []uint32
	byOID      map[uint32]*dbtwin.Table
	enumLabels map[uint32][]string // enum type oid -> labels
	// domains maps a domain's oid to its base type and typmod.
	domBase map[uint32]domainBase
	// attnames maps table oid -> attribute number -> column name.
	attnames map[uint32]map[int]string
}

type domainBase struct {
	base   uint32
	typmod int32
}

func (in *inspector) enums(ctx context.Context) error {
	in.enumLabels = map[uint32][]string{}
	rows, err := in.q.Query(ctx, `
SELECT t.oid, n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[],
       (`+userSchema+` AND `+notExtensionMember("pg_catalog.pg_type", "t.oid")+`) AS user_type
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid
GROUP BY t.oid, n.nspname, t.typname
ORDER BY n.nspname, t.typname`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var oid uint32
		var e dbtwin.Enum
		var user bool
		if err := rows.Scan(&oid, &e.Schema, &e.Name, &e.Values, &user); err != nil {
			return err
		}
		in.enumLabels[oid] = e.Values
		if user {
			in.s.Enums = append(in.s.Enums, &dbtwin.Enum{Schema: e.Schema, Name: e.Name, Values: e.Values})
		}
	}
	return rows.Err()
}

func (in *inspector) domains(ctx context.Context) error {
	in.domBase = map[uint32]domainBase{}
	rows, err := in.q.Query(ctx, `
SELECT t.oid, n.nspname, t.typname, t.typbasetype, t.typtypmod,
       pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull,
       coalesce((SELECT array_agg(pg_catalog.pg_get_expr(c.conbin, 0) ORDER BY c.conname)
                 FROM pg_catalog.pg_constraint c WHERE c.contypid = t.oid AND c.contype = 'c'), '{}')::text[],
       (`+userSchema+` AND `+notExtensionMember("pg_catalog.pg_type", "t.oid")+`) AS user_type
FROM pg_catalog.pg_type t
JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd'
ORDER BY n.nspname, t.typname`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var oid, base uint32
		var typmod int32
		var user bool
		d := &dbtwin.Domain{}
		if err := rows.Scan(&oid, &d.Schema, &d.Name, &base, &typmod, &d.BaseType, &d.NotNull, &d.Checks, &user); err != nil {
			return err
		}
		in.domBase[oid] = domainBase{base: base, typmod: typmod}
		if user {
			in.s.Domains = append(in.s.Domains, d)
		}
	}
	return rows.Err()
}

func (in *inspector) tables(ctx context.Context) error {
	rows, err := in.q.Query(ctx, `
SELECT c.oid, n.nspname, c.relname, c.relkind = 'p', c.relispartition,
       coalesce((SELECT pn.nspname || '.' || pc.relname
                 FROM pg_catalog.pg_inherits i
                 JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
                 JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
                 WHERE i.inhrelid = c.oid LIMIT 1), ''),
       c.reltuples::float8, c.relpages
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND `+userSchema+`
  AND `+notExtensionMember("pg_catalog.pg_class", "c.oid")+`
ORDER BY n.nspname, c.relname`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var oid uint32
		var isPartition bool
		var parent string
		var reltuples float64
		var relpages int32
		t := &dbtwin.Table{}
		if err := rows.Scan(&oid, &t.Schema, &t.Name, &t.Partitioned, &isPartition, &parent, &reltuples, &relpages); err != nil {
			return err
		}
		if isPartition {
			t.PartitionOf = parent
		}
		t.RowEstimate = int64(reltuples)
		if reltuples < 0 {
			t.RowEstimate = -1 // never vacuumed or analyzed
		}
		in.s.Tables = append(in.s.Tables, t)
		in.byOID[oid] = t
		in.oids = append(in.oids, oid)
	}
	return rows.Err()
}

func (in *inspector) columns(ctx context.Context) error {
	type typeInfo struct {
		name     string
		typtype  byte
		category byte
	}
	types := map[uint32]typeInfo{}
	trows, err := in.q.Query(ctx, `
SELECT t.oid, t.typname, t.typtype::text, t.typcategory::text FROM pg_catalog.pg_type t
WHERE t.oid IN (SELECT a.atttypid FROM pg_catalog.pg_attribute a WHERE a.attrelid = ANY($1::oid[]))
   OR t.typtype = 'd' OR t.oid IN (SELECT typbasetype FROM pg_catalog.pg_type WHERE typtype = 'd')`, in.oids)
	if err != nil {
		return err
	}
	for trows.Next() {
		var oid uint32
		var name, typtype, cat string
		if err := trows.Scan(&oid, &name, &typtype, &cat); err != nil {
			trows.Close()
			return err
		}
		types[oid] = typeInfo{name: name, typtype: typtype[0], category: cat[0]}
	}
	trows.Close()
	if err := trows.Err(); err != nil {
		return err
	}

	rows, err := in.q.Query(ctx, `
SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypid, a.atttypmod,
       NOT a.attnotnull, coalesce(pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), ''),
       a.attidentity::text, a.attgenerated::text
FROM pg_catalog.pg_attribute a
LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`, in.oids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rel, typ uint32
		var attnum int16
		var typmod int32
		var expr, identity, generated string
		c := &dbtwin.Column{}
		if err := rows.Scan(&rel, &attnum, &c.Name, &c.Type, &typ, &typmod, &c.Nullable, &expr, &identity, &generated); err != nil {
			return err
		}
		// Resolve domains (possibly stacked) to their base type.
		for depth := 0; depth < 32; depth++ {
			d, ok := in.domBase[typ]
			if !ok {
				break
			}
			if typmod < 0 {
				typmod = d.typmod
			}
			typ = d.base
		}
		ti := types[typ]
		c.Kind = kindOf(ti.name, ti.typtype, ti.category)
		if c.Kind == dbtwin.KindEnum {
			c.EnumValues = in.enumLabels[typ]
		}
		c.MaxLength = lengthFromTypmod(ti.name, typmod)
		c.Precision, c.Scale = numericFromTypmod(ti.name, typmod)
		switch identity {
		case "a":
			c.Identity = "always"
		case "d":
			c.Identity = "by default"
		}
		if generated != "" {
			c.Generated = expr
		} else {
			c.Default = expr
		}
		if t := in.byOID[rel]; t != nil {
			t.Columns = append(t.Columns, c)
			if in.attnames[rel] == nil {
				in.attnames[rel] = map[int]string{}
			}
			in.attnames[rel][int(attnum)] = c.Name
		}
	}
	return rows.Err()
}

// varattno finds the column references in an index expression's node tree.
var varattno = regexp.MustCompile(`:varattno (\d+)`)

// splitNodeList splits the text form of a pg_node_tree list, "({...} {...})",
// into its top-level nodes.
func splitNodeList(tree string) []string {
	var out []string
	depth, start := 0, -1
	for i := 0; i < len(tree); i++ {
		switch tree[i] {
		case '{':
			if depth == 0 {
				start = i
			}
			depth++
		case '}':
			depth--
			if depth == 0 && start >= 0 {
				out = append(out, tree[start:i+1])
				start = -1
			}
		}
	}
	return out
}

// keys reads the primary key, unique constraints and unique indexes.
func (in *inspector) keys(ctx context.Context) error {
	rows, err := in.q.Query(ctx, `
SELECT i.indrelid, coalesce(con.conname, ic.relname), i.indisprimary, con.oid IS NOT NULL,
       ARRAY(SELECT CASE WHEN k.attnum = 0 THEN '' ELSE a.attname END
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
             LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
             WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)::text[],
       ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, true)
             FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
             WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)::text[],
       coalesce(i.indexprs::text, ''),
       coalesce(pg_catalog.pg_get_expr(i.indpred, i.indrelid, true), '')
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
LEFT JOIN pg_catalog.pg_constraint con
       ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u')
WHERE i.indisunique AND i.indrelid = ANY($1::oid[])
ORDER BY i.indrelid, i.indisprimary DESC, 2`, in.oids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rel uint32
		var cols, defs []string
		var exprTree, where string
		k := &dbtwin.Key{}
		if err := rows.Scan(&rel, &k.Name, &k.Primary, &k.Constraint, &cols, &defs, &exprTree, &where); err != nil {
			return err
		}
		t := in.byOID[rel]
		if t == nil {
			continue
		}
		seen := map[string]bool{}
		add := func(c string) {
			if c != "" && !seen[c] {
				seen[c] = true
				k.Columns = append(k.Columns, c)
			}
		}
		exprs := splitNodeList(exprTree)
		e := 0
		for i, c := range cols {
			if c != "" {
				add(c)
				continue
			}
			if i < len(defs) {
				k.Expressions = append(k.Expressions, defs[i])
			}
			if e < len(exprs) {
				for _, m := range varattno.FindAllStringSubmatch(exprs[e], -1) {
					n, _ := strconv.Atoi(m[1])
					add(in.attnames[rel][n])
				}
			}
			e++
		}
		if where != "" {
			k.Partial, k.Where = true, where
		}
		if k.Primary {
			t.PrimaryKey = k
		} else {
			t.Uniques = append(t.Uniques, k)
		}
	}
	return rows.Err()
}

// fkAction spells a pg_constraint action code the way SQL does.
func fkAction(code string) string {
	switch code {
	case "r":
		return "RESTRICT"
	case "c":
		return "CASCADE"
	case "n":
		return "SET NULL"
	case "d":
		return "SET DEFAULT"
	}
	return "NO ACTION"
}

// constraints reads foreign keys and CHECK constraints.
func (in *inspector) constraints(ctx context.Context) error {
	rows, err := in.q.Query(ctx, `
SELECT c.conrelid, c.conname, c.contype::text,
       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
             ORDER BY k.ord)::text[],
       coalesce(rn.nspname || '.' || rc.relname, ''),
       ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum
             ORDER BY k.ord)::text[],
       c.condeferrable, c.condeferred, c.confdeltype::text, c.confupdtype::text,
       CASE WHEN c.contype = 'c' THEN pg_catalog.pg_get_expr(c.conbin, c.conrelid, true) ELSE '' END
FROM pg_catalog.pg_constraint c
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = c.confrelid
LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
WHERE c.conrelid = ANY($1::oid[]) AND c.contype IN ('f', 'c')
ORDER BY c.conrelid, c.conname`, in.oids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rel uint32
		var name, typ, refTable, onDel, onUpd, expr string
		var cols, refCols []string
		var deferrable, deferred bool
		if err := rows.Scan(&rel, &name, &typ, &cols, &refTable, &refCols, &deferrable, &deferred, &onDel, &onUpd, &expr); err != nil {
			return err
		}
		t := in.byOID[rel]
		if t == nil {
			continue
		}
		switch typ {
		case "f":
			t.ForeignKeys = append(t.ForeignKeys, &dbtwin.ForeignKey{
				Name: name, Columns: cols, RefTable: refTable, RefColumns: refCols,
				Deferrable: deferrable, InitiallyDeferred: deferred,
				OnDelete: fkAction(onDel), OnUpdate: fkAction(onUpd),
			})
		case "c":
			t.Checks = append(t.Checks, &dbtwin.Check{Name: name, Expr: expr})
		}
	}
	return rows.Err()
}

// sequences reads user sequences and the column each one backs: the one it
// is OWNED BY, else the single column whose default draws from it.
func (in *inspector) sequences(ctx context.Context) error {
	rows, err := in.q.Query(ctx, `
SELECT n.nspname, c.relname,
       coalesce((SELECT tn.nspname || '.' || t.relname || '.' || a.attname
                 FROM pg_catalog.pg_depend d
                 JOIN pg_catalog.pg_class t ON t.oid = d.refobjid
                 JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
                 WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                   AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
                 LIMIT 1),
                -- else the one column (partitions aside) whose default uses it
                (SELECT min(tn.nspname || '.' || t.relname || '.' || a.attname)
                 FROM pg_catalog.pg_depend d
                 JOIN pg_catalog.pg_attrdef ad ON ad.oid = d.objid
                 JOIN pg_catalog.pg_class t ON t.oid = ad.adrelid
                 JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
                 WHERE d.classid = 'pg_catalog.pg_attrdef'::regclass AND d.refobjid = c.oid
                   AND d.refclassid = 'pg_catalog.pg_class'::regclass AND NOT t.relispartition
                 HAVING count(*) = 1), '')
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'S' AND `+userSchema+`
  AND `+notExtensionMember("pg_catalog.pg_class", "c.oid")+`
ORDER BY n.nspname, c.relname`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		sq := &dbtwin.Sequence{}
		if err := rows.Scan(&sq.Schema, &sq.Name, &sq.OwnedBy); err != nil {
			return err
		}
		in.s.Sequences = append(in.s.Sequences, sq)
	}
	return rows.Err()
}
