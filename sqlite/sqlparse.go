package sqlite

import "strings"

// This file holds a small SQL tokenizer, enough to take apart the CREATE
// TABLE and CREATE INDEX texts SQLite keeps in sqlite_master: what the
// PRAGMAs do not tell (generation expressions, CHECK constraints, constraint
// names, DEFERRABLE, index expressions and WHERE clauses). It is best effort:
// text it cannot make sense of yields nothing rather than an error.

type tokKind int

const (
	tokWord   tokKind = iota // bare word or keyword
	tokQuoted                // "x", `x` or [x]: an identifier
	tokString                // 'x'
	tokNumber
	tokPunct
)

type token struct {
	kind       tokKind
	text       string // the token as written
	start, end int    // byte offsets in the source text
}

// word reports whether the token is the bare keyword kw (case-insensitive).
func (t token) word(kw string) bool {
	return t.kind == tokWord && strings.EqualFold(t.text, kw)
}

// ident returns the identifier a token names, unquoted. An unterminated
// quote (text cut short) gives what follows the opening quote.
func (t token) ident() string {
	if t.kind != tokQuoted && t.kind != tokString {
		return t.text
	}
	open, s := t.text[0], t.text[1:]
	closeCh := open
	if open == '[' {
		closeCh = ']'
	}
	if len(s) > 0 && s[len(s)-1] == closeCh {
		s = s[:len(s)-1]
	}
	if open == '[' {
		return s
	}
	q := string(open)
	return strings.ReplaceAll(s, q+q, q)
}

// isIdent reports whether the token can name something.
func (t token) isIdent() bool { return t.kind == tokWord || t.kind == tokQuoted }

// tokenize splits SQL into tokens, dropping white space and comments. An
// unterminated quote or comment ends the text.
func tokenize(s string) []token {
	var out []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				return out
			}
			i += j + 1
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				return out
			}
			i += j + 4
		case c == '\'' || c == '"' || c == '`':
			j := closeQuote(s, i, c)
			kind := tokQuoted
			if c == '\'' {
				kind = tokString
			}
			out = append(out, token{kind: kind, text: s[i:j], start: i, end: j})
			i = j
		case c == '[':
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				j = len(s) - i - 1
			}
			out = append(out, token{kind: tokQuoted, text: s[i : i+j+1], start: i, end: i + j + 1})
			i += j + 1
		case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
			j := i + 1
			for j < len(s) && (isWordByte(s[j]) || s[j] == '.' ||
				((s[j] == '+' || s[j] == '-') && (s[j-1] == 'e' || s[j-1] == 'E'))) {
				j++
			}
			out = append(out, token{kind: tokNumber, text: s[i:j], start: i, end: j})
			i = j
		case isWordByte(c):
			j := i + 1
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			out = append(out, token{kind: tokWord, text: s[i:j], start: i, end: j})
			i = j
		default:
			n := 1
			if i+1 < len(s) {
				switch s[i : i+2] {
				case "<=", ">=", "!=", "<>", "||", "<<", ">>", "==", "->":
					n = 2
				}
			}
			out = append(out, token{kind: tokPunct, text: s[i : i+n], start: i, end: i + n})
			i += n
		}
	}
	return out
}

// closeQuote returns the offset just past the quote opened at s[i], where a
// doubled quote character stands for itself.
func closeQuote(s string, i int, q byte) int {
	j := i + 1
	for j < len(s) {
		if s[j] == q {
			if j+1 < len(s) && s[j+1] == q {
				j += 2
				continue
			}
			return j + 1
		}
		j++
	}
	return len(s)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

// matchParen returns the index of the token closing the parenthesis opened
// at toks[i], or -1.
func matchParen(toks []token, i int) int {
	depth := 0
	for j := i; j < len(toks); j++ {
		if toks[j].kind != tokPunct {
			continue
		}
		switch toks[j].text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// splitTop splits toks at the commas outside parentheses.
func splitTop(toks []token) [][]token {
	var out [][]token
	depth, from := 0, 0
	for j, t := range toks {
		if t.kind != tokPunct {
			continue
		}
		switch t.text {
		case "(":
			depth++
		case ")":
			depth--
		case ",":
			if depth == 0 {
				out = append(out, toks[from:j])
				from = j + 1
			}
		}
	}
	if from < len(toks) {
		out = append(out, toks[from:])
	}
	return out
}

// span returns the source text covered by toks[a..b] inclusive.
func span(src string, toks []token, a, b int) string {
	if a > b || a < 0 || b >= len(toks) {
		return ""
	}
	return src[toks[a].start:toks[b].end]
}

// parenBody returns the text between the parenthesis at toks[i] and its
// match, and the index of the closing token (-1 if none).
func parenBody(src string, toks []token, i int) (string, int) {
	if i >= len(toks) || toks[i].text != "(" || toks[i].kind != tokPunct {
		return "", -1
	}
	j := matchParen(toks, i)
	if j < 0 {
		return "", -1
	}
	return strings.TrimSpace(src[toks[i].end:toks[j].start]), j
}

// identList returns the identifiers of a parenthesised, comma-separated list
// of column names starting at toks[i] (each element's first token), and the
// index of the closing parenthesis.
func identList(toks []token, i int) ([]string, int) {
	if i >= len(toks) || toks[i].text != "(" {
		return nil, -1
	}
	j := matchParen(toks, i)
	if j < 0 {
		return nil, -1
	}
	var out []string
	for _, part := range splitTop(toks[i+1 : j]) {
		if len(part) > 0 && (part[0].isIdent() || part[0].kind == tokString) {
			out = append(out, part[0].ident())
		}
	}
	return out, j
}

// indexDef is what a CREATE INDEX text says beyond the PRAGMAs.
type indexDef struct {
	// Terms are the indexed terms as written, ASC/DESC removed.
	Terms []string
	// Where is the partial index predicate, empty if none.
	Where string
}

// parseIndex reads "CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON table (terms) [WHERE expr]".
func parseIndex(sql string) indexDef {
	toks := tokenize(sql)
	var def indexDef
	on := -1
	for i, t := range toks {
		if t.word("ON") {
			on = i
			break
		}
	}
	if on < 0 {
		return def
	}
	open := -1
	for i := on + 1; i < len(toks); i++ {
		if toks[i].kind == tokPunct && toks[i].text == "(" {
			open = i
			break
		}
	}
	if open < 0 {
		return def
	}
	closing := matchParen(toks, open)
	if closing < 0 {
		return def
	}
	for _, part := range splitTop(toks[open+1 : closing]) {
		if len(part) == 0 {
			continue
		}
		last := len(part) - 1
		if part[last].word("ASC") || part[last].word("DESC") {
			last--
		}
		def.Terms = append(def.Terms, span(sql, part, 0, last))
	}
	for i := closing + 1; i < len(toks); i++ {
		if toks[i].word("WHERE") && i+1 < len(toks) {
			def.Where = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(sql[toks[i+1].start:]), ";"))
			break
		}
	}
	return def
}

// exprColumns returns, in order of first appearance, the names in columns
// that the expression mentions as identifiers (not as function names).
func exprColumns(expr string, columns []string) []string {
	toks := tokenize(expr)
	var out []string
	seen := map[string]bool{}
	for i, t := range toks {
		if !t.isIdent() {
			continue
		}
		if i+1 < len(toks) && toks[i+1].text == "(" && t.kind == tokWord {
			continue // a function call
		}
		name := t.ident()
		for _, c := range columns {
			if strings.EqualFold(c, name) && !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}
