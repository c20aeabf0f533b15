package check

import (
	"math"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

func (p *parser) parseAccepted(v *yaml.Node, what string) *AcceptedSpec {
	m := p.mapping(v, what, []string{"table", "query", "column", "values", "min", "max"})
	if m == nil {
		return nil
	}
	a := &AcceptedSpec{Source: p.source(m, what)}
	if c := m.get("column"); c == nil {
		p.errorf(v, "%s needs column: the column whose values are checked", what)
	} else if s, ok := p.str(c, "column"); ok {
		if parts, err := splitName(s); err != nil || len(parts) != 1 {
			p.errorf(c, "%q is not a plain column name", s)
		}
		a.Column = s
	}
	vals, lo, hi := m.get("values"), m.get("min"), m.get("max")
	switch {
	case vals != nil && (lo != nil || hi != nil):
		p.errorf(vals, "%s has values and min/max: use either a list of values or a range", what)
	case vals != nil:
		if vals.Kind != yaml.SequenceNode || len(vals.Content) == 0 {
			p.errorf(vals, "values must be a non-empty list, got %s", describe(vals))
			return a
		}
		for _, e := range vals.Content {
			if l, ok := p.literal(e, "a value"); ok {
				a.Values = append(a.Values, l)
			}
		}
	case lo != nil || hi != nil:
		if lo != nil {
			if l, ok := p.literal(lo, "min"); ok {
				a.Min = &l
			}
		}
		if hi != nil {
			if l, ok := p.literal(hi, "max"); ok {
				a.Max = &l
			}
		}
	default:
		p.errorf(v, "%s needs values: [...] or min:/max:", what)
	}
	return a
}

// literal reads a constant: string, number or bool.
func (p *parser) literal(n *yaml.Node, what string) (Literal, bool) {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s must be a string, number or boolean, got %s", what, describe(n))
		return Literal{}, false
	}
	switch n.Tag {
	case "!!int", "!!float":
		f, ok := p.number(n, what)
		return Literal{Text: formatFloat(f), Kind: "number"}, ok
	case "!!bool":
		b, ok := p.bool(n, what)
		if b {
			return Literal{Text: "true", Kind: "bool"}, ok
		}
		return Literal{Text: "false", Kind: "bool"}, ok
	case "!!str":
		s, ok := p.str(n, what)
		return Literal{Text: s, Kind: "string"}, ok
	case "!!null":
		p.errorf(n, "%s is null: NULL values are never checked here (use not_null)", what)
		return Literal{}, false
	}
	p.errorf(n, "%s must be a string, number or boolean, got %s", what, describe(n))
	return Literal{}, false
}

func (p *parser) parseRowCount(v *yaml.Node, what string) *RowCountSpec {
	m := p.mapping(v, what, []string{"table", "query", "min", "max", "scale"})
	if m == nil {
		return nil
	}
	r := &RowCountSpec{Source: p.source(m, what), Scale: 1}
	if n := m.get("min"); n != nil {
		r.Min = p.bound(n, "min")
	}
	if n := m.get("max"); n != nil {
		r.Max = p.bound(n, "max")
	}
	if r.Min == nil && r.Max == nil && m.get("min") == nil && m.get("max") == nil {
		p.errorf(v, "%s needs min:, max: or both (a number, or SQL returning one number)", what)
	}
	if n := m.get("scale"); n != nil {
		if f, ok := p.number(n, "scale"); ok {
			if f <= 0 {
				p.errorf(n, "scale must be positive, got %s", formatFloat(f))
			}
			r.Scale = f
		}
	}
	return r
}

// bound reads a number, a query name or SQL returning one number.
func (p *parser) bound(n *yaml.Node, what string) *Bound {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		f, ok := p.number(n, what)
		if !ok {
			return nil
		}
		return &Bound{Number: f}
	}
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		p.errorf(n, "%s must be a number or SQL returning one number, got %s", what, describe(n))
		return nil
	}
	s, ok := p.str(n, what)
	if !ok {
		return nil
	}
	// A number from an environment variable ("${MAX}").
	if f, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			p.errorf(n, "%s must be a finite number, got %q", what, s)
			return nil
		}
		return &Bound{Number: f}
	}
	name, sql := p.resolveQuery(n, s, what)
	if sql == "" {
		return nil
	}
	return &Bound{Query: name, SQL: sql}
}

func (p *parser) parseReferences(v *yaml.Node, what string) *ReferencesSpec {
	m := p.mapping(v, what, []string{"from", "to", "nulls", "max_orphans"})
	if m == nil {
		return nil
	}
	r := &ReferencesSpec{From: p.ref(m, "from", what), To: p.ref(m, "to", what), Nulls: NullsIgnore}
	p.sameWidth(m, "from", "to", r.From, r.To)
	if n := m.get("nulls"); n != nil {
		if s, ok := p.str(n, "nulls"); ok {
			switch NullPolicy(s) {
			case NullsIgnore, NullsFail:
				r.Nulls = NullPolicy(s)
			default:
				p.errorf(n, "nulls must be ignore or fail, got %q%s", s, didYouMean(s, []string{"ignore", "fail"}))
			}
		}
	}
	if n := m.get("max_orphans"); n != nil {
		if k, ok := p.int(n, "max_orphans"); ok {
			if k < 0 {
				p.errorf(n, "max_orphans must not be negative, got %d", k)
			}
			r.MaxOrphans = k
		}
	}
	return r
}

func (p *parser) parseProfile(v *yaml.Node, what string) *ProfileSpec {
	m := p.mapping(v, what, []string{"table", "column", "null_fraction", "distinct_ratio"})
	if m == nil {
		return nil
	}
	r := &ProfileSpec{}
	if t := m.get("table"); t == nil {
		p.errorf(v, "%s needs table:", what)
	} else if s, ok := p.str(t, "table"); ok {
		if _, err := splitName(s); err != nil {
			p.errorf(t, "table: %v", err)
		}
		r.Table = s
	}
	if c := m.get("column"); c == nil {
		p.errorf(v, "%s needs column:", what)
	} else if s, ok := p.str(c, "column"); ok {
		if parts, err := splitName(s); err != nil || len(parts) != 1 {
			p.errorf(c, "%q is not a plain column name", s)
		}
		r.Column = s
	}
	for _, k := range []string{"null_fraction", "distinct_ratio"} {
		if n := m.get(k); n != nil {
			f := p.tolerance(m, k, 0)
			if k == "null_fraction" {
				r.NullFraction = &f
			} else {
				r.DistinctRatio = &f
			}
		}
	}
	if r.NullFraction == nil && r.DistinctRatio == nil {
		p.errorf(v, "%s needs null_fraction: and/or distinct_ratio: (the tolerated absolute difference, e.g. 0.05)", what)
	}
	return r
}
