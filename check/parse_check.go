package check

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

var checkCommonKeys = []string{"name", "severity", "examples", "redact"}

func (p *parser) parseChecks(n *yaml.Node) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "checks must be a list (each entry starting with \"- name: ...\"), got %s", describe(n))
		return
	}
	if len(n.Content) == 0 {
		p.errorf(n, "checks is empty: add at least one check")
		return
	}
	names := map[string]Pos{}
	allowed := append(append([]string{}, checkCommonKeys...), kindNames()...)
	for _, e := range n.Content {
		c := p.parseCheck(e, allowed)
		if c == nil {
			continue
		}
		if prev, dup := names[c.Name]; dup {
			p.errorf(e, "check name %q is used twice (first at %s): names must be unique", c.Name, prev)
			continue
		}
		names[c.Name] = c.Pos
		p.file.Checks = append(p.file.Checks, c)
	}
}

func (p *parser) parseCheck(n *yaml.Node, allowed []string) *Check {
	m := p.mapping(n, "a check", allowed)
	if m == nil {
		return nil
	}
	c := &Check{Severity: SeverityError, Examples: DefaultExamples, Pos: p.pos(n)}
	label := "this check"
	if v := m.get("name"); v == nil {
		p.errorf(n, "check has no name: add \"name: ...\" saying what it protects")
	} else if s, ok := p.str(v, "name"); ok {
		if strings.TrimSpace(s) == "" {
			p.errorf(v, "check name is empty")
		}
		c.Name, label = s, "check "+quote(s)
	}
	if v := m.get("severity"); v != nil {
		if s, ok := p.str(v, "severity"); ok {
			switch Severity(s) {
			case SeverityError, SeverityWarn:
				c.Severity = Severity(s)
			default:
				p.errorf(v, "severity %q is not error or warn%s", s, didYouMean(s, []string{"error", "warn"}))
			}
		}
	}
	if v := m.get("examples"); v != nil {
		if k, ok := p.int(v, "examples"); ok {
			if k < 0 || k > 1000 {
				p.errorf(v, "examples must be between 0 and 1000, got %d", k)
			} else {
				c.Examples = int(k)
			}
		}
	}
	if v := m.get("redact"); v != nil {
		if b, ok := p.bool(v, "redact"); ok {
			c.NoRedact = !b
		}
	}
	var kinds []string
	for _, k := range m.order {
		if !contains(checkCommonKeys, k) {
			kinds = append(kinds, k)
		}
	}
	switch len(kinds) {
	case 0:
		p.errorf(n, "%s has no kind: add one of %s", label, strings.Join(kindNames(), ", "))
		return nil
	case 1:
	default:
		var at []string
		for _, k := range kinds {
			at = append(at, fmt.Sprintf("%s at line %d", k, m.keys[k].Line))
		}
		p.errorf(n, "%s has %d kinds (%s): a check has exactly one; split it into one check per kind",
			label, len(kinds), strings.Join(at, ", "))
		return nil
	}
	c.Kind = Kind(kinds[0])
	before := len(p.errs)
	p.parseKind(c, m.get(kinds[0]), label)
	if len(p.errs) > before || c.Name == "" {
		return nil
	}
	return c
}

func (p *parser) parseKind(c *Check, v *yaml.Node, label string) {
	what := fmt.Sprintf("%s of %s", c.Kind, label)
	switch c.Kind {
	case KindUnique:
		m := p.mapping(v, what, []string{"table", "query", "columns"})
		if m == nil {
			return
		}
		c.Unique = &UniqueSpec{Source: p.source(m, what), Columns: p.requiredList(m, "columns", what)}
	case KindNotNull:
		m := p.mapping(v, what, []string{"table", "query", "columns", "key"})
		if m == nil {
			return
		}
		c.NotNull = &NotNullSpec{Source: p.source(m, what), Columns: p.requiredList(m, "columns", what)}
		if k := m.get("key"); k != nil {
			c.NotNull.Key, _ = p.strList(k, "key")
		}
	case KindAccepted:
		c.Accepted = p.parseAccepted(v, what)
	case KindRowCount:
		c.RowCount = p.parseRowCount(v, what)
	case KindReferences:
		c.References = p.parseReferences(v, what)
	case KindRows:
		c.Rows = &RowsSpec{}
		qn := v
		if v.Kind == yaml.MappingNode {
			m := p.mapping(v, what, []string{"query"})
			if m == nil {
				return
			}
			if qn = m.get("query"); qn == nil {
				p.errorf(v, "%s needs query: the name of a query or SQL that must return no rows", what)
				return
			}
		}
		c.Rows.Query, c.Rows.SQL = p.querySQL(qn, what+" query")
	case KindOverlap:
		m := p.mapping(v, what, []string{"a", "b", "tolerance"})
		if m == nil {
			return
		}
		c.Overlap = &OverlapSpec{A: p.ref(m, "a", what), B: p.ref(m, "b", what),
			Tolerance: p.tolerance(m, "tolerance", DefaultOverlapTolerance)}
		p.sameWidth(m, "a", "b", c.Overlap.A, c.Overlap.B)
	case KindFanout:
		m := p.mapping(v, what, []string{"from", "to", "tolerance"})
		if m == nil {
			return
		}
		c.Fanout = &FanoutSpec{From: p.ref(m, "from", what), To: p.ref(m, "to", what),
			Tolerance: p.tolerance(m, "tolerance", DefaultFanoutTolerance)}
		p.sameWidth(m, "from", "to", c.Fanout.From, c.Fanout.To)
	case KindProfile:
		c.Profile = p.parseProfile(v, what)
	}
}

