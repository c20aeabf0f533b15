package verify

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin/mask"
	"github.com/dbtwin/dbtwin/scan"
)

// jsonPlan says which leaves of a source JSON column hold original values:
// those a json rule's paths select, those its detect option masks, or (for
// a JSON column flagged by its name but not masked as JSON) every string.
type jsonPlan struct {
	paths  []*leafPlan
	detect *leafPlan
	all    *leafPlan
}

// leafPlan is one group of JSON leaves collected under one origin.
type leafPlan struct {
	sink
	segs []jseg
}

func newLeafPlan(segs []jseg, digits bool, origin uint32) *leafPlan {
	return &leafPlan{segs: segs, sink: sink{card: newCardinality(), digits: digits, origin: origin}}
}

func newJSONPlan(table, column string, r ruleInfo, masked bool, os *originSets) (*jsonPlan, error) {
	jp := &jsonPlan{}
	if !masked {
		cat, _ := scan.NameCategory(column)
		if cat == "" {
			cat = scan.CatJSONPII
		}
		jp.all = newLeafPlan(nil, digitCategories[cat], os.origin(Origin{Table: table, Column: column, Category: cat}))
		return jp, nil
	}
	paths, _ := r.params["paths"].(map[string]any)
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	for _, p := range names {
		segs, err := parsePath(p)
		if err != nil {
			return nil, ruleError(table, column, r, err)
		}
		tr := nestedTransformer(paths[p])
		if tr == "null" {
			continue
		}
		cat := transformerCategory[tr]
		if c, ok := scan.NameCategory(lastName(segs)); ok {
			cat = c
		}
		if cat == "" {
			cat = scan.CatJSONPII
		}
		dense := denseTransformers[tr] || digitCategories[cat]
		jp.paths = append(jp.paths, newLeafPlan(segs, mask.NormClass(tr) == mask.NormDigits || digitCategories[cat],
			os.origin(Origin{Table: table, Column: column + " " + p, Category: cat, dense: dense})))
	}
	if d, _ := r.params["detect"].(bool); d {
		jp.detect = newLeafPlan(nil, true, os.origin(Origin{Table: table, Column: column + " (detected)", Category: scan.CatJSONPII}))
	}
	return jp, nil
}

// nestedTransformer returns the transformer a nested rule names: a string
// shorthand or a mapping with a transformer key.
func nestedTransformer(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		s, _ := x["transformer"].(string)
		return s
	}
	return ""
}

func lastName(segs []jseg) string {
	for i := len(segs) - 1; i >= 0; i-- {
		if segs[i].kind == 'c' {
			return segs[i].name
		}
	}
	return ""
}

// decodeJSON parses a document, numbers kept as written. ok is false when
// the text is not a single JSON value.
func decodeJSON(b []byte) (any, bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	if d.More() {
		return nil, false
	}
	return v, true
}

// looksJSON reports whether a text value may be a JSON object or array.
func looksJSON(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) >= 2 && ((b[0] == '{' && b[len(b)-1] == '}') || (b[0] == '[' && b[len(b)-1] == ']'))
}

// walkJSON calls leaf for every scalar of v (strings as they are, numbers
// as written, booleans and null skipped) and key for every object key.
func walkJSON(v any, leaf func(s string), key func(s string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if key != nil {
				key(k)
			}
			walkJSON(c, leaf, key)
		}
	case []any:
		for _, c := range x {
			walkJSON(c, leaf, key)
		}
	case string:
		leaf(x)
	case json.Number:
		leaf(string(x))
	}
}

// A JSON path selects members of a document, as the mask package reads it:
// $ the document; .name or ['name'] a member; .* or [*] every member or
// element; [3] an element; ..name or ..* at any depth below.
type jseg struct {
	kind  byte // 'c' child, 'w' wildcard, 'i' index
	name  string
	index int
	deep  bool
}

