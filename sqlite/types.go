package sqlite

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dbtwin/dbtwin"
)

// Affinity is a column's type affinity, derived from its declared type by
// SQLite's rules (https://sqlite.org/datatype3.html, section 3.1).
type Affinity int

// The five affinities.
const (
	AffinityBlob Affinity = iota // also "no declared type"
	AffinityText
	AffinityNumeric
	AffinityInteger
	AffinityReal
)

// String returns the affinity's name.
func (a Affinity) String() string {
	return [...]string{"BLOB", "TEXT", "NUMERIC", "INTEGER", "REAL"}[a]
}

// AffinityOf applies SQLite's affinity rules, in their order, to a declared type.
func AffinityOf(declared string) Affinity {
	t := strings.ToUpper(declared)
	switch {
	case strings.Contains(t, "INT"):
		return AffinityInteger
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return AffinityText
	case strings.Contains(t, "BLOB"), strings.TrimSpace(t) == "":
		return AffinityBlob
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"):
		return AffinityReal
	}
	return AffinityNumeric
}

// typeName returns the declared type's name without its parenthesised
// arguments, upper case and with single spaces: "NUMERIC(10,2)" -> "NUMERIC".
func typeName(declared string) string {
	if i := strings.IndexByte(declared, '('); i >= 0 {
		declared = declared[:i]
	}
	return strings.Join(strings.Fields(strings.ToUpper(declared)), " ")
}

// KindOf classifies a declared type. Common names (DATETIME, BOOLEAN, JSON,
// UUID, DECIMAL, …) are recognised first; anything else falls back to its
// affinity. A column without a declared type is KindOther: it can hold anything.
func KindOf(declared string) dbtwin.Kind {
	name := typeName(declared)
	switch name {
	case "":
		return dbtwin.KindOther
	case "BOOL", "BOOLEAN", "BIT":
		return dbtwin.KindBool
	case "DATE":
		return dbtwin.KindDate
	case "TIME", "TIME WITHOUT TIME ZONE", "TIMETZ", "TIME WITH TIME ZONE":
		return dbtwin.KindTime
	case "DATETIME", "TIMESTAMP", "TIMESTAMP WITHOUT TIME ZONE", "DATETIME2", "SMALLDATETIME":
		return dbtwin.KindTimestamp
	case "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE", "DATETIMEOFFSET":
		return dbtwin.KindTimestampTZ
	case "INTERVAL":
		return dbtwin.KindInterval
	case "JSON", "JSONB":
		return dbtwin.KindJSON
	case "UUID", "GUID", "UNIQUEIDENTIFIER":
		return dbtwin.KindUUID
	case "DECIMAL", "NUMERIC", "MONEY", "SMALLMONEY", "NUMBER":
		return dbtwin.KindNumeric
	case "BYTEA", "BINARY", "VARBINARY", "IMAGE":
		return dbtwin.KindBytes
	}
	switch AffinityOf(declared) {
	case AffinityInteger:
		return dbtwin.KindInt
	case AffinityText:
		return dbtwin.KindText
	case AffinityReal:
		return dbtwin.KindFloat
	case AffinityBlob:
		return dbtwin.KindBytes
	}
	return dbtwin.KindNumeric
}

// typeArgs returns the integer arguments of a declared type: "VARCHAR(40)"
// gives [40], "NUMERIC(10,2)" gives [10 2]. Unreadable arguments give nil.
func typeArgs(declared string) []int {
	i := strings.IndexByte(declared, '(')
	j := strings.LastIndexByte(declared, ')')
	if i < 0 || j < i {
		return nil
	}
	var out []int
	for _, p := range strings.Split(declared[i+1:j], ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil
		}
		out = append(out, n)
	}
	return out
}

// applyTypeArgs fills MaxLength, Precision and Scale from the declared type.
func applyTypeArgs(c *dbtwin.Column) {
	args := typeArgs(c.Type)
	if len(args) == 0 {
		return
	}
	switch {
	case c.Kind == dbtwin.KindText && strings.Contains(strings.ToUpper(c.Type), "CHAR"):
		c.MaxLength = args[0]
	case c.Kind == dbtwin.KindNumeric:
		c.Precision = args[0]
		if len(args) > 1 {
			c.Scale = args[1]
		}
	}
}

