package dbtwin

import (
	"fmt"
	"sort"
	"strings"
)

// Schema is the engine-neutral description of a database: what every other
// part of dbtwin (cloning, masking, subsetting, scanning, checking) reads.
type Schema struct {
	// Engine is "postgres", "sqlite" or "mysql".
	Engine    string
	Tables    []*Table
	Sequences []*Sequence
	Enums     []*Enum
	Domains   []*Domain
}

// Table is a base table or a partitioned table (views are not tables).
type Table struct {
	// Schema is the namespace ("public"); empty for SQLite.
	Schema string
	Name   string
	// Columns in ordinal order.
	Columns []*Column
	// PrimaryKey is nil for a table without one.
	PrimaryKey *Key
	// Uniques lists unique constraints and unique indexes (not the primary key).
	Uniques     []*Key
	ForeignKeys []*ForeignKey
	Checks      []*Check
	// Partitioned is true for a partitioned (parent) table, whose rows live in
	// its partitions.
	Partitioned bool
	// PartitionOf is the qualified name of the parent when this table is a
	// partition.
	PartitionOf string
	// RowEstimate is the engine's estimate of the row count (-1 if unknown).
	RowEstimate int64
}

// Column is one column of a table.
type Column struct {
	Name string
	// Type is the type as the engine spells it (e.g. "character varying(40)").
	Type string
	// Kind is the neutral classification of Type.
	Kind     Kind
	Nullable bool
	// Default is the default expression, empty if none.
	Default string
	// Identity is "", "always" or "by default".
	Identity string
	// Generated is the generation expression of a generated (computed) column.
	Generated string
	// MaxLength is the declared character length limit (0 = unlimited).
	MaxLength int
	// Precision and Scale are set for numeric types that declare them.
	Precision, Scale int
	// EnumValues lists the labels when the column's type is an enum.
	EnumValues []string
}

// Key is a primary key, a unique constraint or a unique index.
type Key struct {
	Name string
	// Columns lists the plain columns of the key, in order. For an expression
	// index, the columns the expressions read.
	Columns []string
	// Expressions holds the index expressions in key order, e.g. "lower(email)";
	// empty for a plain column key.
	Expressions []string
	// Partial is true for a unique index with a WHERE predicate (Where).
	Partial bool
	Where   string
	// Primary is true for the primary key.
	Primary bool
	// Constraint is true for a declared constraint, false for a bare index.
	Constraint bool
}

// ForeignKey is a declared reference from Columns of a table to RefColumns of
// RefTable (a qualified name).
type ForeignKey struct {
	Name              string
	Columns           []string
	RefTable          string
	RefColumns        []string
	Deferrable        bool
	InitiallyDeferred bool
	OnDelete          string
	OnUpdate          string
}

// Check is a CHECK constraint.
type Check struct {
	Name string
	Expr string
}

// Sequence is a sequence; OwnedBy is "table.column" when it backs a column.
type Sequence struct {
	Schema  string
	Name    string
	OwnedBy string
}

// Enum is an enumerated type.
type Enum struct {
	Schema string
	Name   string
	Values []string
}

// Domain is a domain type over BaseType.
type Domain struct {
	Schema   string
	Name     string
	BaseType string
	NotNull  bool
	Checks   []string
}

// Relation links columns of one table to columns of another. Declared
// relations come from foreign keys; others from configuration or discovery.
type Relation struct {
	FromTable   string
	FromColumns []string
	ToTable     string
	ToColumns   []string
	// Declared is true for a foreign key the database declares.
	Declared bool
	// Kind is "fk" (To is a key the From side points at) or "value" (two
	// non-key columns sharing values).
	Kind string
}

// Kind classifies column types across engines.
type Kind int

// Column kinds.
const (
	KindOther Kind = iota
	KindText
	KindInt
	KindFloat
	KindNumeric
	KindBool
	KindDate
	KindTime
	KindTimestamp
	KindTimestampTZ
	KindInterval
	KindJSON
	KindUUID
	KindBytes
	KindArray
	KindEnum
)

var kindNames = [...]string{"other", "text", "int", "float", "numeric", "bool", "date", "time",
	"timestamp", "timestamptz", "interval", "json", "uuid", "bytes", "array", "enum"}

// String returns the kind's lower-case name.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// QualifiedName returns "schema.name", or just the name when there is no schema.
func (t *Table) QualifiedName() string {
	if t.Schema == "" {
		return t.Name
	}
	return t.Schema + "." + t.Name
}

