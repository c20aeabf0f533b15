package config

import (
	"strings"

	"github.com/dbtwin/dbtwin"
)

// Validate checks every table and column the config names against the schema.
// All problems are reported together, each with its position.
func Validate(cfg *Config, s *dbtwin.Schema) error {
	var errs Errors
	table := func(name string, pos Pos) *dbtwin.Table {
		t := s.Table(name)
		if t == nil {
			errs = append(errs, Errorf(pos, "table %q does not exist in the source%s", name, Suggest(name, s.TableNames())))
		}
		return t
	}
	column := func(t *dbtwin.Table, name string, pos Pos) bool {
		if t.Column(name) != nil {
			return true
		}
		var names []string
		for _, c := range t.Columns {
			if !errs.full() { // past MaxErrors, messages are only counted
				names = append(names, t.QualifiedName()+"."+c.Name)
			}
		}
		errs = append(errs, Errorf(pos, "column %q does not exist in table %s%s", name, t.QualifiedName(),
			Suggest(t.QualifiedName()+"."+name, names)))
		return false
	}
	for _, tm := range cfg.Mask {
		t := table(tm.Table, tm.Pos)
		if t == nil {
			continue
		}
		for _, cr := range tm.Columns {
			if column(t, cr.Column, cr.Pos) {
				if c := t.Column(cr.Column); c.Generated != "" {
					errs = append(errs, Errorf(cr.Pos, "column %s.%s is generated (computed from other columns): mask the columns it is computed from instead",
						t.QualifiedName(), c.Name))
				}
			}
		}
	}
	for _, k := range cfg.Keep {
		t, c, ok := SplitColumnRef(s, k.Text)
		if !ok {
			errs = append(errs, Errorf(k.Pos, "keep entry %q: no such table.column%s", k.Text, Suggest(k.Text, allColumns(s))))
			continue
		}
		_ = t
		_ = c
	}
	for _, r := range cfg.Relations {
		from := table(r.FromTable, r.Pos)
		to := table(r.ToTable, r.Pos)
		if to != nil && r.Kind == "fk" && !isUniqueKey(to, r.ToColumns) {
			errs = append(errs, Errorf(r.Pos, "relation to %s(%s) has kind: fk but those columns are not a unique key of %s: use kind: value",
				to.QualifiedName(), strings.Join(r.ToColumns, ", "), to.QualifiedName()))
		}
		if from != nil {
			for _, c := range r.FromColumns {
				column(from, c, r.Pos)
			}
		}
		if to != nil {
			for _, c := range r.ToColumns {
				column(to, c, r.Pos)
			}
		}
	}
	if cfg.Subset != nil {
		for _, root := range cfg.Subset.Roots {
			table(root.Table, root.Pos)
		}
		for _, ts := range cfg.Subset.Tables {
			table(ts.Table, ts.Pos)
		}
	}
	return errs.err()
}

func allColumns(s *dbtwin.Schema) []string {
	var out []string
	for _, t := range s.Tables {
		for _, c := range t.Columns {
			out = append(out, t.QualifiedName()+"."+c.Name)
		}
	}
	return out
}

// SplitColumnRef resolves "schema.table.column" or "table.column".
func SplitColumnRef(s *dbtwin.Schema, ref string) (*dbtwin.Table, *dbtwin.Column, bool) {
	i := strings.LastIndex(ref, ".")
	if i <= 0 {
		return nil, nil, false
	}
	t := s.Table(ref[:i])
	if t == nil {
		return nil, nil, false
	}
	c := t.Column(ref[i+1:])
	return t, c, c != nil
}

// ResolvedRelations resolves the config's relations against the schema.
// Undeclared links are "value" links unless the config says kind: fk: the
// database does not enforce them, so rows on either side may have no match,
// and a subset keeps both matched and unmatched rows. Call after Validate.
func (cfg *Config) ResolvedRelations(s *dbtwin.Schema) []dbtwin.Relation {
	var out []dbtwin.Relation
	for _, r := range cfg.Relations {
		from, to := s.Table(r.FromTable), s.Table(r.ToTable)
		if from == nil || to == nil {
			continue
		}
		kind := r.Kind
		if kind == "" {
			kind = "value"
		}
		out = append(out, dbtwin.Relation{
			FromTable: from.QualifiedName(), FromColumns: r.FromColumns,
			ToTable: to.QualifiedName(), ToColumns: r.ToColumns,
			Kind: kind,
		})
	}
	return out
}

func isUniqueKey(t *dbtwin.Table, cols []string) bool {
	for _, k := range t.UniqueKeys() {
		if len(k.Expressions) == 0 && !k.Partial && sameSet(k.Columns, cols) {
			return true
		}
	}
	return false
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// StrictEnabled reports whether strict mode is on (the default).
func (cfg *Config) StrictEnabled() bool { return cfg == nil || cfg.Strict == nil || *cfg.Strict }

// Kept reports whether table.column is listed under keep.
func (cfg *Config) Kept(s *dbtwin.Schema, table, column string) bool {
	if cfg == nil {
		return false
	}
	for _, k := range cfg.Keep {
		t, c, ok := SplitColumnRef(s, k.Text)
		if ok && t.QualifiedName() == table && c.Name == column {
			return true
		}
	}
	return false
}
