package mysql

import (
	"strings"

	"github.com/dbtwin/dbtwin"
)

// kindOf classifies a column by information_schema's DATA_TYPE (and
// COLUMN_TYPE for the details DATA_TYPE drops).
func kindOf(dataType, columnType string) dbtwin.Kind {
	switch strings.ToLower(dataType) {
	case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "year":
		return dbtwin.KindInt
	case "decimal", "numeric":
		return dbtwin.KindNumeric
	case "float", "double", "real":
		return dbtwin.KindFloat
	case "date":
		return dbtwin.KindDate
	case "time":
		return dbtwin.KindTime
	case "datetime", "timestamp":
		// Both print as "YYYY-MM-DD hh:mm:ss[.ffffff]" without a zone
		// (TIMESTAMP read in UTC, see the session settings).
		return dbtwin.KindTimestamp
	case "char", "varchar", "tinytext", "text", "mediumtext", "longtext":
		return dbtwin.KindText
	case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob":
		return dbtwin.KindBytes
	case "json":
		return dbtwin.KindJSON
	case "uuid":
		return dbtwin.KindUUID
	case "enum":
		return dbtwin.KindEnum
	}
	// set, bit, geometry types, inet4/inet6 and anything newer are copied
	// as they are and never classified as personal data by their type.
	return dbtwin.KindOther
}

// isBit reports whether a column type is BIT(n): its values are raw bytes
// the text protocol returns as they are stored, read as numbers instead.
func isBit(colType string) bool {
	return strings.HasPrefix(strings.ToLower(colType), "bit")
}

// isSpatial reports whether a column type is a geometry type, read and
// written as WKB with ST_AsWKB / ST_GeomFromWKB.
func isSpatial(colType string) bool {
	switch strings.ToLower(strings.Fields(colType + " ")[0]) {
	case "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring",
		"multipolygon", "geometrycollection", "geomcollection":
		return true
	}
	return false
}

// isFloat reports whether a column type is FLOAT: the server prints FLOAT
// values with 6 significant digits, which would not reload to the same
// value, so they are read as DOUBLE (exact for every FLOAT value).
func isFloat(colType string) bool {
	return strings.HasPrefix(strings.ToLower(colType), "float")
}

// appendField appends one value in the LOAD DATA format this package uses:
// fields separated by tab, rows by newline, \N for NULL, and backslash
// escapes for backslash, tab, newline, carriage return and NUL.
func appendField(dst, v []byte) []byte {
	if v == nil {
		return append(dst, '\\', 'N')
	}
	start := 0
	for i, c := range v {
		var esc byte
		switch c {
		case '\\':
			esc = '\\'
		case '\t':
			esc = 't'
		case '\n':
			esc = 'n'
		case '\r':
			esc = 'r'
		case 0:
			esc = '0'
		default:
			continue
		}
		dst = append(dst, v[start:i]...)
		dst = append(dst, '\\', esc)
		start = i + 1
	}
	return append(dst, v[start:]...)
}

// appendRow appends a row in the LOAD DATA format.
func appendRow(dst []byte, row dbtwin.Row) []byte {
	for i, v := range row {
		if i > 0 {
			dst = append(dst, '\t')
		}
		dst = appendField(dst, v)
	}
	return append(dst, '\n')
}
