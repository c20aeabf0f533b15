package mask

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A when condition decides, from the row's ORIGINAL values, whether a rule
// applies to a row. Grammar:
//
//	expr    = and { ("or" | "||") and }
//	and     = unary { ("and" | "&&") unary }
//	unary   = ("not" | "!") unary | "(" expr ")" | test
//	test    = operand ("==" | "!=" | "<" | "<=" | ">" | ">=") operand
//	        | operand ("=~" | "!~") 'regex'
//	        | operand "is" ["not"] "null"
//	operand = column | "quoted column" | 'string' | number
//
// Strings use single quotes ('' is a quote inside one). Values compare as
// numbers when both sides are numbers, else as text. A NULL makes ==, =~,
// <, <=, >, >= false and != and !~ true.

// whenExpr is a parsed condition.
type whenExpr struct {
	src  string
	root node
	cols []*colRef // every column reference, for binding
}

type node interface {
	eval(row [][]byte) bool
}

type colRef struct {
	name string
	pos  int // 1-based column in the expression
	idx  int
}

type operand struct {
	col *colRef // nil for a literal
	lit []byte
}

func (o *operand) value(row [][]byte) ([]byte, bool) {
	if o.col == nil {
		return o.lit, true
	}
	v := row[o.col.idx]
	return v, v != nil
}

type orNode struct{ a, b node }
type andNode struct{ a, b node }
type notNode struct{ a node }
type isNullNode struct {
	o   *operand
	not bool
}
type cmpNode struct {
	op   string
	l, r *operand
}
type matchNode struct {
	o   *operand
	re  *regexp.Regexp
	neg bool
}

func (n orNode) eval(r [][]byte) bool  { return n.a.eval(r) || n.b.eval(r) }
func (n andNode) eval(r [][]byte) bool { return n.a.eval(r) && n.b.eval(r) }
func (n notNode) eval(r [][]byte) bool { return !n.a.eval(r) }
func (n isNullNode) eval(r [][]byte) bool {
	_, ok := n.o.value(r)
	return ok == n.not
}
func (n matchNode) eval(r [][]byte) bool {
	v, ok := n.o.value(r)
	if !ok {
		return n.neg
	}
	return n.re.Match(v) != n.neg
}
func (n cmpNode) eval(r [][]byte) bool {
	a, okA := n.l.value(r)
	b, okB := n.r.value(r)
	if !okA || !okB {
		return n.op == "!=" && okA != okB
	}
	c := 0
	fa, errA := strconv.ParseFloat(string(bytes.TrimSpace(a)), 64)
	fb, errB := strconv.ParseFloat(string(bytes.TrimSpace(b)), 64)
	switch {
	case errA == nil && errB == nil:
		if fa < fb {
			c = -1
		} else if fa > fb {
			c = 1
		}
	default:
		c = bytes.Compare(a, b)
	}
	switch n.op {
	case "==":
		return c == 0
	case "!=":
		return c != 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	}
	return c >= 0
}

type token struct {
	kind string // "ident", "qident", "str", "num", "op", "eof"
	text string
	pos  int // 1-based character column
}

type whenParser struct {
	src  string
	toks []token
	i    int
	cols []*colRef
}

// parseWhen parses a when condition; errors give the column in the expression.
func parseWhen(src string) (*whenExpr, error) {
	toks, err := lexWhen(src)
	if err != nil {
		return nil, err
	}
	p := &whenParser{src: src, toks: toks}
	root, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != "eof" {
		return nil, p.errAt(t, "unexpected %s (expected and, or or the end)", describeTok(t))
	}
	return &whenExpr{src: src, root: root, cols: p.cols}, nil
}

func (p *whenParser) errAt(t token, format string, args ...any) error {
	return fmt.Errorf("when: column %d: %s (in %q)", t.pos, fmt.Sprintf(format, args...), p.src)
}

func describeTok(t token) string {
	switch t.kind {
	case "eof":
		return "end of condition"
	case "str":
		return "string '" + t.text + "'"
	}
	return strconv.Quote(t.text)
}

func (p *whenParser) peek() token { return p.toks[p.i] }
func (p *whenParser) next() token { t := p.toks[p.i]; p.i++; return t }

func (p *whenParser) keyword(words ...string) bool {
	t := p.peek()
	for _, w := range words {
		if (t.kind == "ident" && strings.EqualFold(t.text, w)) || (t.kind == "op" && t.text == w) {
			p.i++
			return true
		}
	}
	return false
}

func (p *whenParser) expr() (node, error) {
	a, err := p.and()
	if err != nil {
		return nil, err
	}
	for p.keyword("or", "||") {
		b, err := p.and()
		if err != nil {
			return nil, err
		}
		a = orNode{a, b}
	}
	return a, nil
}

func (p *whenParser) and() (node, error) {
	a, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.keyword("and", "&&") {
		b, err := p.unary()
		if err != nil {
			return nil, err
		}
		a = andNode{a, b}
	}
	return a, nil
}

func (p *whenParser) unary() (node, error) {
	if p.keyword("not", "!") {
		a, err := p.unary()
		if err != nil {
			return nil, err
		}
		return notNode{a}, nil
	}
	if t := p.peek(); t.kind == "op" && t.text == "(" {
		p.i++
		a, err := p.expr()
		if err != nil {
			return nil, err
		}
		if t := p.next(); t.kind != "op" || t.text != ")" {
			return nil, p.errAt(t, "expected ) to close the ( at column %d, got %s", t.pos, describeTok(t))
		}
		return a, nil
	}
	return p.test()
}

