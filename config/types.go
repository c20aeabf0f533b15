package config

import "sync"

// Config is a parsed dbtwin.yaml.
type Config struct {
	Version int
	// Strict is nil when unset (default true).
	Strict *bool
	// Mask maps a table name (as written) to its column rules.
	Mask []TableMask
	// Keep lists "table.column" entries explicitly judged not sensitive.
	Keep []Ref
	// Relations are links the database does not declare.
	Relations []RelationSpec
	// Subset is nil for a full copy.
	Subset *Subset
	// Fidelity is nil when the config has no fidelity section (defaults).
	Fidelity *Fidelity
	// File is the path the config was read from ("" if from a string).
	File string

	cacheOnce sync.Once
	cache     *resolvedCache
}

// Pos is a place in the config file, for messages.
type Pos struct {
	File         string
	Line, Column int
}

// TableMask holds the rules for one table.
type TableMask struct {
	Table   string
	Pos     Pos
	Columns []ColumnRule
}

// ColumnRule is one column's masking rule.
type ColumnRule struct {
	Column string
	Pos    Pos
	Rule   Rule
}

// Rule names a transformer and its parameters. Params values are YAML scalars
// decoded as string, int, float64 or bool, lists ([]any) and maps
// (map[string]any); nested rules (json paths) appear as map[string]any or a
// string shorthand.
type Rule struct {
	Transformer string
	Params      map[string]any
	// When is an optional condition (see the mask package) deciding whether
	// the rule applies to a row.
	When string
	// ParamPos gives the position of each parameter key, for messages.
	ParamPos map[string]Pos
}

// Ref is a "schema.table.column" or "table.column" reference as written.
type Ref struct {
	Text string
	Pos  Pos
}

// RelationSpec is "from: table(col, ...)" / "to: table(col, ...)" with an
// optional kind: "value" (the default: two columns sharing values, where rows
// on either side may have no match) or "fk" (every non-NULL From value must
// find its To row, which must be a unique key).
type RelationSpec struct {
	Kind        string
	FromTable   string
	FromColumns []string
	ToTable     string
	ToColumns   []string
	Pos         Pos
}

// Subset is the subset section.
type Subset struct {
	Roots       []Root
	Children    ChildCaps
	Unreachable *Unreachable
	// Tables holds per-table settings (exclude, empty) and per-relation caps.
	Tables []TableSubset
	Pos    Pos
}

// Root is one starting table of a subset.
type Root struct {
	Table   string
	Where   string
	Percent float64 // 0 = not set
	Limit   int64   // 0 = not set
	OrderBy string
	Pos     Pos
}

// ChildCaps limits how many children are followed.
type ChildCaps struct {
	MaxPerParent int64 // 0 = default
	MaxRows      int64 // 0 = unlimited
}

// Unreachable says how tables no root reaches are sampled.
type Unreachable struct {
	Percent float64
}

// TableSubset holds per-table subset settings.
type TableSubset struct {
	Table string
	// Exclude leaves the table out of the twin entirely (schema included? no:
	// the table is created, no rows are copied, and references to it must be
	// nullable or the plan fails).
	Exclude bool
	// Empty copies the table's schema but no rows.
	Empty bool
	// Children overrides the child caps for relations into this table.
	Children *ChildCaps
	Pos      Pos
}
