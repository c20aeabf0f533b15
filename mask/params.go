package mask

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/dbtwin/dbtwin/internal/textutil"
)

// Parameter types, as shown by Catalogue.
const (
	TypeString = "string"
	TypeInt    = "int"
	TypeFloat  = "number"
	TypeBool   = "bool"
	TypeRule   = "rule"       // a nested rule: "email" or {transformer: email, ...}
	TypeRules  = "map[rule]"  // a map of keys (paths, groups) to nested rules
	TypeList   = "list[text]" // a list of strings
	TypeScalar = "scalar"     // a string, number or boolean
)

// params are a rule's parameters, checked against the transformer's
// declared ones.
type params struct {
	name string
	decl []Param
	raw  map[string]any
}

func newParams(name string, decl []Param, raw map[string]any) (*params, error) {
	p := &params{name: name, decl: decl, raw: raw}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		d := p.find(key)
		if d == nil {
			names := p.names()
			if len(names) == 0 {
				return nil, fmt.Errorf("%s: unknown parameter %q: %s takes no parameters", name, key, name)
			}
			return nil, fmt.Errorf("%s: unknown parameter %q%s; its parameters are: %s",
				name, key, didYouMean(key, names), strings.Join(names, ", "))
		}
		if err := p.check(d, raw[key]); err != nil {
			return nil, err
		}
	}
	for _, d := range decl {
		if d.required {
			if _, ok := raw[d.Name]; !ok {
				return nil, fmt.Errorf("%s: parameter %s is required (%s)", name, d.Name, d.Doc)
			}
		}
	}
	return p, nil
}

func (p *params) find(name string) *Param {
	for i := range p.decl {
		if p.decl[i].Name == name {
			return &p.decl[i]
		}
	}
	return nil
}

func (p *params) names() []string {
	out := make([]string, len(p.decl))
	for i, d := range p.decl {
		out[i] = d.Name
	}
	return out
}

func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "nothing (null)"
	case string:
		return fmt.Sprintf("%q (a string)", x)
	case bool:
		return fmt.Sprintf("%v (a boolean)", x)
	case int, int64, float64:
		return fmt.Sprintf("%v (a number)", x)
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	}
	return fmt.Sprintf("%v (%T)", v, v)
}

func (p *params) check(d *Param, v any) error {
	bad := func(want string) error {
		return fmt.Errorf("%s: parameter %s must be %s, got %s", p.name, d.Name, want, describe(v))
	}
	switch d.Type {
	case TypeString:
		s, ok := v.(string)
		if !ok {
			return bad("a string")
		}
		if len(d.choices) > 0 && !contains(d.choices, s) {
			return fmt.Errorf("%s: parameter %s is %q%s; it must be one of: %s",
				p.name, d.Name, s, didYouMean(s, d.choices), strings.Join(d.choices, ", "))
		}
	case TypeInt:
		if _, ok := asInt(v); !ok {
			return bad("a whole number")
		}
	case TypeFloat:
		if _, ok := asFloat(v); !ok {
			return bad("a number")
		}
	case TypeBool:
		if _, ok := v.(bool); !ok {
			return bad("true or false")
		}
	case TypeScalar:
		switch v.(type) {
		case string, bool, int, int64, uint64, float64:
		default:
			return bad("a string, number or boolean")
		}
	case TypeRule:
		switch v.(type) {
		case string, map[string]any:
		default:
			return bad("a rule (a transformer name, or a map with transformer: and its parameters)")
		}
	case TypeRules:
		if _, ok := v.(map[string]any); !ok {
			return bad("a map of rules")
		}
	case TypeList:
		l, ok := v.([]any)
		if !ok {
			if _, ok := v.(string); ok {
				return nil
			}
			return bad("a list of strings")
		}
		for _, e := range l {
			if _, ok := e.(string); !ok {
				return bad("a list of strings")
			}
		}
	}
	return nil
}

func asInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case uint64:
		if x <= math.MaxInt32 {
			return int(x), true
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int(x), true
		}
	}
	return 0, false
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	return 0, false
}

func (p *params) has(name string) bool {
	_, ok := p.raw[name]
	return ok
}

func (p *params) value(name string) any {
	if v, ok := p.raw[name]; ok {
		return v
	}
	if d := p.find(name); d != nil {
		return d.def
	}
	return nil
}

func (p *params) str(name string) string {
	s, _ := p.value(name).(string)
	return s
}

func (p *params) int(name string) int {
	n, _ := asInt(p.value(name))
	return n
}

func (p *params) float(name string) float64 {
	f, _ := asFloat(p.value(name))
	return f
}

func (p *params) bool(name string) bool {
	b, _ := p.value(name).(bool)
	return b
}

func (p *params) list(name string) []string {
	switch v := p.value(name).(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

// kindKey is the canonical form of the transformer and every parameter that
// changes its output, defaults included: two rules with the same kindKey
// mask equal values equally.
func (p *params) kindKey() string {
	var b strings.Builder
	b.WriteString(p.name)
	b.WriteByte('{')
	first := true
	for _, d := range p.decl {
		if d.Type == TypeRule || d.Type == TypeRules {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteString(d.Name)
		b.WriteByte('=')
		if d.def == nil && !p.has(d.Name) {
			b.WriteString("unset")
			continue
		}
		switch d.Type {
		case TypeInt:
			b.WriteString(strconv.Itoa(p.int(d.Name)))
		case TypeFloat:
			b.WriteString(strconv.FormatFloat(p.float(d.Name), 'g', -1, 64))
		case TypeBool:
			b.WriteString(strconv.FormatBool(p.bool(d.Name)))
		case TypeList:
			b.WriteString(strconv.Quote(strings.Join(p.list(d.Name), "\x00")))
		default:
			b.WriteString(strconv.Quote(scalarString(p.value(d.Name))))
		}
	}
	b.WriteByte('}')
	return b.String()
}

// scalarString renders a YAML scalar as column text.
func scalarString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest returns the candidate closest to s, or "" when none is close
// enough to be a likely typo.
func suggest(s string, candidates []string) string { return textutil.Closest(s, candidates) }

// didYouMean formats a suggestion ("" when none).
func didYouMean(s string, candidates []string) string {
	if m := suggest(s, candidates); m != "" {
		return fmt.Sprintf(" (did you mean %q?)", m)
	}
	return ""
}
