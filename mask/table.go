package mask

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// TableMasker applies the rules of one table to whole rows. It is safe for
// concurrent use.
type TableMasker struct {
	table   string
	columns []string
	steps   []colStep // plain rules, in column order
	tmpls   []colStep // templates, after the columns they read
	masked  []string
}

type colStep struct {
	idx  int
	name string
	tr   Transformer
	when *whenExpr
	tmpl *templateT
}

// Table builds the rules of one table. columns are the row's columns in
// order; rules maps a column to its rule; info gives each column's
// ColumnInfo (a missing entry means an unconstrained text column). Every
// rule is checked as by Build, when conditions must name existing columns,
// and templates must read existing columns and not each other in a cycle.
func (m *Masker) Table(columns []string, rules map[string]Spec, info map[string]ColumnInfo) (*TableMasker, error) {
	t := &TableMasker{columns: columns}
	index := map[string]int{}
	for i, c := range columns {
		index[c] = i
	}
	names := make([]string, 0, len(rules))
	for c := range rules {
		names = append(names, c)
	}
	sort.Slice(names, func(i, j int) bool { return indexOr(index, names[i]) < indexOr(index, names[j]) })
	tmplIdx := map[string]int{}
	for _, col := range names {
		spec := rules[col]
		ci := info[col]
		if t.table == "" {
			t.table = ci.Table
		}
		label := col
		if ci.Table != "" {
			label = ci.Table + "." + col
		}
		idx, ok := index[col]
		if !ok {
			return nil, fmt.Errorf("%s: the table has no column %q%s", label, col, didYouMean(col, columns))
		}
		if ci.Column == nil {
			ci.Column = &dbtwin.Column{Name: col, Kind: dbtwin.KindText, Nullable: true}
		}
		tr, err := m.Build(spec, ci)
		if err != nil {
			if strings.Contains(err.Error(), "column "+label+" (") {
				return nil, err
			}
			return nil, fmt.Errorf("%s: %w", label, err)
		}
		step := colStep{idx: idx, name: col, tr: tr}
		if _, isTemplate := tr.(*templateT); !isTemplate && !ci.Unique {
			// Values of a column outside unique keys repeat: memoize.
			step.tr = newCached(tr)
		}
		if spec.When != "" {
			w, _ := parseWhen(spec.When) // syntax checked by Build
			if err := w.bind(columns); err != nil {
				return nil, fmt.Errorf("%s: %w", label, err)
			}
			step.when = w
		}
		if tt, ok := tr.(*templateT); ok {
			step.tmpl = tt
			for _, f := range tt.fields {
				if _, ok := index[f]; !ok {
					return nil, fmt.Errorf("%s: the template reads {{.%s}}, which is not a column of the table%s",
						label, f, didYouMean(f, columns))
				}
			}
			tmplIdx[col] = len(t.tmpls)
			t.tmpls = append(t.tmpls, step)
		} else {
			t.steps = append(t.steps, step)
		}
		t.masked = append(t.masked, col)
	}
	ordered, err := orderTemplates(t.tmpls, tmplIdx)
	if err != nil {
		return nil, err
	}
	t.tmpls = ordered
	return t, nil
}

func indexOr(index map[string]int, c string) int {
	if i, ok := index[c]; ok {
		return i
	}
	return 1 << 30
}

// orderTemplates sorts template steps so each comes after the templates it
// reads.
func orderTemplates(steps []colStep, byName map[string]int) ([]colStep, error) {
	state := make([]int, len(steps)) // 0 new, 1 visiting, 2 done
	var out []colStep
	var visit func(i int, path []string) error
	visit = func(i int, path []string) error {
		switch state[i] {
		case 1:
			return fmt.Errorf("the templates of columns %s read each other in a cycle; break it",
				strings.Join(append(path, steps[i].name), " -> "))
		case 2:
			return nil
		}
		state[i] = 1
		for _, f := range steps[i].tmpl.fields {
			if j, ok := byName[f]; ok {
				if err := visit(j, append(path, steps[i].name)); err != nil {
					return err
				}
			}
		}
		state[i] = 2
		out = append(out, steps[i])
		return nil
	}
	for i := range steps {
		if err := visit(i, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Columns returns the row's columns, in order.
func (t *TableMasker) Columns() []string { return t.columns }

// Masked returns the columns that have a rule, in column order.
func (t *TableMasker) Masked() []string { return t.masked }

// Apply masks one row (fields in the order of Columns) and returns a new
// row; fields without a rule, and fields whose rule's when condition is
// false, are the input's (they may alias it). NULL stays NULL. When
// conditions see the original values; templates see the masked ones.
func (t *TableMasker) Apply(row dbtwin.Row) (dbtwin.Row, error) {
	if len(row) != len(t.columns) {
		return nil, fmt.Errorf("mask %s: the row has %d fields for %d columns", t.table, len(row), len(t.columns))
	}
	out := make(dbtwin.Row, len(row))
	copy(out, row)
	for _, s := range t.steps {
		v := row[s.idx]
		if v == nil || (s.when != nil && !s.when.eval(row)) {
			continue
		}
		nv, err := s.tr.Mask(v)
		if err != nil {
			return nil, t.fail(s, err)
		}
		out[s.idx] = nv
	}
	if len(t.tmpls) == 0 {
		return out, nil
	}
	values := make(map[string]any, len(t.columns))
	for i, c := range t.columns {
		values[c] = string(out[i])
	}
	for _, s := range t.tmpls {
		if row[s.idx] == nil || (s.when != nil && !s.when.eval(row)) {
			continue
		}
		nv, err := s.tmpl.render(values)
		if err != nil {
			return nil, t.fail(s, err)
		}
		out[s.idx] = nv
		values[s.name] = string(nv)
	}
	return out, nil
}

func (t *TableMasker) fail(s colStep, err error) error {
	name := s.name
	if t.table != "" {
		name = t.table + "." + name
	}
	return fmt.Errorf("mask %s: %w", name, err)
}

// InfoFor returns the ColumnInfo of every column of a table, with Unique set
// for columns in any unique key (primary, unique constraint or index, single
// or composite, expression or partial).
func InfoFor(t *dbtwin.Table) map[string]ColumnInfo {
	out := make(map[string]ColumnInfo, len(t.Columns))
	for _, c := range t.Columns {
		out[c.Name] = ColumnInfo{Table: t.QualifiedName(), Column: c, Unique: t.InUniqueKey(c.Name)}
	}
	return out
}
