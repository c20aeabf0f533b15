package dbtwin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
)

// Row is one row as it flows through the pipeline: one field per requested
// column, nil for SQL NULL, otherwise the value's text form as the engine
// prints it (PostgreSQL's text output format; SQLite's text for numbers, raw
// bytes for blobs). Fields may alias the reader's buffers: they are valid
// until the next call to Next, so a step that keeps them must copy.
type Row [][]byte

// Rows is a pull stream of rows, in the style of database/sql.
type Rows interface {
	// Next advances to the next row, returning false at the end or on error.
	Next() bool
	// Row returns the current row.
	Row() Row
	// Err returns the error that stopped the stream, if any.
	Err() error
	// Close releases the stream; it is safe to call more than once.
	Close() error
}

// RawRows is implemented by a Rows whose rows can also be taken as the
// engine's own bulk format (PostgreSQL COPY text), untouched. A writer of the
// same engine may use Raw instead of Next to move bytes without decoding.
// Raw must be called before any call to Next.
type RawRows interface {
	Rows
	// RawEngine names the engine whose format Raw produces.
	RawEngine() string
	// Raw returns the stream of bulk-format bytes.
	Raw() io.Reader
}

// WrappedRows is implemented by pipeline steps that pass another stream's
// values through unchanged (counting, filtering). Engines may Unwrap them to
// reach metadata their own Rows carry (SQLite storage classes). Steps that
// change values (masking) do not implement it.
type WrappedRows interface {
	Rows
	Unwrap() Rows
}

// UnwrapRows follows Unwrap until it finds a Rows of type T.
func UnwrapRows[T any](rows Rows) (T, bool) {
	for rows != nil {
		if t, ok := rows.(T); ok {
			return t, true
		}
		w, ok := rows.(WrappedRows)
		if !ok {
			break
		}
		rows = w.Unwrap()
	}
	var zero T
	return zero, false
}

// ReadRequest says what to read from one table.
type ReadRequest struct {
	Table *Table
	// Columns to read, in order; nil means the table's CopyColumns.
	Columns []string
	// Where is an optional SQL predicate in the source's dialect.
	Where string
	// OrderBy is an optional SQL ORDER BY list; Limit > 0 caps the rows.
	OrderBy string
	Limit   int64
	// Progress, if set, is called with the bytes read since the last call.
	Progress func(bytes int64)
}

// ColumnNames returns the request's columns, defaulting to the table's copied columns.
func (r ReadRequest) ColumnNames() []string {
	if r.Columns != nil {
		return r.Columns
	}
	var out []string
	for _, c := range r.Table.CopyColumns() {
		out = append(out, c.Name)
	}
	return out
}

// DB is an open connection to one database of some engine.
type DB interface {
	// Engine is "postgres", "sqlite" or "mysql".
	Engine() string
	// Inspect reads the schema into the neutral model.
	Inspect(ctx context.Context) (*Schema, error)
	// Identity names the database uniquely enough to tell whether two URLs
	// point at the same one (server identity + database, or file identity).
	Identity(ctx context.Context) (string, error)
	// QuoteIdent quotes an identifier; QuoteTable quotes a table's qualified name.
	QuoteIdent(name string) string
	QuoteTable(t *Table) string
	Close() error
}

// Source is a database dbtwin only reads from.
type Source interface {
	DB
	// Snapshot starts a consistent, read-only view of the database that up to
	// readers goroutines may read in parallel.
	Snapshot(ctx context.Context, readers int) (Snapshot, error)
}

// Snapshot is one consistent, read-only point in time of a source.
type Snapshot interface {
	// Schema is the schema as seen by the snapshot.
	Schema() *Schema
	// Read streams the rows of one table. Safe for concurrent use by up to the
	// number of readers the snapshot was opened with.
	Read(ctx context.Context, req ReadRequest) (Rows, error)
	// Query runs a read-only query in the snapshot and streams its rows in
	// the same text form.
	Query(ctx context.Context, sql string, args ...any) (Rows, error)
	// Count returns the number of rows of a table (optionally with a predicate).
	Count(ctx context.Context, t *Table, where string) (int64, error)
	Close() error
}

