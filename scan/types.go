package scan

import (
	"encoding/json"
	"time"

	"github.com/dbtwin/dbtwin"
)

// Confidence levels of findings.
const (
	LevelHigh   = "high"
	LevelMedium = "medium"
	LevelLow    = "low"
)

// ResultVersion is the version of the JSON output format.
const ResultVersion = 1

// Result is what a scan found. Its JSON form (WriteJSON) is versioned and
// stable; nothing in it is a sampled value: only names, counts and rates.
type Result struct {
	Version int `json:"version"`
	// Engine is "postgres" or "sqlite".
	Engine        string         `json:"engine"`
	PII           []PII          `json:"pii"`
	Relationships []Relationship `json:"relationships"`
	Stats         Stats          `json:"stats"`
	// Tables says, per table, its size and how it was sampled.
	Tables []TableStats `json:"tables"`
	// Warnings say what the scan could not do (budget reached, a table
	// skipped), so a reader knows what was not looked at.
	Warnings []string `json:"warnings,omitempty"`
}

// PII is one column found to hold personal data.
type PII struct {
	// Table is the table's qualified name as in the schema.
	Table  string `json:"table"`
	Column string `json:"column"`
	// Category is one of email, phone, person_name, first_name, last_name,
	// address, city, postcode, birth_date, national_id, iban, credit_card,
	// ip, secret, username, photo, free_text_pii, json_pii.
	Category string `json:"category"`
	// Confidence is 0..1; Level is high (>= 0.8), medium (>= 0.5) or low.
	Confidence float64 `json:"confidence"`
	Level      string  `json:"level"`
	// Evidence holds counts and rates only, never values.
	Evidence []string `json:"evidence"`
	// Suggest names the masking transformer proposed for the column.
	Suggest string `json:"suggest"`
	// Style is the transformer style proposed to keep the column's shape
	// ("fpe" when the sample has more distinct values than the suggested
	// dictionary could write), "" for the transformer's default.
	Style string `json:"style,omitempty"`
	// Paths lists, for json_pii, the key paths holding personal data.
	Paths []PathPII `json:"paths,omitempty"`
}

// PathPII is personal data found at one key path of JSON documents.
type PathPII struct {
	Path       string  `json:"path"`
	Category   string  `json:"category"`
	Confidence float64 `json:"confidence"`
	Suggest    string  `json:"suggest"`
	Evidence   string  `json:"evidence"`
}

// Endpoint is one side of a relationship.
type Endpoint struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
}

// Relationship is a link between two tables: a declared foreign key, or one
// discovered from the data.
type Relationship struct {
	From     Endpoint `json:"from"`
	To       Endpoint `json:"to"`
	Declared bool     `json:"declared"`
	// Kind is "fk" (From points at a unique key of To) or "value" (two
	// columns sharing values, neither a key of the other).
	Kind       string   `json:"kind"`
	Confidence float64  `json:"confidence"`
	Level      string   `json:"level"`
	Evidence   []string `json:"evidence"`
	// Coverage is the share of From's sampled distinct values found in To
	// (discovered links only); ReverseCoverage the share of To's values
	// found in From (value links only; estimated when marked so in Evidence).
	Coverage        float64 `json:"coverage,omitempty"`
	ReverseCoverage float64 `json:"reverse_coverage,omitempty"`
}

// TableStats is what the scan knows of one table's size and sample.
type TableStats struct {
	Table string `json:"table"`
	// Rows is the table's row count, exact when RowsExact, else the
	// engine's estimate (-1 when unknown).
	Rows      int64 `json:"rows"`
	RowsExact bool  `json:"rows_exact"`
	// Sampled rows, and the method: "full", "limit", "tablesample" or
	// "rowid windows".
	Sampled int    `json:"sampled"`
	Method  string `json:"method"`
}

// Stats says what the scan cost the database.
type Stats struct {
	// Tables scanned, rows read (sampled rows plus probe results) and
	// statements run.
	Tables  int   `json:"tables"`
	Rows    int64 `json:"rows"`
	Queries int   `json:"queries"`
	// DatabaseRows is the database's row count: exact for tables read whole,
	// the engine's estimate otherwise (0 when unknown).
	DatabaseRows int64         `json:"database_rows"`
	Duration     time.Duration `json:"-"`
}

// MarshalJSON writes the duration in milliseconds.
func (s Stats) MarshalJSON() ([]byte, error) {
	type plain Stats
	return json.Marshal(struct {
		plain
		DurationMS int64 `json:"duration_ms"`
	}{plain(s), s.Duration.Milliseconds()})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (s *Stats) UnmarshalJSON(b []byte) error {
	type plain Stats
	var v struct {
		plain
		DurationMS int64 `json:"duration_ms"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = Stats(v.plain)
	s.Duration = time.Duration(v.DurationMS) * time.Millisecond
	return nil
}

// Options tune a scan.
type Options struct {
	// Engine is "postgres" or "sqlite"; empty means the schema's engine.
	Engine string
	// Sample is the row budget per table (hence per column); default 1000.
	Sample int
	// MaxQueries caps the statements a scan runs; default 2000. When it is
	// reached, untested candidate links are dropped and a warning says so.
	MaxQueries int
	// ProbeValues is how many distinct values of a column are tested
	// against a candidate parent; default 250.
	ProbeValues int
	// Now is the reference time for ages (default time.Now()).
	Now time.Time
	// Progress, if set, is told which table is being sampled.
	Progress func(table string)
	// SkipRelationships samples for personal data only (no discovery of
	// links): what strict mode needs before a clone.
	SkipRelationships bool
	// Columns, if set, limits sampling to the columns it accepts; a table
	// with none is not read at all (strict mode reads only the columns the
	// config has not decided on).
	Columns func(t *dbtwin.Table, c *dbtwin.Column) bool
}

func (o Options) withDefaults() Options {
	if o.Sample <= 0 {
		o.Sample = 1000
	}
	if o.MaxQueries <= 0 {
		o.MaxQueries = 2000
	}
	if o.ProbeValues <= 0 {
		o.ProbeValues = 250
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o
}
