package config

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

func (p *parser) mask(n *yaml.Node, cfg *Config) {
	p.mapping(n, "mask", nil, func(table string, k, v *yaml.Node) {
		tm := TableMask{Table: TableName(table), Pos: p.pos(k)}
		p.mapping(v, "mask."+table, nil, func(column string, ck, cv *yaml.Node) {
			rule, ok := p.rule(cv, "mask."+table+"."+column)
			if ok {
				tm.Columns = append(tm.Columns, ColumnRule{Column: column, Pos: p.pos(ck), Rule: rule})
			}
		})
		cfg.Mask = append(cfg.Mask, tm)
	})
}

// rule reads a transformer shorthand ("email") or a mapping with
// "transformer", optional "when" and the transformer's parameters.
func (p *parser) rule(n *yaml.Node, what string) (Rule, bool) {
	if n.Kind == yaml.ScalarNode {
		s, ok := p.str(n, what)
		if ok && s == "" {
			p.errorf(n, "%s: empty transformer name", what)
			return Rule{}, false
		}
		return Rule{Transformer: s}, ok
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a transformer name or {transformer: NAME, ...}, not %s", what, kindName(n))
		return Rule{}, false
	}
	r := Rule{Params: map[string]any{}, ParamPos: map[string]Pos{}}
	ok := true
	p.mapping(n, what, nil, func(key string, k, v *yaml.Node) {
		switch key {
		case "transformer":
			s, good := p.str(v, what+".transformer")
			r.Transformer, ok = s, ok && good
		case "when":
			s, good := p.str(v, what+".when")
			r.When, ok = s, ok && good
		default:
			val, good := p.value(v, what+"."+key)
			ok = ok && good
			r.Params[key] = val
			r.ParamPos[key] = p.pos(k)
		}
	})
	if r.Transformer == "" && ok {
		p.errorf(n, "%s: missing `transformer:` (e.g. {transformer: email})", what)
		ok = false
	}
	return r, ok
}

// value decodes any node into string/int/float64/bool/[]any/map[string]any,
// expanding ${VAR} in strings.
func (p *parser) value(n *yaml.Node, what string) (any, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		s, ok := p.str(n, what)
		if !ok {
			return nil, false
		}
		if n.Style != 0 || n.Tag == "!!str" {
			return s, true
		}
		switch n.Tag {
		case "!!int":
			if i, err := strconv.ParseInt(s, 0, 64); err == nil {
				return int(i), true
			}
		case "!!float":
			if f, err := strconv.ParseFloat(s, 64); err == nil {
				return f, true
			}
		case "!!bool":
			if b, err := strconv.ParseBool(s); err == nil {
				return b, true
			}
		case "!!null":
			return nil, true
		}
		return s, true
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		ok := true
		for _, c := range n.Content {
			v, good := p.value(c, what)
			ok = ok && good
			out = append(out, v)
		}
		return out, ok
	case yaml.MappingNode:
		out := map[string]any{}
		ok := true
		p.mapping(n, what, nil, func(key string, _, v *yaml.Node) {
			val, good := p.value(v, what+"."+key)
			ok = ok && good
			out[key] = val
		})
		return out, ok
	}
	p.errorf(n, "%s: unsupported YAML (%s)", what, kindName(n))
	return nil, false
}

// ParseTableColumns splits "table(a, b)" into the table and its columns.
// Names holding dots, commas or parentheses are written in double quotes
// (`public."a.b"("x,y", id)`); the returned names are unquoted.
func ParseTableColumns(s string) (table string, columns []string, ok bool) {
	s = strings.TrimSpace(s)
	open, inQuote := -1, false
	for i := 0; i < len(s) && open < 0; i++ {
		switch {
		case s[i] == '"':
			inQuote = !inQuote
		case !inQuote && s[i] == '(':
			open = i
		case !inQuote && s[i] == ')':
			return "", nil, false
		}
	}
	if open <= 0 || !strings.HasSuffix(s, ")") {
		return "", nil, false
	}
	table = strings.TrimSpace(s[:open])
	if table == "" {
		return "", nil, false
	}
	table = TableName(table)
	inner := s[open+1 : len(s)-1]
	start := 0
	inQuote = false
	for i := 0; i <= len(inner); i++ {
		if i < len(inner) && inner[i] == '"' {
			inQuote = !inQuote
			continue
		}
		if i < len(inner) && (inQuote || inner[i] != ',') {
			if !inQuote && (inner[i] == '(' || inner[i] == ')') {
				return "", nil, false
			}
			continue
		}
		c, good := columnName(strings.TrimSpace(inner[start:i]))
		if !good {
			return "", nil, false
		}
		columns = append(columns, c)
		start = i + 1
	}
	return table, columns, !inQuote && len(columns) > 0
}

