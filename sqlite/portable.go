package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// schemaDumpData is the SQLite part of a dbtwin.SchemaDump: sqlite_master's
// statements in creation order, the shadow tables of virtual tables, the
// file settings, the AUTOINCREMENT counters and whether statistics existed.
type schemaDumpData struct {
	Objects  []objectJSON      `json:"objects"`
	Shadow   []string          `json:"shadow,omitempty"`
	Pragmas  map[string]string `json:"pragmas"`
	Sequence []seqJSON         `json:"sqlite_sequence,omitempty"`
	Stat     bool              `json:"stat1,omitempty"`
	// Verbatim holds the rows of shadow tables copied as they are
	// (FTS5 settings, contentless full-text indexes).
	Verbatim map[string][][]valueJSON `json:"verbatim,omitempty"`
}

// valueJSON is one value with its storage class.
type valueJSON struct {
	Int  *int64   `json:"i,omitempty"`
	Real *float64 `json:"r,omitempty"`
	Text *string  `json:"t,omitempty"`
	Blob *[]byte  `json:"b,omitempty"`
}

func toValueJSON(v any) valueJSON {
	var j valueJSON
	switch x := v.(type) {
	case int64:
		j.Int = &x
	case float64:
		j.Real = &x
	case string:
		j.Text = &x
	case []byte:
		j.Blob = &x
	}
	return j
}

func (j valueJSON) value() any {
	switch {
	case j.Int != nil:
		return *j.Int
	case j.Real != nil:
		return *j.Real
	case j.Text != nil:
		return *j.Text
	case j.Blob != nil:
		return append([]byte{}, *j.Blob...)
	}
	return nil
}

type objectJSON struct {
	Type  string `json:"type"`
	Name  string `json:"name"`
	Table string `json:"table"`
	SQL   string `json:"sql"`
}

// seqJSON is one sqlite_sequence row; the counter keeps its storage class.
type seqJSON struct {
	Name string   `json:"name"`
	Int  *int64   `json:"int,omitempty"`
	Real *float64 `json:"real,omitempty"`
	Text *string  `json:"text,omitempty"`
	Blob []byte   `json:"blob,omitempty"`
}

var (
	_ dbtwin.SchemaExporter = (*Source)(nil)
	_ dbtwin.SchemaImporter = (*Target)(nil)
)

// ExportSchema captures the schema of snap (a snapshot of this file):
// everything CreateSchema and its PostData need, so a target can be built
// from it without the source file.
func (s *Source) ExportSchema(ctx context.Context, snap dbtwin.Snapshot) (*dbtwin.SchemaDump, error) {
	st, err := readSourceSchema(ctx, snap)
	if err != nil {
		return nil, fmt.Errorf("export the schema of %s: %w", s.path, err)
	}
	var version string
	if err := eachRow(ctx, snap, "SELECT sqlite_version()", func(f []string, _ dbtwin.Row, _ []StorageClass) { version = f[0] }); err != nil {
		return nil, fmt.Errorf("export the schema of %s: %w", s.path, err)
	}
	d := schemaDumpData{Pragmas: st.pragmas, Stat: st.stat}
	for _, o := range st.objects {
		d.Objects = append(d.Objects, objectJSON{o.typ, o.name, o.table, o.sql})
	}
	for name := range st.shadow {
		d.Shadow = append(d.Shadow, name)
	}
	sort.Strings(d.Shadow)
	for table, rows := range st.verbatim {
		if d.Verbatim == nil {
			d.Verbatim = map[string][][]valueJSON{}
		}
		for _, r := range rows {
			vals := make([]valueJSON, len(r))
			for i, v := range r {
				vals[i] = toValueJSON(v)
			}
			d.Verbatim[table] = append(d.Verbatim[table], vals)
		}
	}
	for _, r := range st.seq {
		j := seqJSON{Name: fmt.Sprint(r[0])}
		switch v := r[1].(type) {
		case int64:
			j.Int = &v
		case float64:
			j.Real = &v
		case string:
			j.Text = &v
		case []byte:
			j.Blob = v
		}
		d.Sequence = append(d.Sequence, j)
	}
	data, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("export the schema of %s: %w", s.path, err)
	}
	return &dbtwin.SchemaDump{Engine: Engine, ServerVersion: version, VersionNum: versionNum(version), Data: data}, nil
}

// versionNum turns "3.46.1" into 3046001 (SQLITE_VERSION_NUMBER's form).
func versionNum(v string) int {
	n := 0
	parts := strings.SplitN(v, ".", 3)
	for i, mul := range []int{1000000, 1000, 1} {
		if i < len(parts) {
			x, _ := strconv.Atoi(parts[i])
			n += x * mul
		}
	}
	return n
}

func (d *schemaDumpData) sourceSchema() *sourceSchema {
	st := &sourceSchema{shadow: map[string]bool{}, pragmas: d.Pragmas, stat: d.Stat}
	if st.pragmas == nil {
		st.pragmas = map[string]string{}
	}
	for _, o := range d.Objects {
		st.objects = append(st.objects, schemaObject{o.Type, o.Name, o.Table, o.SQL})
	}
	for _, s := range d.Shadow {
		st.shadow[s] = true
	}
	for table, rows := range d.Verbatim {
		if st.verbatim == nil {
			st.verbatim = map[string][][]any{}
		}
		for _, r := range rows {
			vals := make([]any, len(r))
			for i, v := range r {
				vals[i] = v.value()
			}
			st.verbatim[table] = append(st.verbatim[table], vals)
		}
	}
	for _, r := range d.Sequence {
		var v any
		switch {
		case r.Int != nil:
			v = *r.Int
		case r.Real != nil:
			v = *r.Real
		case r.Text != nil:
			v = *r.Text
		case r.Blob != nil:
			v = r.Blob
		}
		st.seq = append(st.seq, [2]any{r.Name, v})
	}
	return st
}

// ImportSchema creates the partial file and in it the dump's tables, as
// CreateSchema does from a source; the returned PostData creates indexes,
// views and triggers and restores the AUTOINCREMENT counters.
func (t *Target) ImportSchema(ctx context.Context, dump *dbtwin.SchemaDump) (dbtwin.PostData, error) {
	if dump == nil || dump.Engine != Engine {
		engine := "nothing"
		if dump != nil {
			engine = dump.Engine
		}
		return nil, fmt.Errorf("%w: SQLite target %s: the schema comes from %s: restore into a %s database instead", dbtwin.ErrUsage, t.path, engine, engine)
	}
	var d schemaDumpData
	if err := json.Unmarshal(dump.Data, &d); err != nil {
		return nil, fmt.Errorf("SQLite schema dump: %w", err)
	}
	return t.createSchema(ctx, d.sourceSchema())
}