// source reads table: or query: (exactly one).
func (p *parser) source(m *mapping, what string) Source {
	t, q := m.get("table"), m.get("query")
	switch {
	case t != nil && q != nil:
		p.errorf(m.keys["query"], "%s has both table and query: keep one", what)
	case t != nil:
		if s, ok := p.str(t, "table"); ok {
			if _, err := splitName(s); err != nil {
				p.errorf(t, "table: %v", err)
			}
			return Source{Table: s}
		}
	case q != nil:
		name, sql := p.querySQL(q, what+" query")
		return Source{Query: name, SQL: sql}
	default:
		p.errorf(m.node, "%s needs table: or query: (the name of a query, or SQL)", what)
	}
	return Source{}
}

// querySQL resolves a query reference: a simple name must be defined under
// queries:, anything else is SQL.
func (p *parser) querySQL(n *yaml.Node, what string) (name, sql string) {
	s, ok := p.str(n, what)
	if !ok {
		return "", ""
	}
	return p.resolveQuery(n, s, what)
}

// resolveQuery is querySQL on an already expanded string.
func (p *parser) resolveQuery(n *yaml.Node, s, what string) (name, sql string) {
	s = strings.TrimSpace(s)
	if s == "" {
		p.errorf(n, "%s is empty", what)
		return "", ""
	}
	if simpleName.MatchString(s) {
		q, found := p.file.Queries[s]
		if !found {
			names := sortedKeys(p.file.Queries)
			known := "no queries are defined"
			if len(names) > 0 {
				known = "defined: " + strings.Join(names, ", ")
			}
			p.errorf(n, "unknown query %q%s (%s); write SQL inline or add it under queries:",
				s, didYouMean(s, names), known)
			return "", ""
		}
		return s, q.SQL
	}
	return "", s
}

func (p *parser) requiredList(m *mapping, key, what string) []string {
	v := m.get(key)
	if v == nil {
		p.errorf(m.node, "%s needs %s: a list of column names", what, key)
		return nil
	}
	cols, _ := p.strList(v, key)
	for i, c := range cols {
		if parts, err := splitName(c); err != nil || len(parts) != 1 {
			p.errorf(v.Content[min(i, len(v.Content)-1)], "%q is not a plain column name", c)
		}
	}
	return cols
}

func (p *parser) ref(m *mapping, key, what string) ColumnRef {
	v := m.get(key)
	if v == nil {
		p.errorf(m.node, "%s needs %s: \"table(column, ...)\"", what, key)
		return ColumnRef{}
	}
	s, ok := p.str(v, key)
	if !ok {
		return ColumnRef{}
	}
	r, err := parseColumnRef(s)
	if err != nil {
		p.errorf(v, "%s: %v", key, err)
	}
	return r
}

func (p *parser) sameWidth(m *mapping, ka, kb string, a, b ColumnRef) {
	if len(a.Columns) > 0 && len(b.Columns) > 0 && len(a.Columns) != len(b.Columns) {
		p.errorf(m.keys[kb], "%s has %d columns but %s has %d: they must pair up", kb, len(b.Columns), ka, len(a.Columns))
	}
}

func (p *parser) tolerance(m *mapping, key string, def float64) float64 {
	v := m.get(key)
	if v == nil {
		return def
	}
	f, ok := p.number(v, key)
	if ok && f < 0 {
		p.errorf(v, "%s must not be negative, got %s", key, formatFloat(f))
	}
	return f
}
