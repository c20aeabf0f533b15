package check

import (
	"fmt"
	"regexp"
	"strings"
)

// simpleName matches what the checks file treats as a name (of a query) rather
// than SQL text.
var simpleName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.\-]*$`)

// splitName splits a possibly qualified, possibly double-quoted name
// ("public.users", `"My Schema"."Users"`) into its parts, unquoted.
func splitName(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("empty name")
	}
	var parts []string
	for i := 0; i < len(s); {
		var part string
		if s[i] == '"' {
			var b strings.Builder
			j := i + 1
			closed := false
			for j < len(s) {
				if s[j] == '"' {
					if j+1 < len(s) && s[j+1] == '"' {
						b.WriteByte('"')
						j += 2
						continue
					}
					closed = true
					j++
					break
				}
				b.WriteByte(s[j])
				j++
			}
			if !closed {
				return nil, fmt.Errorf("unterminated quoted name in %q", s)
			}
			part, i = b.String(), j
		} else {
			j := strings.IndexByte(s[i:], '.')
			if j < 0 {
				j = len(s) - i
			}
			part, i = strings.TrimSpace(s[i:i+j]), i+j
			if strings.ContainsAny(part, "\"'`;()") || strings.ContainsAny(part, " \t\n") {
				return nil, fmt.Errorf("%q is not a table or column name (quote unusual names with double quotes)", s)
			}
		}
		if part == "" {
			return nil, fmt.Errorf("empty part in name %q", s)
		}
		parts = append(parts, part)
		if i < len(s) {
			if s[i] != '.' {
				return nil, fmt.Errorf("unexpected %q after a quoted name in %q", s[i:], s)
			}
			i++
			if i == len(s) {
				return nil, fmt.Errorf("name %q ends with a dot", s)
			}
		}
	}
	if len(parts) > 2 {
		return nil, fmt.Errorf("name %q has %d parts; use table or schema.table", s, len(parts))
	}
	return parts, nil
}

// parseColumnRef parses "table(col, ...)" or "schema.table(col, ...)".
func parseColumnRef(s string) (ColumnRef, error) {
	s = strings.TrimSpace(s)
	open := strings.IndexByte(s, '(')
	if open < 0 || !strings.HasSuffix(s, ")") {
		return ColumnRef{}, fmt.Errorf("%q is not of the form table(column, ...), e.g. \"orders(user_id)\"", s)
	}
	ref := ColumnRef{Table: strings.TrimSpace(s[:open])}
	if _, err := splitName(ref.Table); err != nil {
		return ColumnRef{}, fmt.Errorf("table in %q: %w", s, err)
	}
	inner := s[open+1 : len(s)-1]
	for _, c := range strings.Split(inner, ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			return ColumnRef{}, fmt.Errorf("empty column in %q", s)
		}
		parts, err := splitName(c)
		if err != nil || len(parts) != 1 {
			return ColumnRef{}, fmt.Errorf("column %q in %q is not a plain column name", c, s)
		}
		ref.Columns = append(ref.Columns, parts[0])
	}
	return ref, nil
}
