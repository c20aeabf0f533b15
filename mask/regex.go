package mask

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// regexT masks the parts of a value a regular expression matches. Each
// match is rewritten either by a replacement ($1, ${name} insert a group,
// masked when the group has a rule) or, without one, by masking the groups
// that have rules in place. Text outside the matches is kept; a value the
// pattern does not match is kept whole.
type regexT struct {
	re          *regexp.Regexp
	groups      map[int]Transformer // group index -> rule
	order       []int               // group indexes with rules, ascending
	replacement string
	hasRepl     bool
}

func buildRegex(b *builder) (Transformer, error) {
	re, err := regexp.Compile(b.p.str("pattern"))
	if err != nil {
		return nil, b.errorf("pattern: %v", err)
	}
	t := &regexT{re: re, groups: map[int]Transformer{}, replacement: b.p.str("replacement"), hasRepl: b.p.has("replacement")}
	names := re.SubexpNames()
	var valid []string
	for i, n := range names[1:] {
		valid = append(valid, strconv.Itoa(i+1))
		if n != "" {
			valid = append(valid, n)
		}
	}
	groups, _ := b.p.value("groups").(map[string]any)
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		idx := re.SubexpIndex(key)
		if n, err := strconv.Atoi(key); err == nil {
			idx = n
		}
		if idx <= 0 || idx >= len(names) {
			if len(valid) == 0 {
				return nil, b.errorf("groups: the pattern has no group %q (it has no groups at all; add one with (...))", key)
			}
			return nil, b.errorf("groups: the pattern has no group %q%s; its groups are: %s", key,
				didYouMean(key, valid), strings.Join(valid, ", "))
		}
		tr, err := b.nested(groups[key], "groups."+key)
		if err != nil {
			return nil, err
		}
		t.groups[idx] = tr
		t.order = append(t.order, idx)
	}
	sort.Ints(t.order)
	if !t.hasRepl && len(t.groups) == 0 {
		return nil, b.errorf("set groups (rules for the pattern's groups), replacement, or both")
	}
	if t.hasRepl {
		if err := checkReplacement(t.replacement, re); err != nil {
			return nil, b.errorf("replacement: %v", err)
		}
	}
	return t, nil
}

// Mask rewrites every match of the pattern and keeps the rest.
func (t *regexT) Mask(v []byte) ([]byte, error) {
	matches := t.re.FindAllSubmatchIndex(v, -1)
	if matches == nil {
		return append([]byte(nil), v...), nil
	}
	out := make([]byte, 0, len(v)+16)
	last := 0
	for _, m := range matches {
		out = append(out, v[last:m[0]]...)
		var err error
		if t.hasRepl {
			out, err = t.expand(out, v, m)
		} else {
			out, err = t.inPlace(out, v, m)
		}
		if err != nil {
			return nil, err
		}
		last = m[1]
	}
	return append(out, v[last:]...), nil
}

// group returns group i of a match, masked if it has a rule (nil if unset).
func (t *regexT) group(v []byte, m []int, i int) ([]byte, error) {
	if m[2*i] < 0 {
		return nil, nil
	}
	g := v[m[2*i]:m[2*i+1]]
	if tr := t.groups[i]; tr != nil {
		return tr.Mask(g)
	}
	return g, nil
}

// inPlace rewrites one match with its ruled groups masked; a group inside
// an already masked group is left to its parent.
func (t *regexT) inPlace(out, v []byte, m []int) ([]byte, error) {
	pos := m[0]
	for _, i := range t.order {
		s, e := m[2*i], m[2*i+1]
		if s < 0 || s < pos {
			continue
		}
		g, err := t.group(v, m, i)
		if err != nil {
			return nil, err
		}
		out = append(out, v[pos:s]...)
		out = append(out, g...)
		pos = e
	}
	return append(out, v[pos:m[1]]...), nil
}

// expand writes the replacement for one match: $n, ${n}, ${name}, $$.
func (t *regexT) expand(out, v []byte, m []int) ([]byte, error) {
	r := t.replacement
	for len(r) > 0 {
		i := strings.IndexByte(r, '$')
		if i < 0 {
			return append(out, r...), nil
		}
		out = append(out, r[:i]...)
		r = r[i+1:]
		if strings.HasPrefix(r, "$") {
			out = append(out, '$')
			r = r[1:]
			continue
		}
		name, rest := replName(r)
		r = rest
		idx := t.re.SubexpIndex(name)
		if n, err := strconv.Atoi(name); err == nil {
			idx = n
		}
		if idx < 0 || idx > t.re.NumSubexp() {
			continue
		}
		g, err := t.group(v, m, idx)
		if err != nil {
			return nil, err
		}
		out = append(out, g...)
	}
	return out, nil
}

// replName reads a group reference after '$': digits, or {name}.
func replName(r string) (name, rest string) {
	if strings.HasPrefix(r, "{") {
		if j := strings.IndexByte(r, '}'); j > 0 {
			return r[1:j], r[j+1:]
		}
		return "", r
	}
	j := 0
	for j < len(r) && r[j] >= '0' && r[j] <= '9' {
		j++
	}
	return r[:j], r[j:]
}

func checkReplacement(r string, re *regexp.Regexp) error {
	for len(r) > 0 {
		i := strings.IndexByte(r, '$')
		if i < 0 {
			return nil
		}
		r = r[i+1:]
		if strings.HasPrefix(r, "$") {
			r = r[1:]
			continue
		}
		name, rest := replName(r)
		if name == "" {
			return fmt.Errorf("a $ must be followed by a group number, {name} or $ (for a literal $)")
		}
		idx := re.SubexpIndex(name)
		if n, err := strconv.Atoi(name); err == nil {
			idx = n
		}
		if idx < 0 || idx > re.NumSubexp() {
			return fmt.Errorf("the pattern has no group %q", name)
		}
		r = rest
	}
	return nil
}
