package subset

import (
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/dbtwin/dbtwin"
)

// dialect writes the few SQL fragments the traversal pushes to the source:
// quoted identifiers and IN lists of the text values the engine returned.
type dialect struct{ engine string }

func (d dialect) ident(name string) string {
	if d.engine == "mysql" {
		return "`" + strings.ReplaceAll(name, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// in returns "col IN (v, ...)" or "(a, b) IN ((v, w), ...)" for tuples of
// non-NULL values.
func (d dialect) in(t *dbtwin.Table, cols []string, tuples [][][]byte) string {
	if len(tuples) == 0 {
		return "1 = 0"
	}
	var b strings.Builder
	kinds := make([]*dbtwin.Column, len(cols))
	for i, c := range cols {
		kinds[i] = t.Column(c)
	}
	if len(cols) > 1 {
		b.WriteByte('(')
	}
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(d.ident(c))
	}
	if len(cols) > 1 {
		b.WriteByte(')')
	}
	b.WriteString(" IN (")
	for i, tup := range tuples {
		if i > 0 {
			b.WriteString(", ")
		}
		if len(cols) > 1 {
			b.WriteByte('(')
		}
		for j, v := range tup {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString(d.literal(kinds[j], v))
		}
		if len(cols) > 1 {
			b.WriteByte(')')
		}
	}
	b.WriteByte(')')
	return b.String()
}

// literal writes a value, given in the engine's text form, as a SQL literal
// that compares equal to the stored value.
func (d dialect) literal(col *dbtwin.Column, v []byte) string {
	kind := dbtwin.KindOther
	if col != nil {
		kind = col.Kind
	}
	switch d.engine {
	case "sqlite":
		if kind == dbtwin.KindBytes {
			return "X'" + hex.EncodeToString(v) + "'"
		}
		if _, ok := canonicalInt(v); ok {
			switch kind {
			case dbtwin.KindInt, dbtwin.KindNumeric, dbtwin.KindFloat, dbtwin.KindBool, dbtwin.KindOther:
				// Also matches integers stored in columns without a declared type.
				return string(v)
			}
		}
		if !utf8.Valid(v) || strings.IndexByte(string(v), 0) >= 0 {
			return "CAST(X'" + hex.EncodeToString(v) + "' AS TEXT)"
		}
		return "'" + strings.ReplaceAll(string(v), "'", "''") + "'"
	case "mysql":
		r := strings.NewReplacer(`\`, `\\`, `'`, `\'`, "\x00", `\0`)
		return "'" + r.Replace(string(v)) + "'"
	}
	// PostgreSQL: a quoted literal takes the column's type.
	s := string(v)
	if strings.IndexByte(s, '\\') >= 0 {
		return "E'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