// Target is a database dbtwin writes a twin into.
type Target interface {
	DB
	// TableNames lists the user tables the target already has.
	TableNames(ctx context.Context) ([]string, error)
	// Reset drops every user object so the target is empty (--replace).
	Reset(ctx context.Context) error
	// CreateSchema creates, from the source snapshot, what must exist before
	// data is loaded (types, tables, sequences). It returns the statements to
	// run after the data (indexes, constraints, triggers) as a PostData step.
	CreateSchema(ctx context.Context, src Source, snap Snapshot) (PostData, error)
	// Write loads rows into a table's columns, returning rows written. Up to
	// the configured number of writers may run at once.
	Write(ctx context.Context, t *Table, columns []string, rows Rows) (int64, error)
	// MarkIncomplete and MarkComplete make a partly loaded target recognisable.
	MarkIncomplete(ctx context.Context, note string) error
	MarkComplete(ctx context.Context, note string) error
	// Verify checks the loaded target: row counts and constraint validity.
	Verify(ctx context.Context, schema *Schema) (*Verification, error)
	// Count returns the number of rows of a table in the target.
	Count(ctx context.Context, t *Table) (int64, error)
}

// PostData finishes the schema after the data is in: constraints, indexes,
// triggers, sequence values.
type PostData interface {
	Apply(ctx context.Context) error
}

// Verification is what a target's end-of-clone check found.
type Verification struct {
	// InvalidConstraints lists constraints or indexes not valid in the target.
	InvalidConstraints []string
	// DanglingReferences counts rows whose foreign key finds no parent, per FK.
	DanglingReferences map[string]int64
}

// OK reports whether nothing was found.
func (v *Verification) OK() bool {
	if v == nil {
		return true
	}
	for _, n := range v.DanglingReferences {
		if n > 0 {
			return false
		}
	}
	return len(v.InvalidConstraints) == 0
}

// SourceChecker is implemented by snapshots that can tell what the source
// itself holds against its own constraints, so that a faithful copy of a
// source that already breaks them is not taken for a broken clone.
type SourceChecker interface {
	// Violations reports, in the snapshot: InvalidConstraints, the
	// constraints the source has not validated (PostgreSQL NOT VALID), named
	// as Target.Verify names them; DanglingReferences, per foreign key not
	// enforced on the source's rows (keyed like Target.Verify), the rows whose
	// parent is missing. Foreign keys the source has validated are omitted.
	Violations(ctx context.Context) (*Verification, error)
}

// Driver opens databases of one engine.
type Driver interface {
	// OpenSource opens a database to read from; OpenTarget one to write to.
	OpenSource(ctx context.Context, u *URL) (Source, error)
	OpenTarget(ctx context.Context, u *URL, opts TargetOptions) (Target, error)
}

// TargetOptions tunes a target.
type TargetOptions struct {
	// Writers is the number of tables that may be written at once.
	Writers int
}

var (
	driversMu sync.RWMutex
	drivers   = map[string]Driver{}
)

// Register makes an engine's driver available to Open*. Engine packages call
// it from init; programs import them for that side effect
// (import _ "github.com/dbtwin/dbtwin/postgres"), as with database/sql drivers.
func Register(engine string, d Driver) {
	driversMu.Lock()
	defer driversMu.Unlock()
	drivers[engine] = d
}

func driverFor(u *URL) (Driver, error) {
	driversMu.RLock()
	defer driversMu.RUnlock()
	d, ok := drivers[u.Engine]
	if !ok {
		return nil, fmt.Errorf("%s: %w: engine %q is not available in this program (a Go program registers an engine by importing its package: import _ \"github.com/dbtwin/dbtwin/%s\")", u.Redacted(), ErrUsage, u.Engine, u.Engine)
	}
	return d, nil
}

// OpenSource parses a database URL and opens it for reading.
func OpenSource(ctx context.Context, raw string) (Source, error) {
	u, err := ParseURL(raw)
	if err != nil {
		return nil, err
	}
	d, err := driverFor(u)
	if err != nil {
		return nil, err
	}
	return d.OpenSource(ctx, u)
}

// OpenSourceURL opens a parsed URL for reading.
func OpenSourceURL(ctx context.Context, u *URL) (Source, error) {
	d, err := driverFor(u)
	if err != nil {
		return nil, err
	}
	return d.OpenSource(ctx, u)
}

// OpenTarget parses a database URL and opens it for writing.
func OpenTarget(ctx context.Context, raw string, opts TargetOptions) (Target, error) {
	u, err := ParseURL(raw)
	if err != nil {
		return nil, err
	}
	d, err := driverFor(u)
	if err != nil {
		return nil, err
	}
	return d.OpenTarget(ctx, u, opts)
}

// ErrUsage marks errors caused by how dbtwin was called or configured
// (exit code 2 with no stack trace).
var ErrUsage = errors.New("usage error")
