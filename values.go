package dbtwin

import (
	"regexp"
	"strings"
)

// Database servers quote row values in a few well-known places of their
// messages: the input of a type's parser ("invalid input syntax for type
// integer: \"…\""), the key of a unique or foreign key violation
// ("Key (email)=(…)"), the failing row of a NOT NULL or CHECK violation, and
// the COPY line or field being read. RedactValues cuts them out, keeping
// what says where (table, column, constraint, line).
var (
	quotedTail     = regexp.MustCompile(`(?m): ".*"( \(SQLSTATE [0-9A-Z]+\))?$`)
	quotedValue    = regexp.MustCompile(`(value|literal|input) "[^"]*"`)
	keyValues      = regexp.MustCompile(`\)=\(.*\)( already exists| is not present| is still referenced| is duplicated| conflicts| violates)`)
	failingRow     = regexp.MustCompile(`(Failing row contains) \(.*\)`)
	copyWhereValue = regexp.MustCompile(`(COPY [^,\n]+, line \d+(?:, column [^:\n]+)?): .*`)
	mysqlValue     = regexp.MustCompile(`(Duplicate entry|Incorrect \w+ value:?|Data truncated for column|Out of range value for column) '[^']*'`)
)

// RedactValues removes row values from a database server's message.
func RedactValues(msg string) string {
	lines := strings.Split(msg, "\n")
	for i, l := range lines {
		l = copyWhereValue.ReplaceAllString(l, "$1")
		l = quotedTail.ReplaceAllString(l, ": (value not shown)$1")
		l = quotedValue.ReplaceAllString(l, "$1 (not shown)")
		l = keyValues.ReplaceAllString(l, ")=(values not shown)$1")
		l = failingRow.ReplaceAllString(l, "$1 (values not shown)")
		l = mysqlValue.ReplaceAllString(l, "$1 (value not shown)")
		lines[i] = l
	}
	return strings.Join(lines, "\n")
}
