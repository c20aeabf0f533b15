package mask

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/dbtwin/dbtwin"
)

// Spec is a configured masking rule: a transformer, its parameters (as
// decoded from YAML: string, int, float64, bool, []any, map[string]any) and
// an optional condition on the row's original values (see Table).
type Spec struct {
	Transformer string
	Params      map[string]any
	When        string
}

// ColumnInfo tells Build what a rule masks.
type ColumnInfo struct {
	// Table is the table's qualified name, for messages.
	Table string
	// Column is the column; nil means an unconstrained nullable text column.
	Column *dbtwin.Column
	// Unique is true when the column takes part in a unique key of any
	// shape (single, composite, expression, partial): the transformer must
	// then be injective.
	Unique bool
}

// Transformer masks the values of one column. Implementations are safe for
// concurrent use.
type Transformer interface {
	// Mask returns the masked form of a non-NULL value. The result does not
	// alias value. A nil result means SQL NULL.
	Mask(value []byte) ([]byte, error)
}

// TransformerFunc adapts a function to the Transformer interface.
type TransformerFunc func(value []byte) ([]byte, error)

// Mask calls f.
func (f TransformerFunc) Mask(value []byte) ([]byte, error) { return f(value) }

// builder carries what a transformer's build function needs.
type builder struct {
	m   *Masker
	d   *def
	p   *params
	col ColumnInfo
}

// Build checks a rule against the column it masks and returns a ready
// transformer. It fails, saying why, when the rule cannot work on the
// column: a transformer that writes text on an integer column, output
// longer than the column allows, NULL for a NOT NULL column, a transformer
// that cannot keep distinct values distinct on a column in a unique key,
// unknown parameters or parameters of the wrong type. The rule's When
// condition is checked for syntax here and evaluated by Table.
func (m *Masker) Build(spec Spec, col ColumnInfo) (Transformer, error) {
	if col.Column == nil {
		col.Column = &dbtwin.Column{Kind: dbtwin.KindText, Nullable: true}
	}
	if spec.When != "" {
		if _, err := parseWhen(spec.When); err != nil {
			return nil, err
		}
	}
	return m.build(spec, col)
}

func (m *Masker) build(spec Spec, col ColumnInfo) (Transformer, error) {
	name := spec.Transformer
	if name == "" {
		return nil, errors.New("the rule names no transformer; add `transformer:` (run `dbtwin transformers` for the list)")
	}
	d := registryByName[name]
	if d == nil {
		return nil, fmt.Errorf("unknown transformer %q%s; run `dbtwin transformers` for the list",
			name, didYouMean(name, transformerNames()))
	}
	p, err := newParams(name, d.params, spec.Params)
	if err != nil {
		return nil, err
	}
	b := &builder{m: m, d: d, p: p, col: col}
	if d.kinds != nil && !kindIn(col.Column.Kind, d.kinds) {
		var ks []string
		for _, k := range d.kinds {
			ks = append(ks, k.String())
		}
		return nil, fmt.Errorf("%s cannot mask %s: it accepts columns of kind %s",
			name, b.where(), strings.Join(ks, ", "))
	}
	if col.Unique && !d.unique {
		return nil, b.notUnique(d.notUniqueWhy, "")
	}
	t, err := d.build(b)
	if err != nil {
		return nil, err
	}
	switch name {
	case "null", "constant", "template":
		return t, nil
	}
	return keepEmpty{t}, nil
}

func kindIn(k dbtwin.Kind, ks []dbtwin.Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// keepEmpty leaves empty values empty.
type keepEmpty struct{ t Transformer }

// Mask returns an empty value as is and masks any other.
func (k keepEmpty) Mask(v []byte) ([]byte, error) {
	if len(v) == 0 {
		return []byte{}, nil
	}
	return k.t.Mask(v)
}

// where describes the column for messages: "column public.users.email
// (character varying(255))".
func (b *builder) where() string {
	c := b.col.Column
	name := c.Name
	if b.col.Table != "" {
		name = b.col.Table + "." + name
	}
	typ := c.Type
	if typ == "" {
		typ = c.Kind.String()
	}
	if name == "" {
		return "a " + typ + " value"
	}
	return fmt.Sprintf("column %s (%s)", name, typ)
}

// notUnique is the error for a rule that cannot be injective used on a
// column in a unique key: why says what collides, fix what to do ("" for
// the list of transformers that keep values distinct).
func (b *builder) notUnique(why, fix string) error {
	if fix == "" {
		var ok []string
		for _, d := range registry {
			if d.unique && d.name != "keep" {
				ok = append(ok, d.name)
			}
		}
		fix = "use a transformer that keeps values distinct: " + strings.Join(ok, ", ")
	}
	return fmt.Errorf("%s cannot mask %s: the column is in a unique key, and %s %s, so distinct values "+
		"could become duplicates; %s", b.d.name, b.where(), b.d.name, why, fix)
}

func (b *builder) errorf(format string, args ...any) error {
	return fmt.Errorf(b.d.name+": "+format, args...)
}

// keyed returns the key material of this rule's kind.
func (b *builder) keyed() *keyed { return b.m.keyed(b.p.kindKey()) }

// maxLen is the column's length limit in characters (0 = none).
func (b *builder) maxLen() int { return b.col.Column.MaxLength }

// fitsLen checks that an output of n characters fits the column.
func (b *builder) fitsLen(n int, what string) error {
	if ml := b.maxLen(); ml > 0 && n > ml {
		return fmt.Errorf("%s cannot mask %s: %s is %d characters long and the column holds at most %d",
			b.d.name, b.where(), what, n, ml)
	}
	return nil
}

// isTextColumn reports whether the column stores text (not a number).
func (b *builder) isTextColumn() bool {
	switch b.col.Column.Kind {
	case dbtwin.KindInt, dbtwin.KindNumeric, dbtwin.KindFloat:
		return false
	}
	return true
}

// nested builds a rule nested in a parameter (json paths, regex groups): a
// transformer name, or a map with `transformer:` and its parameters.
func (b *builder) nested(v any, where string) (Transformer, error) {
	var spec Spec
	switch x := v.(type) {
	case string:
		spec.Transformer = x
	case map[string]any:
		params := map[string]any{}
		for k, val := range x {
			if k == "transformer" {
				s, ok := val.(string)
				if !ok {
					return nil, b.errorf("%s: transformer must be a name, got %s", where, describe(val))
				}
				spec.Transformer = s
				continue
			}
			params[k] = val
		}
		spec.Params = params
		if spec.Transformer == "" {
			return nil, b.errorf("%s: the nested rule has no `transformer:`", where)
		}
	default:
		return nil, b.errorf("%s: a rule must be a transformer name or a map, got %s", where, describe(v))
	}
	switch spec.Transformer {
	case "template", "json":
		return nil, b.errorf("%s: %s cannot be nested", where, spec.Transformer)
	}
	col := ColumnInfo{Table: b.col.Table, Column: &dbtwin.Column{Name: b.col.Column.Name, Type: "text",
		Kind: dbtwin.KindText, Nullable: true}}
	t, err := b.m.build(spec, col)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", b.d.name, where, err)
	}
	return t, nil
}

// truncateRunes cuts s to at most n characters (n <= 0: no limit).
func truncateRunes(s string, n int) string {
	if n <= 0 || len(s) <= n {
		return s
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
