package mask

import "unicode/utf8"

// jsonStream masks a document for path rules in one pass, without building
// a tree: it parses as parseJSON does (same acceptance, same errors) and
// writes the compact encoding jnode.encode would, masking each scalar with
// the first rule (in rule order) whose path selects the scalar or one of its
// containers: exactly what matching the rules one after the other on a tree
// does. Unchanged strings without escapes are copied as they are.
type jsonStream struct {
	p      jparser
	out    []byte
	rules  []jsonRule
	states []jstate // stack of the path automaton's states, one frame per level
	err    error    // a rule's error (the document itself was fine so far)
}

// jstate says that rule r has matched its first j segments at this node.
type jstate struct{ r, j int32 }

// rewrite returns the masked document, or parsed = false when v is not JSON.
func (t *jsonT) rewrite(v []byte) (out []byte, parsed bool, err error) {
	w := &jsonStream{p: jparser{s: v}, out: make([]byte, 0, len(v)+16), rules: t.paths}
	var buf [16]jstate
	w.states = buf[:0]
	for i := range t.paths {
		w.states = append(w.states, jstate{int32(i), 0})
	}
	if perr := w.value(0, len(w.states), -1); perr != nil {
		if w.err != nil {
			return nil, true, w.err
		}
		return nil, false, nil
	}
	w.p.ws()
	if w.p.i != len(w.p.s) {
		return nil, false, nil
	}
	return w.out, true, nil
}

// errRule stops the walk after a rule failed.
var errRule = &jsonRuleError{}

type jsonRuleError struct{}

func (*jsonRuleError) Error() string { return "json rule failed" }

// child pushes the states of a child (key k of an object, or index idx of
// an array) computed from the frame states[lo:hi], returning the new frame.
func (w *jsonStream) child(lo, hi int, isKey bool, k string, idx int) (int, int) {
	start := len(w.states)
	for i := lo; i < hi; i++ {
		st := w.states[i]
		segs := w.rules[st.r].segs
		if int(st.j) >= len(segs) {
			continue
		}
		s := segs[st.j]
		match := false
		switch s.kind {
		case 'c':
			match = isKey && k == s.name
		case 'w':
			match = true
		case 'i':
			match = !isKey && idx == s.index
		}
		if match {
			w.push(start, jstate{st.r, st.j + 1})
		}
		if s.deep {
			w.push(start, st)
		}
	}
	return start, len(w.states)
}

func (w *jsonStream) push(start int, st jstate) {
	for _, x := range w.states[start:] {
		if x == st {
			return
		}
	}
	w.states = append(w.states, st)
}

// value rewrites one value whose automaton states are states[lo:hi];
// covered is the first rule selecting one of its containers (-1: none).
func (w *jsonStream) value(lo, hi int, covered int) error {
	for i := lo; i < hi; i++ {
		st := w.states[i]
		if int(st.j) == len(w.rules[st.r].segs) && (covered < 0 || int(st.r) < covered) {
			covered = int(st.r)
		}
	}
	p := &w.p
	p.ws()
	if p.i >= len(p.s) {
		return p.errf("unexpected end")
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return w.object(lo, hi, covered)
	case c == '[':
		return w.array(lo, hi, covered)
	case c == '"':
		start := p.i
		s, err := p.str()
		if err != nil {
			return err
		}
		if covered >= 0 {
			return w.masked('s', s, covered)
		}
		if raw := p.s[start+1 : p.i-1]; plainJSONString(raw) {
			w.out = append(w.out, p.s[start:p.i]...)
		} else {
			w.out = appendJSONString(w.out, s)
		}
		return nil
	case c == '-' || c >= '0' && c <= '9':
		start := p.i
		p.i++
		for p.i < len(p.s) && bytesIn(p.s[p.i], "0123456789.eE+-") {
			p.i++
		}
		t := p.s[start:p.i]
		if !validNumber(string(t)) {
			p.i = start
			return p.errf("bad number %q", t)
		}
		if covered >= 0 {
			return w.masked('n', string(t), covered)
		}
		w.out = append(w.out, t...)
		return nil
	}
	for _, lit := range []string{"true", "false", "null"} {
		if len(p.s)-p.i >= len(lit) && string(p.s[p.i:p.i+len(lit)]) == lit {
			p.i += len(lit)
			if covered >= 0 && lit != "null" {
				return w.masked('l', lit, covered)
			}
			w.out = append(w.out, lit...)
			return nil
		}
	}
	return p.errf("unexpected character %q", p.s[p.i])
}

