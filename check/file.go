package check

import (
	"fmt"
	"strings"
)

// File is a parsed checks.yaml.
type File struct {
	// Path is the file the checks were read from ("" when parsed from bytes
	// without a name).
	Path    string
	Version int
	// Queries maps a query name to its SQL.
	Queries map[string]*Query
	// Checks in file order.
	Checks []*Check
}

// NeedsBaseline reports whether any check compares against a baseline database.
func (f *File) NeedsBaseline() bool {
	for _, c := range f.Checks {
		if c.Kind.NeedsBaseline() {
			return true
		}
	}
	return false
}

// Pos is a place in a checks file, for messages.
type Pos struct {
	File         string
	Line, Column int
}

// String formats the position as file:line:column.
func (p Pos) String() string {
	f := p.File
	if f == "" {
		f = "checks.yaml"
	}
	if p.Line == 0 {
		return f
	}
	if p.Column == 0 {
		return fmt.Sprintf("%s:%d", f, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", f, p.Line, p.Column)
}

// Query is a named SQL query from the queries: section.
type Query struct {
	Name string
	SQL  string
	Pos  Pos
}

// Kind names what a check verifies.
type Kind string

// The check vocabulary.
const (
	KindUnique     Kind = "unique"
	KindNotNull    Kind = "not_null"
	KindAccepted   Kind = "accepted"
	KindRowCount   Kind = "row_count"
	KindReferences Kind = "references"
	KindRows       Kind = "rows"
	KindOverlap    Kind = "overlap"
	KindFanout     Kind = "fanout"
	KindProfile    Kind = "profile"
)

// Kinds lists every kind, in the order the documentation presents them.
var Kinds = []Kind{KindUnique, KindNotNull, KindAccepted, KindRowCount, KindReferences, KindRows,
	KindOverlap, KindFanout, KindProfile}

// NeedsBaseline reports whether the kind compares the database with a
// baseline (the source the twin was made from).
func (k Kind) NeedsBaseline() bool {
	return k == KindOverlap || k == KindFanout || k == KindProfile
}

// Severity says whether a failing check fails the run.
type Severity string

// Severities.
const (
	// SeverityError (the default) makes a failing check fail the run.
	SeverityError Severity = "error"
	// SeverityWarn reports a failing check without failing the run.
	SeverityWarn Severity = "warn"
)

// DefaultExamples is how many example values a failing check shows by default.
const DefaultExamples = 5

// Check is one entry of the checks: list. Exactly one of the kind fields is
// set, matching Kind.
type Check struct {
	Name     string
	Kind     Kind
	Severity Severity
	// Examples is how many example values a failure shows.
	Examples int
	// NoRedact shows example values as they are ("redact: false"); by
	// default values that look personal are redacted.
	NoRedact bool
	Pos      Pos

	Unique     *UniqueSpec
	NotNull    *NotNullSpec
	Accepted   *AcceptedSpec
	RowCount   *RowCountSpec
	References *ReferencesSpec
	Rows       *RowsSpec
	Overlap    *OverlapSpec
	Fanout     *FanoutSpec
	Profile    *ProfileSpec
}

// hasSpec reports whether the settings of the check's kind are present (a
// Check built in Go may lack them).
func (c *Check) hasSpec() bool {
	switch c.Kind {
	case KindUnique:
		return c.Unique != nil
	case KindNotNull:
		return c.NotNull != nil
	case KindAccepted:
		return c.Accepted != nil
	case KindRowCount:
		return c.RowCount != nil
	case KindReferences:
		return c.References != nil
	case KindRows:
		return c.Rows != nil
	case KindOverlap:
		return c.Overlap != nil
	case KindFanout:
		return c.Fanout != nil
	case KindProfile:
		return c.Profile != nil
	}
	return false
}

// Source is what a check reads: a table or a query (named or inline SQL).
type Source struct {
	// Table is set for a table source ("users" or "public.users").
	Table string
	// Query is the name the check gave ("" for a table or inline SQL).
	Query string
	// SQL is the query's text for a query source.
	SQL string
}

// Label names the source for messages.
func (s Source) Label() string {
	switch {
	case s.Table != "":
		return s.Table
	case s.Query != "":
		return "query " + s.Query
	}
	return "query"
}

// UniqueSpec: no two rows share the same values of Columns (rows with a
// NULL in any of them are not compared, as in SQL).
type UniqueSpec struct {
	Source
	Columns []string
}

// NotNullSpec: no row has NULL in any of Columns. Key, if set, names columns
// whose values identify offending rows in examples.
type NotNullSpec struct {
	Source
	Columns []string
	Key     []string
}

// AcceptedSpec: every non-NULL value of Column is one of Values, or lies in
// [Min, Max] when those are set instead.
type AcceptedSpec struct {
	Source
	Column string
	Values []Literal
	Min    *Literal
	Max    *Literal
}

// Literal is a constant from the checks file: a string, a number or a bool.
type Literal struct {
	// Text is the value as written.
	Text string
	// Kind is "string", "number" or "bool".
	Kind string
}

// Bound is a row_count limit: a number or SQL returning one number.
type Bound struct {
	// Number is used when SQL is empty.
	Number float64
	// SQL returns one number; Query is the name it was given, if any.
	SQL   string
	Query string
}

// String describes the bound as written.
func (b *Bound) String() string {
	switch {
	case b == nil:
		return ""
	case b.Query != "":
		return "query " + b.Query
	case b.SQL != "":
		return oneLine(b.SQL)
	}
	return formatFloat(b.Number)
}

// RowCountSpec: the number of rows lies within [Min, Max] (each optional),
// after multiplying each bound by Scale (default 1).
type RowCountSpec struct {
	Source
	Min, Max *Bound
	Scale    float64
}

// ColumnRef is "table(col, ...)" as written in references, overlap and fanout.
type ColumnRef struct {
	Table   string
	Columns []string
}

// String formats the reference as table(col, ...).
func (r ColumnRef) String() string {
	return r.Table + "(" + strings.Join(r.Columns, ", ") + ")"
}

// NullPolicy says how references treats rows with a NULL in the referencing columns.
type NullPolicy string

// Null policies.
const (
	// NullsIgnore skips such rows (a NULL reference points nowhere, legally).
	NullsIgnore NullPolicy = "ignore"
	// NullsFail counts such rows as orphans.
	NullsFail NullPolicy = "fail"
)

// ReferencesSpec: every row of From finds a row of To with equal values
// (NOT EXISTS semantics), allowing up to MaxOrphans orphans.
type ReferencesSpec struct {
	From, To   ColumnRef
	Nulls      NullPolicy
	MaxOrphans int64
}

// RowsSpec: the query returns no rows.
type RowsSpec struct {
	Query string
	SQL   string
}

// OverlapSpec: the fraction of B's distinct values present in A differs from
// the baseline's by at most Tolerance (an absolute difference of fractions).
type OverlapSpec struct {
	A, B      ColumnRef
	Tolerance float64
}

// FanoutSpec: the number of From rows per To row (p50, p99, max) differs
// from the baseline's by at most Tolerance, relative to the baseline value.
type FanoutSpec struct {
	From, To  ColumnRef
	Tolerance float64
}

// ProfileSpec: the column's NULL fraction and distinct ratio (distinct
// values / non-NULL rows) differ from the baseline's by at most the given
// absolute tolerances; a nil tolerance is not compared.
type ProfileSpec struct {
	Table         string
	Column        string
	NullFraction  *float64
	DistinctRatio *float64
}

// Default tolerances for fidelity checks that do not set one.
const (
	DefaultOverlapTolerance = 0.1
	DefaultFanoutTolerance  = 0.25
)