// String returns the qualified name.
func (t *Table) String() string { return t.QualifiedName() }

// Column returns the named column, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// CopyColumns returns the columns whose values are copied: all but generated ones.
func (t *Table) CopyColumns() []*Column {
	out := make([]*Column, 0, len(t.Columns))
	for _, c := range t.Columns {
		if c.Generated == "" {
			out = append(out, c)
		}
	}
	return out
}

// HasRows reports whether the table itself stores rows (a partitioned parent does not).
func (t *Table) HasRows() bool { return !t.Partitioned }

// UniqueKeys returns the primary key (if any) followed by the unique keys.
func (t *Table) UniqueKeys() []*Key {
	var out []*Key
	if t.PrimaryKey != nil {
		out = append(out, t.PrimaryKey)
	}
	return append(out, t.Uniques...)
}

// IsUnique reports whether the column is, on its own, covered by a unique key
// (a single-column key, or a single expression over only that column).
func (t *Table) IsUnique(column string) bool {
	for _, k := range t.UniqueKeys() {
		if len(k.Columns) == 1 && k.Columns[0] == column && len(k.Expressions) <= 1 {
			return true
		}
	}
	return false
}

// InUniqueKey reports whether the column takes part in any unique key,
// single or composite, plain or expression, partial or not.
func (t *Table) InUniqueKey(column string) bool {
	for _, k := range t.UniqueKeys() {
		for _, c := range k.Columns {
			if c == column {
				return true
			}
		}
	}
	return false
}

// IsSurrogateKey reports whether column is an integer or UUID column of the
// primary key or of a foreign key: "customer_id" names a person but holds no
// personal data.
func (t *Table) IsSurrogateKey(column string) bool {
	c := t.Column(column)
	if c == nil || (c.Kind != KindInt && c.Kind != KindUUID) {
		return false
	}
	if t.PrimaryKey != nil {
		for _, k := range t.PrimaryKey.Columns {
			if k == column {
				return true
			}
		}
	}
	for _, fk := range t.ForeignKeys {
		for _, k := range fk.Columns {
			if k == column {
				return true
			}
		}
	}
	return false
}

// Table returns the table with the given name: qualified ("public.users"), or
// unqualified when only one schema has a table of that name. Matching is exact
// first, then case-insensitive.
func (s *Schema) Table(name string) *Table {
	if t := s.lookup(name, false); t != nil {
		return t
	}
	return s.lookup(name, true)
}

func (s *Schema) lookup(name string, fold bool) *Table {
	eq := func(a, b string) bool {
		if fold {
			return strings.EqualFold(a, b)
		}
		return a == b
	}
	// Compare "schema.name" piecewise: no string is built per table.
	qualifiedIs := func(t *Table) bool {
		if t.Schema == "" {
			return eq(t.Name, name)
		}
		return len(name) == len(t.Schema)+1+len(t.Name) && name[len(t.Schema)] == '.' &&
			eq(t.Schema, name[:len(t.Schema)]) && eq(t.Name, name[len(t.Schema)+1:])
	}
	var found *Table
	for _, t := range s.Tables {
		if qualifiedIs(t) {
			return t
		}
	}
	for _, t := range s.Tables {
		if eq(t.Name, name) {
			if found != nil {
				return nil // ambiguous
			}
			found = t
		}
	}
	return found
}

// TableNames returns the qualified names of all tables, sorted.
func (s *Schema) TableNames() []string {
	out := make([]string, 0, len(s.Tables))
	for _, t := range s.Tables {
		out = append(out, t.QualifiedName())
	}
	sort.Strings(out)
	return out
}

// Relations returns the declared foreign keys of every table as relations.
func (s *Schema) Relations() []Relation {
	var out []Relation
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			out = append(out, Relation{
				FromTable: t.QualifiedName(), FromColumns: fk.Columns,
				ToTable: fk.RefTable, ToColumns: fk.RefColumns,
				Declared: true, Kind: "fk",
			})
		}
	}
	return out
}

// Referencing returns the foreign keys (with their owning tables) that point at table.
func (s *Schema) Referencing(table string) []TableFK {
	var out []TableFK
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			if fk.RefTable == table {
				out = append(out, TableFK{Table: t, FK: fk})
			}
		}
	}
	return out
}

// TableFK pairs a foreign key with the table that declares it.
type TableFK struct {
	Table *Table
	FK    *ForeignKey
}