// parsePath parses a path exactly as the mask package does.
func parsePath(path string) ([]jseg, error) {
	segs, err := mask.ParseJSONPath(path)
	if err != nil {
		return nil, err
	}
	out := make([]jseg, len(segs))
	for i, p := range segs {
		out[i] = jseg{kind: p.Kind, name: p.Name, index: p.Index, deep: p.Deep}
	}
	return out, nil
}

// matchPath calls f for every node of v that segs select.
func matchPath(v any, segs []jseg, f func(any)) {
	if len(segs) == 0 {
		f(v)
		return
	}
	s, rest := segs[0], segs[1:]
	switch s.kind {
	case 'c':
		if m, ok := v.(map[string]any); ok {
			if c, ok := m[s.name]; ok {
				matchPath(c, rest, f)
			}
		}
	case 'w':
		switch x := v.(type) {
		case map[string]any:
			for _, c := range x {
				matchPath(c, rest, f)
			}
		case []any:
			for _, c := range x {
				matchPath(c, rest, f)
			}
		}
	case 'i':
		if a, ok := v.([]any); ok && s.index < len(a) {
			matchPath(a[s.index], rest, f)
		}
	}
	if s.deep {
		switch x := v.(type) {
		case map[string]any:
			for _, c := range x {
				matchPath(c, segs, f)
			}
		case []any:
			for _, c := range x {
				matchPath(c, segs, f)
			}
		}
	}
}

// detectable reports a string the json transformer's detect option masks:
// one that looks like an e-mail address, phone, card number or IBAN.
func detectable(s string) bool {
	s = strings.TrimSpace(s)
	if at := strings.IndexByte(s, '@'); at > 0 && strings.IndexByte(s[at:], '.') > 0 && !strings.ContainsAny(s, " \t") {
		return true
	}
	if n := countDigits(s); n >= minPhoneDigits && n <= 19 && !hasLetter(s) &&
		strings.Trim(s, "0123456789 +-.()/") == "" {
		return true
	}
	// IBAN: two letters, two digits, then 11 to 30 letters or digits (spaces allowed).
	c := strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(c) >= 15 && len(c) <= 34 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' &&
		c[2] >= '0' && c[2] <= '9' && c[3] >= '0' && c[3] <= '9' &&
		strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == "" {
		return true
	}
	return false
}

// scanJSON calls f for every string (object keys included) and number (as
// written) of a JSON document, without building it; ok is false when b is
// not one JSON object or array. The twin's documents are searched this way.
func scanJSON(b []byte, f func(string)) bool { return scanJSONTokens(b, f, true) }

// scanJSONLeaves is scanJSON without the object keys.
func scanJSONLeaves(b []byte, f func(string)) bool { return scanJSONTokens(b, f, false) }

func scanJSONTokens(b []byte, f func(string), keys bool) bool {
	if !looksJSON(b) || !json.Valid(b) {
		return false
	}
	for i := 0; i < len(b); {
		switch c := b[i]; {
		case c == '"':
			j, esc := i+1, false
			for b[j] != '"' {
				if b[j] == '\\' {
					esc = true
					j++
				}
				j++
			}
			if !keys {
				k := j + 1
				for k < len(b) && (b[k] == ' ' || b[k] == '\t' || b[k] == '\n' || b[k] == '\r') {
					k++
				}
				if k < len(b) && b[k] == ':' {
					i = j + 1
					continue
				}
			}
			if esc {
				var s string
				if json.Unmarshal(b[i:j+1], &s) == nil {
					f(s)
				}
			} else {
				f(string(b[i+1 : j]))
			}
			i = j + 1
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(b) && (b[j] == '.' || b[j] == 'e' || b[j] == 'E' || b[j] == '+' || b[j] == '-' || (b[j] >= '0' && b[j] <= '9')) {
				j++
			}
			f(string(b[i:j]))
			i = j
		default:
			i++
		}
	}
	return true
}
