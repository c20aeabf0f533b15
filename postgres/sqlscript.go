package postgres

import (
	"strings"
)

// statement is one SQL statement of a script and the line it starts on.
type statement struct {
	SQL  string
	Line int
}

// splitScript splits a pg_dump script into statements at top-level
// semicolons, understanding comments, quoted strings and identifiers and
// dollar quoting. psql meta-command lines (\restrict, \unrestrict, \connect,
// ...) outside any literal are dropped: they are for psql, not the server.
// Comments before a statement and statements holding only comments are
// dropped too.
func splitScript(script string) []statement {
	var out []statement
	var cur strings.Builder
	line, startLine := 1, 0
	hasCode := false
	atLineStart := true
	flush := func() {
		if sql := strings.TrimSpace(cur.String()); hasCode && sql != "" {
			out = append(out, statement{SQL: sql, Line: startLine})
		}
		cur.Reset()
		hasCode = false
	}
	code := func() {
		if !hasCode {
			hasCode = true
			startLine = line
		}
	}
	for i := 0; i < len(script); {
		c := script[i]
		if atLineStart {
			// Skip indentation to see whether the line is a meta-command.
			j := i
			for j < len(script) && (script[j] == ' ' || script[j] == '\t') {
				j++
			}
			if j < len(script) && script[j] == '\\' {
				for j < len(script) && script[j] != '\n' {
					j++
				}
				if j < len(script) {
					j++
					line++
				}
				i = j
				continue
			}
			atLineStart = false
		}
		switch {
		case c == '\n':
			if hasCode {
				cur.WriteByte(c)
			}
			line++
			atLineStart = true
			i++
		case c == '-' && i+1 < len(script) && script[i+1] == '-':
			j := strings.IndexByte(script[i:], '\n')
			if j < 0 {
				j = len(script) - i
			}
			if hasCode {
				cur.WriteString(script[i : i+j])
			}
			i += j
		case c == '/' && i+1 < len(script) && script[i+1] == '*':
			j := skipBlockComment(script, i)
			line += strings.Count(script[i:j], "\n")
			if hasCode {
				cur.WriteString(script[i:j])
			}
			i = j
		case c == '\'' || c == '"':
			code()
			escapes := c == '\'' && i > 0 && (script[i-1] == 'E' || script[i-1] == 'e') &&
				(i < 2 || !isIdentByte(script[i-2]))
			j := skipQuoted(script, i, c, escapes)
			line += strings.Count(script[i:j], "\n")
			cur.WriteString(script[i:j])
			i = j
		case c == '$':
			code()
			if tag, ok := dollarTag(script, i); ok {
				end := strings.Index(script[i+len(tag):], tag)
				j := len(script)
				if end >= 0 {
					j = i + len(tag) + end + len(tag)
				}
				line += strings.Count(script[i:j], "\n")
				cur.WriteString(script[i:j])
				i = j
			} else {
				cur.WriteByte(c)
				i++
			}
		case c == ';':
			cur.WriteByte(c)
			i++
			flush()
		default:
			if c != ' ' && c != '\t' && c != '\r' {
				code()
			}
			if hasCode {
				cur.WriteByte(c)
			}
			i++
		}
	}
	flush()
	return out
}

func isIdentByte(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80
}

// skipBlockComment returns the index after the (nested) comment starting at i.
func skipBlockComment(s string, i int) int {
	depth := 0
	for i < len(s) {
		switch {
		case strings.HasPrefix(s[i:], "/*"):
			depth++
			i += 2
		case strings.HasPrefix(s[i:], "*/"):
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return i
}

// skipQuoted returns the index after the quoted token starting at i.
func skipQuoted(s string, i int, q byte, backslash bool) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if backslash {
				j++
			}
		case q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

// dollarTag returns the dollar-quote opener ($tag$ or $$) at i, if any.
func dollarTag(s string, i int) (string, bool) {
	if i > 0 && isIdentByte(s[i-1]) {
		return "", false // part of an identifier such as a$b
	}
	for j := i + 1; j < len(s); j++ {
		c := s[j]
		if c == '$' {
			return s[i : j+1], true
		}
		if !isIdentByte(c) || (j == i+1 && c >= '0' && c <= '9') {
			return "", false
		}
	}
	return "", false
}
