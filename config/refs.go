package config

import (
	"strings"

	"github.com/dbtwin/dbtwin"
)

// References to tables and columns in dbtwin.yaml ("schema.table.column",
// "table(col, ...)") separate names with dots, commas and parentheses. A name
// that contains one of those (a column called "a.b") is written in double
// quotes, as in SQL, with a doubled quote for a quote inside it:
//
//	keep: ['public.plain2."a.b"', 'public."odd ""name"""."x,y"']
//	relations: [{from: 'public.t("a.b")', to: 'public.u(id)'}]
//
// Unquoted references keep working: when a dotted name is unambiguous
// ("public.plain2.a.b" where only the column "a.b" fits), it resolves.

// QuoteName returns name as a reference part: unchanged when it holds no
// dot, quote, comma, parenthesis or surrounding space, else in double quotes.
func QuoteName(name string) string {
	if name != "" && !strings.ContainsAny(name, `."(),`) && strings.TrimSpace(name) == name {
		return name
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// TableRef writes a table's qualified name as a reference, quoting the parts
// that need it.
func TableRef(t *dbtwin.Table) string {
	if t.Schema == "" {
		return QuoteName(t.Name)
	}
	return QuoteName(t.Schema) + "." + QuoteName(t.Name)
}

// ColumnRef writes "schema.table.column" for a keep: entry, quoting the parts
// that need it.
func ColumnRef(t *dbtwin.Table, column string) string {
	return TableRef(t) + "." + QuoteName(column)
}

// refPart is one dot-separated part of a reference.
type refPart struct {
	name   string
	quoted bool
}

// splitRef splits a reference on the dots outside double quotes.
func splitRef(s string) ([]refPart, bool) {
	var parts []refPart
	var cur strings.Builder
	quoted, inQuote, closed := false, false, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case inQuote && ch == '"':
			if i+1 < len(s) && s[i+1] == '"' {
				cur.WriteByte('"')
				i++
				continue
			}
			inQuote, closed = false, true
		case inQuote:
			cur.WriteByte(ch)
		case ch == '"':
			if cur.Len() > 0 || closed {
				return nil, false // a quote in the middle of a part
			}
			inQuote, quoted = true, true
		case ch == '.':
			parts = append(parts, refPart{name: cur.String(), quoted: quoted})
			cur.Reset()
			quoted, closed = false, false
		default:
			if closed {
				return nil, false // text after a closing quote
			}
			cur.WriteByte(ch)
		}
	}
	if inQuote {
		return nil, false
	}
	parts = append(parts, refPart{name: cur.String(), quoted: quoted})
	for _, p := range parts {
		if p.name == "" && !p.quoted {
			return nil, false
		}
	}
	return parts, true
}

func hasQuoted(parts []refPart) bool {
	for _, p := range parts {
		if p.quoted {
			return true
		}
	}
	return false
}

func joinParts(parts []refPart) string {
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.name
	}
	return strings.Join(names, ".")
}

// TableName turns a table reference as written ("public.users",
// `public."a.b"`) into the name the schema is searched with.
func TableName(ref string) string {
	if !strings.Contains(ref, `"`) {
		return ref
	}
	parts, ok := splitRef(strings.TrimSpace(ref))
	if !ok {
		return ref
	}
	return joinParts(parts)
}

// SplitColumnRef resolves "schema.table.column" or "table.column". Parts in
// double quotes are taken literally (`public.t."a.b"`); an unquoted reference
// whose names hold dots resolves when exactly one split fits the schema.
func SplitColumnRef(s *dbtwin.Schema, ref string) (*dbtwin.Table, *dbtwin.Column, bool) {
	parts, ok := splitRef(ref)
	if !ok || len(parts) < 2 {
		return nil, nil, false
	}
	if hasQuoted(parts) {
		t := s.Table(joinParts(parts[:len(parts)-1]))
		if t == nil {
			return nil, nil, false
		}
		c := t.Column(parts[len(parts)-1].name)
		return t, c, c != nil
	}
	var ft *dbtwin.Table
	var fc *dbtwin.Column
	for i := len(parts) - 1; i >= 1; i-- {
		t := s.Table(joinParts(parts[:i]))
		if t == nil {
			continue
		}
		if c := t.Column(joinParts(parts[i:])); c != nil {
			if fc != nil {
				return nil, nil, false // ambiguous: quote the names
			}
			ft, fc = t, c
		}
	}
	return ft, fc, fc != nil
}