// masked writes a scalar masked by rule r, as setScalar stores it.
func (w *jsonStream) masked(kind byte, text string, r int) error {
	out, err := w.rules[r].tr.Mask([]byte(text))
	if err != nil {
		w.err = jsonPathError(w.rules[r].path, err)
		return errRule
	}
	switch {
	case out == nil:
		w.out = append(w.out, "null"...)
	case kind == 'n' && validNumber(string(out)):
		w.out = append(w.out, out...)
	case kind == 'l' && (string(out) == "true" || string(out) == "false"):
		w.out = append(w.out, out...)
	default:
		w.out = appendJSONString(w.out, string(out))
	}
	return nil
}

func (w *jsonStream) object(lo, hi int, covered int) error {
	p := &w.p
	if p.depth++; p.depth > jsonMaxDepth {
		return p.errf("nested too deeply")
	}
	defer func() { p.depth-- }()
	p.i++
	p.ws()
	w.out = append(w.out, '{')
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		w.out = append(w.out, '}')
		return nil
	}
	for n := 0; ; n++ {
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return p.errf("expected an object key")
		}
		start := p.i
		k, err := p.str()
		if err != nil {
			return err
		}
		p.ws()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return p.errf("expected : after an object key")
		}
		p.i++
		if n > 0 {
			w.out = append(w.out, ',')
		}
		if raw := p.s[start+1 : start+1+len(k)]; len(raw) == len(k) && string(raw) == k && plainJSONString(raw) {
			w.out = append(w.out, p.s[start:start+2+len(k)]...)
		} else {
			w.out = appendJSONString(w.out, k)
		}
		w.out = append(w.out, ':')
		clo, chi := w.child(lo, hi, true, k, 0)
		err = w.value(clo, chi, covered)
		w.states = w.states[:clo]
		if err != nil {
			return err
		}
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			w.out = append(w.out, '}')
			return nil
		}
		return p.errf("expected , or } in an object")
	}
}

func (w *jsonStream) array(lo, hi int, covered int) error {
	p := &w.p
	if p.depth++; p.depth > jsonMaxDepth {
		return p.errf("nested too deeply")
	}
	defer func() { p.depth-- }()
	p.i++
	p.ws()
	w.out = append(w.out, '[')
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		w.out = append(w.out, ']')
		return nil
	}
	for idx := 0; ; idx++ {
		if idx > 0 {
			w.out = append(w.out, ',')
		}
		clo, chi := w.child(lo, hi, false, "", idx)
		err := w.value(clo, chi, covered)
		w.states = w.states[:clo]
		if err != nil {
			return err
		}
		p.ws()
		if p.i < len(p.s) && p.s[p.i] == ',' {
			p.i++
			continue
		}
		if p.i < len(p.s) && p.s[p.i] == ']' {
			p.i++
			w.out = append(w.out, ']')
			return nil
		}
		return p.errf("expected , or ] in an array")
	}
}

// plainJSONString reports whether the raw contents of a JSON string (between
// the quotes) encode to themselves: no escape, no control character, valid
// UTF-8.
func plainJSONString(raw []byte) bool {
	for _, c := range raw {
		if c == '\\' || c < 0x20 || c == '"' {
			return false
		}
		if c >= utf8.RuneSelf {
			return utf8.Valid(raw)
		}
	}
	return true
}