// StorageClass is the storage class of one SQLite value.
type StorageClass byte

// The storage classes, as the letters used in messages.
const (
	ClassNull    StorageClass = 'n'
	ClassInteger StorageClass = 'i'
	ClassReal    StorageClass = 'r'
	ClassText    StorageClass = 't'
	ClassBlob    StorageClass = 'b'
)

// appendValue appends the text form of a driver value to buf and returns its
// storage class: integers in decimal, reals in the shortest form that reads
// back to the same float64, text and blobs as their bytes.
func appendValue(buf []byte, v any) ([]byte, StorageClass) {
	switch x := v.(type) {
	case nil:
		return buf, ClassNull
	case int64:
		return strconv.AppendInt(buf, x, 10), ClassInteger
	case float64:
		return strconv.AppendFloat(buf, x, 'g', -1, 64), ClassReal
	case string:
		return append(buf, x...), ClassText
	case []byte:
		return append(buf, x...), ClassBlob
	case bool:
		if x {
			return append(buf, '1'), ClassInteger
		}
		return append(buf, '0'), ClassInteger
	case time.Time:
		// Only reached when a query's result column is declared DATE,
		// DATETIME or TIMESTAMP and could not be unwrapped (see Query).
		return x.AppendFormat(buf, "2006-01-02 15:04:05.999999999-07:00"), ClassText
	}
	return buf, ClassNull
}

// numeric reports whether s reads as a decimal SQLite numeric literal:
// optional sign, digits, optional fraction and exponent. It rejects what Go
// accepts but SQLite would keep as text: hex, "inf", "nan", underscores.
func numeric(s string) bool {
	if s == "+Inf" || s == "-Inf" {
		return true // how this package prints a real infinity
	}
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && isDigit(s[i]) {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && isDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && isDigit(s[i]) {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// asInt returns the field as an int64 when it is a decimal integer.
func asInt(f []byte) (int64, bool) {
	if len(f) == 0 || len(f) > 20 {
		return 0, false
	}
	n, err := strconv.ParseInt(string(f), 10, 64)
	return n, err == nil
}

// asFloat returns the field as a float64 when it is a decimal number.
func asFloat(f []byte) (float64, bool) {
	s := string(f)
	if !numeric(s) {
		return 0, false
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil && !(s == "+Inf" || s == "-Inf") {
		return 0, false
	}
	return x, true
}

// bindValue converts one text field into the Go value to bind for a column
// of the given affinity. When the field's storage class in the source is
// known (class != 0) and the field reads as that class, the class decides;
// otherwise the affinity does:
//
//	INTEGER, NUMERIC  int64 if it parses, else float64 if it parses, else text
//	REAL              float64 if it parses, else text
//	TEXT              text (a blob when the bytes are not valid UTF-8)
//	BLOB, none        []byte
//
// Binding by affinity reproduces the source's storage classes except for
// values the affinity would not have produced: text stored in an untyped
// column comes back as a blob, and so does a number stored there.
func bindValue(f []byte, aff Affinity, class StorageClass) any {
	if f == nil {
		return nil
	}
	switch class {
	case ClassInteger:
		if n, ok := asInt(f); ok {
			return n
		}
	case ClassReal:
		if x, ok := asFloat(f); ok {
			return x
		}
	case ClassText:
		return string(f)
	case ClassBlob:
		return append([]byte{}, f...)
	}
	switch aff {
	case AffinityInteger, AffinityNumeric:
		if n, ok := asInt(f); ok {
			return n
		}
		if x, ok := asFloat(f); ok {
			return x
		}
		return string(f)
	case AffinityReal:
		if x, ok := asFloat(f); ok {
			return x
		}
		return string(f)
	case AffinityText:
		if !utf8.Valid(f) {
			return append([]byte{}, f...)
		}
		return string(f)
	}
	return append([]byte{}, f...)
}
