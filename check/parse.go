package check

import (
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dbtwin/dbtwin"
)

// Load reads and parses a checks file. Environment variables are expanded
// from the process environment.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: read checks file: %w", dbtwin.ErrUsage, err)
	}
	return Parse(path, data)
}

// Parse parses a checks file's contents; path is used in messages. Every
// problem found is reported in one *ConfigError.
func Parse(path string, data []byte) (*File, error) {
	return ParseWithEnv(path, data, os.LookupEnv)
}

// ParseWithEnv is Parse with the environment given by lookup.
func ParseWithEnv(path string, data []byte, lookup func(string) (string, bool)) (*File, error) {
	p := &parser{path: path, lookup: lookup, file: &File{Path: path, Queries: map[string]*Query{}}}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		p.errs = append(p.errs, &PosError{Pos: Pos{File: path, Line: yamlErrorLine(err)},
			Msg: "invalid YAML: " + strings.TrimPrefix(yamlErrorText(err), "yaml: ")})
		return nil, &ConfigError{Problems: p.errs}
	}
	p.parseDocument(&doc)
	if len(p.errs) > 0 {
		return nil, &ConfigError{Problems: p.errs}
	}
	return p.file, nil
}

var yamlLine = regexp.MustCompile(`line (\d+): `)

func yamlErrorLine(err error) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func yamlErrorText(err error) string { return yamlLine.ReplaceAllString(err.Error(), "") }

type parser struct {
	path   string
	lookup func(string) (string, bool)
	file   *File
	errs   []*PosError
}

func (p *parser) pos(n *yaml.Node) Pos { return Pos{File: p.path, Line: n.Line, Column: n.Column} }

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &PosError{Pos: p.pos(n), Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) parseDocument(doc *yaml.Node) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		p.errs = append(p.errs, &PosError{Pos: Pos{File: p.path},
			Msg: "empty checks file: start with \"version: 1\" and a \"checks:\" list"})
		return
	}
	m := p.mapping(doc.Content[0], "the checks file", []string{"version", "queries", "checks"})
	if m == nil {
		return
	}
	if v := m.get("version"); v == nil {
		p.errorf(doc.Content[0], "missing \"version: 1\" at the top of the checks file")
	} else if n, ok := p.int(v, "version"); ok {
		if n != 1 {
			p.errorf(v, "unsupported version %d: this dbtwin reads checks files of version 1", n)
		}
		p.file.Version = int(n)
	}
	if q := m.get("queries"); q != nil {
		p.parseQueries(q)
	}
	c := m.get("checks")
	if c == nil {
		p.errorf(doc.Content[0], "missing \"checks:\" list: add at least one check")
		return
	}
	p.parseChecks(c)
}

func (p *parser) parseQueries(n *yaml.Node) {
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "queries must be a mapping of name to SQL, got %s", describe(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name, ok := p.str(k, "query name")
		if !ok {
			continue
		}
		if !simpleName.MatchString(name) {
			p.errorf(k, "query name %q must be a simple name (letters, digits, _ . -)", name)
			continue
		}
		if prev, dup := p.file.Queries[name]; dup {
			p.errorf(k, "query %q is defined twice (first at %s)", name, prev.Pos)
			continue
		}
		sql, ok := p.str(v, "query "+quote(name))
		if !ok {
			continue
		}
		if strings.TrimSpace(sql) == "" {
			p.errorf(v, "query %q is empty", name)
			continue
		}
		p.file.Queries[name] = &Query{Name: name, SQL: sql, Pos: p.pos(k)}
	}
}

// mapping wraps a YAML mapping whose keys must be among allowed.
type mapping struct {
	node  *yaml.Node
	keys  map[string]*yaml.Node
	vals  map[string]*yaml.Node
	order []string
}

func (m *mapping) get(k string) *yaml.Node { return m.vals[k] }

func (p *parser) mapping(n *yaml.Node, what string, allowed []string) *mapping {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping, got %s", what, describe(n))
		return nil
	}
	m := &mapping{node: n, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "keys of %s must be plain words, got %s", what, describe(k))
			continue
		}
		if prev, dup := m.keys[k.Value]; dup {
			p.errorf(k, "key %q appears twice in %s (first at line %d)", k.Value, what, prev.Line)
			continue
		}
		if !contains(allowed, k.Value) {
			p.errorf(k, "unknown key %q in %s%s (allowed: %s)", k.Value, what, didYouMean(k.Value, allowed),
				strings.Join(allowed, ", "))
			continue
		}
		m.keys[k.Value], m.vals[k.Value] = k, v
		m.order = append(m.order, k.Value)
	}
	return m
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// describe names a node's type for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing (null)"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		}
		return fmt.Sprintf("the string %q", abbreviate(n.Value, 40))
	}
	return "an empty document"
}

// str reads a string scalar, expanding ${VAR}.
func (p *parser) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		p.errorf(n, "%s must be a string, got %s", what, describe(n))
		return "", false
	}
	s, err := expandEnv(n.Value, p.lookup)
	if err != nil {
		p.errorf(n, "%s: %v", what, err)
		return "", false
	}
	return s, true
}

// number reads a number scalar (or a string holding ${VAR} that expands to one).
func (p *parser) number(n *yaml.Node, what string) (float64, bool) {
	text, ok := p.numberText(n, what)
	if !ok {
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(text, "_", ""), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		p.errorf(n, "%s must be a number, got %q", what, text)
		return 0, false
	}
	return f, true
}

func (p *parser) int(n *yaml.Node, what string) (int64, bool) {
	text, ok := p.numberText(n, what)
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(strings.ReplaceAll(text, "_", ""), 0, 64)
	if err != nil {
		p.errorf(n, "%s must be a whole number, got %q", what, text)
		return 0, false
	}
	return v, true
}

func (p *parser) numberText(n *yaml.Node, what string) (string, bool) {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float") {
		return n.Value, true
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && strings.Contains(n.Value, "${") {
		return p.str(n, what)
	}
	p.errorf(n, "%s must be a number, got %s", what, describe(n))
	return "", false
}

func (p *parser) bool(n *yaml.Node, what string) (bool, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		p.errorf(n, "%s must be true or false, got %s", what, describe(n))
		return false, false
	}
	var b bool
	if err := n.Decode(&b); err != nil {
		p.errorf(n, "%s must be true or false, got %q", what, n.Value)
		return false, false
	}
	return b, true
}

// strList reads a list of strings; a single string is a list of one.
func (p *parser) strList(n *yaml.Node, what string) ([]string, bool) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		s, ok := p.str(n, what)
		return []string{s}, ok
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s must be a list of names, got %s", what, describe(n))
		return nil, false
	}
	if len(n.Content) == 0 {
		p.errorf(n, "%s must not be empty", what)
		return nil, false
	}
	var out []string
	ok := true
	for _, e := range n.Content {
		s, good := p.str(e, what)
		ok = ok && good
		out = append(out, s)
	}
	return out, ok
}
