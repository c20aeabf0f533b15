package check

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dbtwin/dbtwin/scan"
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
	if hasHint(col, notNameHints) {
		// A product, album or city name: shown, but not an address in it.
		return redactText(v)
	}
	if hasHint(col, nameHints) {
		return initial(v)
	}
	return redactByValue(v)
}

// redactByValue hides what looks personal in a value whatever its column is
// called: JSON documents leaf by leaf (keys that say "name", "email"… and
// leaves the detectors flag), values scan's detectors take for personal
// data, runs of capitalised words (a name the dictionary does not know),
// then e-mail addresses and long digit strings inside any text.
func redactByValue(v string) string {
	if out, ok := redactJSON(v); ok {
		return out
	}
	t := strings.TrimSpace(v)
	if emailPattern.MatchString(t) && emailPattern.FindString(t) == t {
		return redactText(v)
	}
	if countDigits(t) >= 7 && strings.Trim(digitRunPattern.FindString(t), " ") == t {
		return maskDigits(v)
	}
	if r := redactText(redactNameRuns(v)); r != v {
		return r // addresses, long numbers, names inside text: hidden in place
	}
	if scan.LooksPersonal(t) {
		if countDigits(t) >= 4 {
			return maskDigits(t)
		}
		return initial(t)
	}
	return v
}

// capitalisedRun matches two to four capitalised words in a row: "Thaddeus
// Blackwood", "Anna-Lena O'Brien".
var capitalisedRun = regexp.MustCompile(`\p{Lu}[\p{Ll}'’-]+(?:[ \t]+\p{Lu}[\p{Ll}'’-]+){1,3}`)

// redactNameRuns replaces runs of capitalised words (likely a person's
// name) by their initial, and whole free text the detectors flag.
func redactNameRuns(v string) string {
	return capitalisedRun.ReplaceAllStringFunc(v, initial)
}

// redactJSON redacts a JSON object or array leaf by leaf, keeping its shape.
func redactJSON(v string) (string, bool) {
	t := strings.TrimSpace(v)
	if len(t) < 2 || (t[0] != '{' && t[0] != '[') {
		return "", false
	}
	dec := json.NewDecoder(strings.NewReader(t))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return "", false
	}
	doc = redactNode("", doc)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return "", false
	}
	return strings.TrimSpace(b.String()), true
}

func redactNode(key string, n any) any {
	switch x := n.(type) {
	case map[string]any:
		for k, v := range x {
			x[k] = redactNode(k, v)
		}
		return x
	case []any:
		for i, v := range x {
			x[i] = redactNode(key, v)
		}
		return x
	case string:
		if personalKey(key) {
			return redactValue(key, x)
		}
		return redactByValue(x)
	case json.Number:
		if personalKey(key) {
			return maskDigits(x.String())
		}
	}
	return n
}

// personalKey reports whether a JSON key or column name says personal data.
func personalKey(key string) bool {
	k := strings.ToLower(key)
	if k == "" {
		return false
	}
	return hasHint(k, personalHints) || (hasHint(k, nameHints) && !hasHint(k, notNameHints)) || scan.KeyLooksPersonal(key)
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