// columnName unquotes one column of a "table(cols)" reference.
func columnName(c string) (string, bool) {
	if c == "" {
		return "", false
	}
	if !strings.HasPrefix(c, `"`) {
		return c, !strings.Contains(c, `"`)
	}
	parts, ok := splitRef(c)
	if !ok || len(parts) != 1 || parts[0].name == "" {
		return "", false
	}
	return parts[0].name, true
}

func (p *parser) relations(n *yaml.Node, cfg *Config) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "relations must be a list of {from: table(cols), to: table(cols)}")
		return
	}
	for _, item := range n.Content {
		rel := RelationSpec{Pos: p.pos(item)}
		var hasFrom, hasTo bool
		p.mapping(item, "relation", []string{"from", "to", "kind"}, func(key string, _, v *yaml.Node) {
			s, ok := p.str(v, "relation."+key)
			if !ok {
				return
			}
			if key == "kind" {
				if s != "value" && s != "fk" {
					p.errorf(v, "relation.kind must be value (columns sharing values) or fk (a strict reference to a unique key), not %q", s)
				}
				rel.Kind = s
				return
			}
			t, cols, good := ParseTableColumns(s)
			if !good {
				p.errorf(v, "relation.%s %q must look like schema.table(column[, column...])", key, s)
				return
			}
			if key == "from" {
				rel.FromTable, rel.FromColumns, hasFrom = t, cols, true
			} else {
				rel.ToTable, rel.ToColumns, hasTo = t, cols, true
			}
		})
		if item.Kind == yaml.MappingNode && (!hasFrom || !hasTo) {
			if !hasFrom && !hasTo {
				p.errorf(item, "relation needs both from: and to:")
			}
			continue
		}
		if hasFrom && hasTo && len(rel.FromColumns) != len(rel.ToColumns) {
			p.errorf(item, "relation from %s(%d columns) to %s(%d columns): the column counts differ",
				rel.FromTable, len(rel.FromColumns), rel.ToTable, len(rel.ToColumns))
			continue
		}
		if hasFrom && hasTo {
			cfg.Relations = append(cfg.Relations, rel)
		}
	}
}

func (p *parser) subset(n *yaml.Node, cfg *Config) {
	s := &Subset{Pos: p.pos(n)}
	p.mapping(n, "subset", []string{"roots", "children", "unreachable", "tables"}, func(key string, _, v *yaml.Node) {
		switch key {
		case "roots":
			p.roots(v, s)
		case "children":
			s.Children = p.caps(v, "subset.children")
		case "unreachable":
			u := &Unreachable{}
			p.mapping(v, "subset.unreachable", []string{"percent"}, func(_ string, _, pv *yaml.Node) {
				u.Percent, _ = p.number(pv, "subset.unreachable.percent", 0, 100)
			})
			s.Unreachable = u
		case "tables":
			p.mapping(v, "subset.tables", nil, func(table string, k, tv *yaml.Node) {
				ts := TableSubset{Table: TableName(table), Pos: p.pos(k)}
				p.mapping(tv, "subset.tables."+table, []string{"exclude", "empty", "children"}, func(key string, _, x *yaml.Node) {
					switch key {
					case "exclude":
						ts.Exclude, _ = p.boolean(x, "exclude")
					case "empty":
						ts.Empty, _ = p.boolean(x, "empty")
					case "children":
						c := p.caps(x, "subset.tables."+table+".children")
						ts.Children = &c
					}
				})
				s.Tables = append(s.Tables, ts)
			})
		}
	})
	cfg.Subset = s
}

func (p *parser) caps(n *yaml.Node, what string) ChildCaps {
	var c ChildCaps
	p.mapping(n, what, []string{"max_per_parent", "max_rows"}, func(key string, _, v *yaml.Node) {
		i, _ := p.integer(v, what+"."+key)
		if key == "max_per_parent" {
			c.MaxPerParent = i
		} else {
			c.MaxRows = i
		}
	})
	return c
}

func (p *parser) roots(n *yaml.Node, s *Subset) {
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "subset.roots must be a list of {table: NAME, percent|where|limit: ...}")
		return
	}
	for _, item := range n.Content {
		r := Root{Pos: p.pos(item)}
		p.mapping(item, "subset root", []string{"table", "where", "percent", "limit", "order_by"}, func(key string, _, v *yaml.Node) {
			switch key {
			case "table":
				r.Table, _ = p.str(v, "root.table")
				r.Table = TableName(r.Table)
			case "where":
				r.Where, _ = p.str(v, "root.where")
			case "percent":
				r.Percent, _ = p.number(v, "root.percent", 0, 100)
			case "limit":
				r.Limit, _ = p.integer(v, "root.limit")
			case "order_by":
				r.OrderBy, _ = p.str(v, "root.order_by")
			}
		})
		if item.Kind == yaml.MappingNode && r.Table == "" {
			p.errorf(item, "subset root needs `table:`")
			continue
		}
		if r.OrderBy != "" && r.Limit == 0 {
			p.errorf(item, "subset root %s: order_by only makes sense with limit", r.Table)
		}
		s.Roots = append(s.Roots, r)
	}
}
