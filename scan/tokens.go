package scan

import (
	"strings"
	"unicode"
)

// foldRune maps common accented Latin letters to their plain ASCII form so
// that names and words from several languages compare equal ("Straße" and
// "strasse", "téléphone" and "telephone"). Letters it does not know are kept.
func foldRune(r rune) string {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ā', 'ą', 'À', 'Á', 'Â', 'Ã', 'Ä', 'Å', 'Ā', 'Ą':
		if unicode.IsUpper(r) {
			return "A"
		}
		return "a"
	case 'æ':
		return "ae"
	case 'Æ':
		return "AE"
	case 'ç', 'ć', 'č', 'Ç', 'Ć', 'Č':
		if unicode.IsUpper(r) {
			return "C"
		}
		return "c"
	case 'ď', 'đ', 'Ď', 'Đ':
		if unicode.IsUpper(r) {
			return "D"
		}
		return "d"
	case 'è', 'é', 'ê', 'ë', 'ē', 'ę', 'ě', 'È', 'É', 'Ê', 'Ë', 'Ē', 'Ę', 'Ě':
		if unicode.IsUpper(r) {
			return "E"
		}
		return "e"
	case 'ì', 'í', 'î', 'ï', 'ī', 'Ì', 'Í', 'Î', 'Ï', 'Ī':
		if unicode.IsUpper(r) {
			return "I"
		}
		return "i"
	case 'ł', 'Ł':
		if unicode.IsUpper(r) {
			return "L"
		}
		return "l"
	case 'ñ', 'ń', 'ň', 'Ñ', 'Ń', 'Ň':
		if unicode.IsUpper(r) {
			return "N"
		}
		return "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ō', 'ő', 'Ò', 'Ó', 'Ô', 'Õ', 'Ö', 'Ø', 'Ō', 'Ő':
		if unicode.IsUpper(r) {
			return "O"
		}
		return "o"
	case 'œ':
		return "oe"
	case 'ř', 'Ř':
		if unicode.IsUpper(r) {
			return "R"
		}
		return "r"
	case 'ś', 'š', 'ş', 'Ś', 'Š', 'Ş':
		if unicode.IsUpper(r) {
			return "S"
		}
		return "s"
	case 'ß':
		return "ss"
	case 'ť', 'ţ', 'Ť', 'Ţ':
		if unicode.IsUpper(r) {
			return "T"
		}
		return "t"
	case 'ù', 'ú', 'û', 'ü', 'ū', 'ů', 'ű', 'Ù', 'Ú', 'Û', 'Ü', 'Ū', 'Ů', 'Ű':
		if unicode.IsUpper(r) {
			return "U"
		}
		return "u"
	case 'ý', 'ÿ', 'Ý':
		if unicode.IsUpper(r) {
			return "Y"
		}
		return "y"
	case 'ź', 'ż', 'ž', 'Ź', 'Ż', 'Ž':
		if unicode.IsUpper(r) {
			return "Z"
		}
		return "z"
	}
	return string(r)
}

// fold returns s with accents removed (see foldRune).
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteString(foldRune(r))
	}
	return b.String()
}

// tokens splits an identifier into lower-case words: snake_case, kebab-case,
// spaces, camelCase and acronyms ("CustomerID" -> customer, id;
// "IDNumber" -> id, number), and letter/digit boundaries ("address2" ->
// address, 2). Accents are folded.
func tokens(name string) []string {
	rs := []rune(fold(name))
	var out []string
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		p := rs[i-1]
		switch {
		case unicode.IsDigit(r) != unicode.IsDigit(p):
			flush(i)
			start = i
		case unicode.IsUpper(r) && unicode.IsLower(p):
			flush(i)
			start = i
		case unicode.IsUpper(r) && unicode.IsUpper(p) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			// "IDNumber": the N starts a new word.
			flush(i)
			start = i
		}
	}
	flush(len(rs))
	return out
}

// stem reduces an English plural to its singular well enough to compare
// table and column names ("categories" -> "category", "addresses" ->
// "address", "people" -> "person").
func stem(w string) string {
	switch w {
	case "people":
		return "person"
	case "children":
		return "child"
	case "men":
		return "man"
	case "women":
		return "woman"
	case "data", "status", "address", "bus", "alias", "analysis", "class", "news", "series":
		return w
	}
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 4 && (strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "xes") ||
		strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "zes")):
		return w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss") &&
		!strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:n-1]
	}
	return w
}

// stems returns the stemmed tokens of an identifier.
func stems(name string) []string {
	ts := tokens(name)
	for i, t := range ts {
		ts[i] = stem(t)
	}
	return ts
}

// normName is an identifier's stemmed tokens joined without separators, so
// "CustomerID", "customer_id" and "customers_id" compare equal.
func normName(name string) string { return strings.Join(stems(name), "") }
