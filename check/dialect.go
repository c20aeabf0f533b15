package check

import (
	"fmt"
	"strings"
)

// Dialect names the SQL dialects checks can run against.
const (
	DialectPostgres = "postgres"
	DialectSQLite   = "sqlite"
	DialectMySQL    = "mysql"
)

// normalizeDialect maps accepted spellings to a Dialect* constant.
func normalizeDialect(d string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(d)) {
	case "postgres", "postgresql", "pgx", "pg":
		return DialectPostgres, nil
	case "sqlite", "sqlite3":
		return DialectSQLite, nil
	case "mysql", "mariadb":
		return DialectMySQL, nil
	}
	return "", fmt.Errorf("unsupported SQL dialect %q: checks run on %q, %q or %q", d, DialectPostgres, DialectSQLite, DialectMySQL)
}

// sqlGen writes SQL for one dialect: PostgreSQL and SQLite quote
// identifiers with double quotes, MySQL with backquotes.
type sqlGen struct{ dialect string }

// ident quotes one identifier as written.
func (g sqlGen) ident(name string) string {
	if g.dialect == DialectMySQL {
		return "`" + strings.ReplaceAll(name, "`", "``") + "`"
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// table quotes a possibly qualified table name.
func (g sqlGen) table(name string) (string, error) {
	parts, err := splitName(name)
	if err != nil {
		return "", err
	}
	for i, p := range parts {
		parts[i] = g.ident(p)
	}
	return strings.Join(parts, "."), nil
}

// cols quotes columns, each prefixed by alias if given.
func (g sqlGen) cols(alias string, cols []string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = g.ident(c)
		if alias != "" {
			out[i] = alias + "." + out[i]
		}
	}
	return out
}

// text casts an expression to text, for example values.
func (g sqlGen) text(expr string) string {
	if g.dialect == DialectMySQL {
		return "CAST(" + expr + " AS CHAR)"
	}
	return "CAST(" + expr + " AS TEXT)"
}

// from returns the FROM item for a source, with the given alias.
func (g sqlGen) from(s Source, alias string) (string, error) {
	if s.Table != "" {
		t, err := g.table(s.Table)
		if err != nil {
			return "", err
		}
		return t + " AS " + alias, nil
	}
	// The newline ends a trailing "-- comment" in the query.
	return "(" + trimSQL(s.SQL) + "\n) AS " + alias, nil
}

// literal writes a constant from the checks file.
func (g sqlGen) literal(l Literal) string {
	switch l.Kind {
	case "number":
		return l.Text
	case "bool":
		if l.Text == "true" {
			return "TRUE"
		}
		return "FALSE"
	}
	if g.dialect == DialectMySQL {
		return "'" + strings.NewReplacer(`\`, `\\`, "'", "''").Replace(l.Text) + "'"
	}
	return "'" + strings.ReplaceAll(l.Text, "'", "''") + "'"
}

// anyNull is "a IS NULL OR b IS NULL"; allNotNull its negation.
func anyNull(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + " IS NULL"
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

func allNotNull(cols []string) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = c + " IS NOT NULL"
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}

// equalities is "a.x = b.y AND ...".
func equalities(left, right []string) string {
	parts := make([]string, len(left))
	for i := range left {
		parts[i] = left[i] + " = " + right[i]
	}
	return strings.Join(parts, " AND ")
}

// trimSQL removes surrounding space and trailing semicolons so the query can
// be wrapped in a subquery.
func trimSQL(s string) string {
	s = strings.TrimSpace(s)
	for strings.HasSuffix(s, ";") {
		s = strings.TrimSpace(strings.TrimSuffix(s, ";"))
	}
	return s
}
