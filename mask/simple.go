package mask

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dbtwin/dbtwin"
)

// null, constant and keep.

func buildNull(b *builder) (Transformer, error) {
	if !b.col.Column.Nullable {
		return nil, b.errorf("cannot mask %s: the column is NOT NULL; use constant, hash or a transformer of its kind", b.where())
	}
	return TransformerFunc(func([]byte) ([]byte, error) { return nil, nil }), nil
}

func buildKeep(b *builder) (Transformer, error) {
	return TransformerFunc(func(v []byte) ([]byte, error) { return append([]byte(nil), v...), nil }), nil
}

func buildConstant(b *builder) (Transformer, error) {
	val := scalarString(b.p.value("value"))
	if err := fitsKind(b, val); err != nil {
		return nil, err
	}
	out := []byte(val)
	return TransformerFunc(func([]byte) ([]byte, error) { return append([]byte(nil), out...), nil }), nil
}

// fitsKind checks that a literal value can be stored in the column.
func fitsKind(b *builder, val string) error {
	c := b.col.Column
	bad := func(what string) error {
		return b.errorf("value %q cannot be stored in %s: %s", val, b.where(), what)
	}
	switch c.Kind {
	case dbtwin.KindInt:
		if _, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64); err != nil {
			return bad("it is not an integer")
		}
	case dbtwin.KindFloat, dbtwin.KindNumeric:
		if _, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err != nil {
			return bad("it is not a number")
		}
	case dbtwin.KindBool:
		switch strings.ToLower(strings.TrimSpace(val)) {
		case "t", "f", "true", "false", "yes", "no", "on", "off", "1", "0", "y", "n":
		default:
			return bad("it is not a boolean (true or false)")
		}
	case dbtwin.KindDate, dbtwin.KindTimestamp, dbtwin.KindTimestampTZ:
		if _, ok := parseDate(strings.TrimSpace(val), false); !ok && !strings.Contains(strings.ToLower(val), "infinity") {
			return bad("it is not a date (write it as YYYY-MM-DD)")
		}
	case dbtwin.KindUUID:
		n := 0
		for _, r := range val {
			if strings.ContainsRune("0123456789abcdefABCDEF", r) {
				n++
			}
		}
		if n != 32 {
			return bad("it is not a UUID")
		}
	case dbtwin.KindJSON:
		if !json.Valid([]byte(val)) {
			return bad("it is not valid JSON")
		}
	case dbtwin.KindEnum:
		if len(c.EnumValues) > 0 && !contains(c.EnumValues, val) {
			return bad("it is not one of the type's labels (" + strings.Join(c.EnumValues, ", ") + ")" +
				didYouMean(val, c.EnumValues))
		}
	}
	if ml := c.MaxLength; ml > 0 && utf8.RuneCountInString(val) > ml {
		return bad("it is " + strconv.Itoa(utf8.RuneCountInString(val)) + " characters long and the column holds at most " + strconv.Itoa(ml))
	}
	return nil
}
