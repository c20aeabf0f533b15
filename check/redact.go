package check

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+\-']+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.([A-Za-z]{2,})`)
	// A phone number or a long identifier: digits, possibly with the usual
	// separators, holding at least 7 digits (checked in code).
	digitRunPattern = regexp.MustCompile(`\+?\d[\d \-().]*\d`)
)

// Column names that mark a person's name (as a substring of the lowercased
// column name) and names containing "name" that do not.
var (
	nameHints    = []string{"name", "surname", "forename"}
	notNameHints = []string{"filename", "file_name", "hostname", "host_name", "tablename", "table_name",
		"typename", "type_name", "schemaname", "schema_name", "pathname", "domain_name", "product_name",
		"company_name", "category_name", "genre_name", "album_name", "track_name", "country_name", "city_name"}
	personalHints = []string{"email", "mail", "phone", "mobile", "fax", "ssn", "national", "passport",
		"iban", "card", "address", "street", "birth", "dob", "tax", "license", "licence", "ip_addr",
		"password", "secret", "token", "social"}
)

// redactValue hides what looks personal in a value from the given column:
// e-mail addresses become "j***@***.com", phone numbers and long digit
// strings keep only their last two digits, and values of columns whose name
// says they hold a person's name or other personal data keep their first
// character only.
func redactValue(column, v string) string {
	col := strings.ToLower(column)
	if hasHint(col, personalHints) {
		if emailPattern.MatchString(v) {
			return redactText(v)
		}
		if countDigits(v) >= 4 {
			return maskDigits(v)
		}
		return initial(v)
	}
	if hasHint(col, nameHints) && !hasHint(col, notNameHints) {
		return initial(v)
	}
	return redactText(v)
}

// redactText hides e-mail addresses and long digit strings inside free text.
func redactText(v string) string {
	v = emailPattern.ReplaceAllStringFunc(v, func(m string) string {
		at := strings.LastIndexByte(m, '@')
		first, _ := utf8.DecodeRuneInString(m)
		tld := m[strings.LastIndexByte(m, '.')+1:]
		if at <= 0 {
			return "***@***." + tld
		}
		return string(first) + "***@***." + tld
	})
	return digitRunPattern.ReplaceAllStringFunc(v, func(m string) string {
		if countDigits(m) < 7 {
			return m
		}
		return maskDigits(m)
	})
}

func hasHint(col string, hints []string) bool {
	for _, h := range hints {
		if strings.Contains(col, h) {
			return true
		}
	}
	return false
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// maskDigits replaces every digit but the last two with '*'.
func maskDigits(s string) string {
	keep := 2
	total := countDigits(s)
	var b strings.Builder
	seen := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			seen++
			if seen <= total-keep {
				b.WriteByte('*')
				continue
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// initial keeps the first character: "Jane Doe" -> "J***".
func initial(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, _ := utf8.DecodeRuneInString(s)
	return string(r) + "***"
}
