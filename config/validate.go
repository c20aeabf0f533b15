package config

import (
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
		if _, _, ok := SplitColumnRef(s, k.Text); !ok {
			errs = append(errs, Errorf(k.Pos, "keep entry %q: no such table.column (write names holding dots in double quotes: 'public.t.\"a.b\"')%s",
				k.Text, Suggest(k.Text, allColumns(s))))
		}
	}
	for _, r := range cfg.Relations {
		from := table(r.FromTable, r.Pos)
		to := table(r.ToTable, r.Pos)
		// kind: fk needs no declared key on the target: a schema that
		// declares no constraints still has keys that are unique in the data.
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
			out = append(out, ColumnRef(t, c.Name))
		}
	}
	return out
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

// StrictEnabled reports whether strict mode is on (the default).
func (cfg *Config) StrictEnabled() bool { return cfg == nil || cfg.Strict == nil || *cfg.Strict }