func (p *whenParser) operand() (*operand, error) {
	t := p.next()
	switch t.kind {
	case "ident":
		switch strings.ToLower(t.text) {
		case "and", "or", "not", "is", "null":
			return nil, p.errAt(t, "expected a column or a value, got %s", describeTok(t))
		}
		fallthrough
	case "qident":
		c := &colRef{name: t.text, pos: t.pos}
		p.cols = append(p.cols, c)
		return &operand{col: c}, nil
	case "str":
		return &operand{lit: []byte(t.text)}, nil
	case "num":
		return &operand{lit: []byte(t.text)}, nil
	}
	return nil, p.errAt(t, "expected a column or a value, got %s", describeTok(t))
}

func (p *whenParser) test() (node, error) {
	l, err := p.operand()
	if err != nil {
		return nil, err
	}
	if p.keyword("is") {
		not := p.keyword("not")
		if t := p.next(); !(t.kind == "ident" && strings.EqualFold(t.text, "null")) {
			return nil, p.errAt(t, "expected null after is, got %s", describeTok(t))
		}
		return isNullNode{o: l, not: not}, nil
	}
	t := p.next()
	if t.kind != "op" {
		return nil, p.errAt(t, "expected ==, !=, =~, !~, <, >, <=, >= or is after the operand, got %s", describeTok(t))
	}
	switch t.text {
	case "=~", "!~":
		rt := p.next()
		if rt.kind != "str" {
			return nil, p.errAt(rt, "expected a 'regular expression' after %s, got %s", t.text, describeTok(rt))
		}
		re, err := regexp.Compile(rt.text)
		if err != nil {
			return nil, p.errAt(rt, "bad regular expression: %v", err)
		}
		return matchNode{o: l, re: re, neg: t.text == "!~"}, nil
	case "==", "!=", "<", "<=", ">", ">=":
		r, err := p.operand()
		if err != nil {
			return nil, err
		}
		return cmpNode{op: t.text, l: l, r: r}, nil
	}
	return nil, p.errAt(t, "unexpected %s after the operand", describeTok(t))
}

func lexWhen(src string) ([]token, error) {
	var toks []token
	col := 1
	for i := 0; i < len(src); {
		r, w := utf8.DecodeRuneInString(src[i:])
		start := col
		switch {
		case unicode.IsSpace(r):
			i += w
			col++
			continue
		case r == '\'' || r == '"':
			var sb strings.Builder
			j := i + 1
			c := col + 1
			closed := false
			for j < len(src) {
				r2, w2 := utf8.DecodeRuneInString(src[j:])
				if r2 == r {
					if j+1 < len(src) && rune(src[j+1]) == r {
						sb.WriteRune(r)
						j += 2
						c += 2
						continue
					}
					closed = true
					j++
					c++
					break
				}
				sb.WriteRune(r2)
				j += w2
				c++
			}
			if !closed {
				return nil, fmt.Errorf("when: column %d: the quote %c is never closed (in %q)", start, r, src)
			}
			kind := "str"
			if r == '"' {
				kind = "qident"
			}
			toks = append(toks, token{kind: kind, text: sb.String(), pos: start})
			i, col = j, c
			continue
		case r == '_' || unicode.IsLetter(r):
			j := i
			for j < len(src) {
				r2, w2 := utf8.DecodeRuneInString(src[j:])
				if r2 != '_' && r2 != '.' && !unicode.IsLetter(r2) && !unicode.IsDigit(r2) {
					break
				}
				j += w2
				col++
			}
			toks = append(toks, token{kind: "ident", text: src[i:j], pos: start})
			i = j
			continue
		case r >= '0' && r <= '9' || (r == '-' && i+1 < len(src) && src[i+1] >= '0' && src[i+1] <= '9'):
			j := i + 1
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == 'e' || src[j] == 'E') {
				j++
			}
			toks = append(toks, token{kind: "num", text: src[i:j], pos: start})
			col += j - i
			i = j
			continue
		}
		for _, op := range []string{"==", "!=", "=~", "!~", "<=", ">=", "&&", "||", "<", ">", "(", ")", "!"} {
			if strings.HasPrefix(src[i:], op) {
				toks = append(toks, token{kind: "op", text: op, pos: start})
				i += len(op)
				col += len(op)
				goto next
			}
		}
		if r == '=' {
			return nil, fmt.Errorf("when: column %d: use == to compare (in %q)", start, src)
		}
		return nil, fmt.Errorf("when: column %d: unexpected character %q (in %q)", start, r, src)
	next:
	}
	return append(toks, token{kind: "eof", pos: col}), nil
}

// bind resolves column names to positions in the row.
func (e *whenExpr) bind(columns []string) error {
	for _, c := range e.cols {
		c.idx = -1
		for i, name := range columns {
			if name == c.name {
				c.idx = i
				break
			}
		}
		if c.idx < 0 {
			for i, name := range columns {
				if strings.EqualFold(name, c.name) {
					c.idx = i
					break
				}
			}
		}
		if c.idx < 0 {
			return fmt.Errorf("when: column %d: the table has no column %q%s (in %q)",
				c.pos, c.name, didYouMean(c.name, columns), e.src)
		}
	}
	return nil
}

func (e *whenExpr) eval(row [][]byte) bool { return e.root.eval(row) }
