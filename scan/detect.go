package scan

import (
	"math"
	"net"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// vclass is a set of value detectors that matched one value.
type vclass uint32

const (
	vEmail        vclass = 1 << iota
	vPhone               // written like a phone number (+, parentheses, separators)
	vPhoneDigits         // a bare digit string of phone length
	vCard                // payment card number, Luhn-valid
	vIBAN                // IBAN, mod-97 valid
	vNationalID          // a national ID with a valid check digit or strict shape
	vIP                  // IPv4 or IPv6 address
	vSecret              // token, key, password hash, high-entropy string
	vFirstName           // a known given name
	vLastName            // a known surname
	vFullName            // a person's full name, or a list of them
	vStreet              // number + street word ("12 Baker Street", "Hauptstr. 5")
	vStreetLike          // number + words: plausible address, weak
	vPostcode            // shape of a postal code
	vCityLike            // one to four words of letters
	vUsernameLike        // handle-like: letters, digits, dot, underscore
)

// classifyValue runs the per-value detectors on a text value.
func classifyValue(v string) vclass {
	s := strings.TrimSpace(v)
	if s == "" || len(s) > 512 {
		return 0
	}
	var c vclass
	if isEmail(s) {
		return vEmail
	}
	if isIP(s) {
		return vIP
	}
	if isIBAN(s) {
		c |= vIBAN
	}
	if isCreditCard(s) {
		c |= vCard
	}
	if nationalIDKind(s) != "" {
		c |= vNationalID
	}
	c |= phoneClass(s)
	if isSecretValue(s) {
		c |= vSecret
	}
	if isPostcode(s) {
		c |= vPostcode
	}
	c |= streetClass(s)
	c |= nameClass(s)
	if isUsernameLike(s) {
		c |= vUsernameLike
	}
	return c
}

// isEmail reports whether s is an e-mail address: local@domain.tld.
func isEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || len(s) > 254 || strings.ContainsAny(s, " \t<>()[],;:\"") {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if strings.Contains(local, "@") || strings.HasPrefix(local, ".") || strings.HasSuffix(local, ".") {
		return false
	}
	dot := strings.LastIndexByte(domain, '.')
	if dot < 1 || dot > len(domain)-3 {
		return false
	}
	for _, r := range domain[dot+1:] {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	for _, r := range domain {
		if !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// isIP reports whether s is an IPv4 or IPv6 address (an optional /prefix
// as PostgreSQL's inet prints is allowed).
func isIP(s string) bool {
	if i := strings.IndexByte(s, '/'); i > 0 {
		s = s[:i]
	}
	switch {
	case strings.Count(s, ".") == 3 && !strings.Contains(s, ":"):
		ip := net.ParseIP(s)
		return ip != nil && ip.To4() != nil
	case strings.Count(s, ":") >= 2:
		return net.ParseIP(s) != nil
	}
	return false
}

var (
	isoDate  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}`)
	euroDate = regexp.MustCompile(`^\d{1,2}[./]\d{1,2}[./]\d{4}$`)
	zipPlus4 = regexp.MustCompile(`^\d{5}-\d{4}$`)
	decimal  = regexp.MustCompile(`^-?\d+[.,]\d+$`)
)

// phoneClass tells whether s looks like a phone number: vPhone when written
// with a leading +, parentheses or separators, vPhoneDigits for a bare run
// of 7 to 15 digits. An extension ("x123", "ext. 4") is allowed.
func phoneClass(s string) vclass {
	if len(s) > 32 {
		return 0
	}
	low := strings.ToLower(s)
	for _, ext := range []string{" ext.", " ext", " x", "x", "#"} {
		if i := strings.LastIndex(low, ext); i > 5 {
			low = strings.TrimSpace(low[:i])
			break
		}
	}
	if isoDate.MatchString(low) || euroDate.MatchString(low) || zipPlus4.MatchString(low) || decimal.MatchString(low) {
		return 0
	}
	digits, seps, parens := 0, 0, 0
	for i, r := range low {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '.' || r == '/':
			seps++
		case r == '(' || r == ')':
			parens++
		case r == '+' && i == 0:
		default:
			return 0
		}
	}
	if digits < 7 || digits > 15 {
		return 0
	}
	switch {
	case strings.HasPrefix(low, "+") && digits >= 8:
		return vPhone
	case parens == 2:
		return vPhone
	case seps == 0 && parens == 0:
		return vPhoneDigits
	case seps > 0 && parens == 0 && strings.Count(low, ".") != 3:
		return vPhone
	}
	return 0
}

var postcodeShapes = regexp.MustCompile(`^(\d{5}|\d{4}|\d{6}|\d{5}-\d{4}|\d{4} ?[A-Za-z]{2}|\d{3} ?\d{2}|\d{2}-\d{3}|\d{5}-\d{3}|\d{4}-\d{3}|\d{3}-\d{4}|[A-Za-z]\d[A-Za-z] ?\d[A-Za-z]\d|[A-Za-z]{1,2}\d[A-Za-z\d]? ?\d[A-Za-z]{2}|[A-Za-z]{1,2}-?\d{4,5})$`)

// isPostcode reports whether s has the shape of a postal code of a common country.
func isPostcode(s string) bool { return len(s) <= 10 && postcodeShapes.MatchString(s) }

// streetWords are words that name a street in the languages covered.
var streetWords = map[string]bool{"street": true, "st": true, "str": true, "strasse": true, "rue": true,
	"avenue": true, "ave": true, "av": true, "avda": true, "road": true, "rd": true, "lane": true,
	"ln": true, "drive": true, "dr": true, "boulevard": true, "blvd": true, "way": true, "court": true,
	"ct": true, "place": true, "pl": true, "square": true, "sq": true, "terrace": true, "parkway": true,
	"pkwy": true, "highway": true, "hwy": true, "alley": true, "circle": true, "crescent": true,
	"close": true, "row": true, "via": true, "viale": true, "piazza": true, "corso": true,
	"calle": true, "avenida": true, "rua": true, "travessa": true, "largo": true, "praca": true,
	"alameda": true, "carrera": true, "plaza": true, "paseo": true, "camino": true, "ulica": true,
	"ul": true, "aleja": true, "gatan": true, "gata": true, "vagen": true, "torg": true, "weg": true,
	"laan": true, "straat": true, "plein": true, "kade": true, "gracht": true, "dreef": true,
	"singel": true, "gasse": true, "allee": true, "platz": true, "ring": true, "damm": true,
	"chaussee": true, "vej": true, "gade": true, "veien": true, "vei": true, "katu": true,
	"chemin": true, "impasse": true, "quai": true, "cours": true, "route": true, "apt": true,
	"suite": true, "unit": true, "floor": true, "po": true, "box": true}

// streetSuffixes end compound street names ("Hauptstraße", "Grétrystraat").
var streetSuffixes = []string{"strasse", "str", "straat", "gatan", "vagen", "veien", "vej", "gade",
	"weg", "laan", "gasse", "allee", "platz", "katu", "gracht", "plein", "dreef", "kade", "steeg"}

// streetClass tells whether s looks like a street address: vStreet with a
// number and a street word, vStreetLike with a number and words only.
func streetClass(s string) vclass {
	if len(s) < 5 || len(s) > 120 || strings.Contains(s, "@") || isoDate.MatchString(s) {
		return 0
	}
	ts := strings.FieldsFunc(strings.ToLower(fold(s)), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r))
	})
	if len(ts) < 2 || len(ts) > 12 {
		return 0
	}
	hasNum, words, street := false, 0, false
	for _, t := range ts {
		switch {
		case t[0] >= '0' && t[0] <= '9':
			if len(t) <= 6 {
				hasNum = true
			}
		default:
			if len(t) >= 3 {
				words++
			}
			if streetWords[t] {
				street = true
			}
			for _, suf := range streetSuffixes {
				if len(t) > len(suf)+2 && strings.HasSuffix(t, suf) {
					street = true
				}
			}
		}
	}
	switch {
	case hasNum && street && words >= 1:
		return vStreet
	case hasNum && words >= 1:
		return vStreetLike
	}
	return 0
}

// nameClass tells whether s is a person's given name, surname, full name,
// or a list of full names ("Angus Young, Malcolm Young"); it also marks
// values that are just short runs of letters (vCityLike).
func nameClass(s string) vclass {
	if len(s) > 120 || strings.ContainsAny(s, "@0123456789_") {
		return 0
	}
	var c vclass
	ws := nameWords(s)
	if len(ws) >= 1 && len(ws) <= 4 && len(s) <= 48 {
		c |= vCityLike
	}
	switch {
	case len(ws) == 1:
		if isFirstName(ws[0]) {
			c |= vFirstName
		}
		if isLastName(ws[0]) {
			c |= vLastName
		}
	case len(ws) >= 2 && len(ws) <= 5 && !strings.ContainsAny(s, ",&/;"):
		if isFullName(ws) {
			c |= vFullName
		}
	}
	if strings.ContainsAny(s, ",&/;") {
		pieces := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '&' || r == '/' || r == ';' })
		persons := 0
		for _, p := range pieces {
			pw := nameWords(p)
			if len(pw) >= 2 && len(pw) <= 5 && (isFullName(pw) || isInitialSurname(pw)) {
				persons++
			}
		}
		if persons >= 1 && persons*2 >= len(pieces) {
			c |= vFullName
		}
	}
	return c
}

// nameWords splits a value into words of letters ('-', '\” and '.' kept inside).
func nameWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || r == '-' || r == '\'' || r == '.')
	})
}

var titles = map[string]bool{"mr": true, "mrs": true, "ms": true, "miss": true, "dr": true, "prof": true,
	"sir": true, "herr": true, "frau": true, "mme": true, "mlle": true, "m": true, "sr": true, "sra": true,
	"sig": true, "dott": true}

// isFullName: an optional title, a known given name, then words of letters
// ending in a capitalised (or all-caps) word that is not a title.
func isFullName(ws []string) bool {
	i := 0
	if titles[strings.ToLower(strings.TrimSuffix(ws[0], "."))] {
		i = 1
	}
	if len(ws)-i < 2 {
		return false
	}
	if !isFirstName(strings.Trim(ws[i], ".")) {
		return false
	}
	last := strings.Trim(ws[len(ws)-1], ".")
	if len(last) < 2 {
		return false
	}
	r := []rune(last)
	return unicode.IsUpper(r[0]) || isLastName(last) || isRoman(last)
}

// isInitialSurname matches "U. Dirkschneider", "R.A. Smith-Diesel".
func isInitialSurname(ws []string) bool {
	if len(ws) != 2 {
		return false
	}
	init := ws[0]
	if !strings.HasSuffix(init, ".") || len(init) > 4 {
		return false
	}
	r := []rune(ws[1])
	return len(r) >= 3 && unicode.IsUpper(r[0])
}

func isRoman(w string) bool {
	for _, r := range w {
		if !strings.ContainsRune("IVX", r) {
			return false
		}
	}
	return w != ""
}

var usernameShape = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9._-]{2,31}$`)

// isUsernameLike: a handle of letters, digits, dot, dash or underscore.
func isUsernameLike(s string) bool { return usernameShape.MatchString(s) }

var hexShape = regexp.MustCompile(`^[0-9a-fA-F]+$`)

// secretPrefixes start well-known kinds of keys, tokens and password hashes.
var secretPrefixes = []string{"sk_live_", "sk_test_", "pk_live_", "rk_live_", "whsec_", "ghp_", "gho_",
	"ghs_", "ghu_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-", "AKIA", "ASIA", "AIza",
	"-----BEGIN", "$2a$", "$2b$", "$2y$", "$argon2", "$pbkdf2", "$6$", "$5$", "$1$", "{SSHA}",
	"pbkdf2_sha256$", "bcrypt$", "sha1$", "scrypt:", "SG.", "npm_", "pypi-"}

// isSecretValue reports whether s looks like a credential: a known key or
// hash prefix, a JWT, a hex digest, or a long high-entropy string.
func isSecretValue(s string) bool {
	if len(s) < 16 || strings.ContainsAny(s, " \t\n") {
		return false
	}
	for _, p := range secretPrefixes {
		if strings.HasPrefix(s, p) && len(s) >= len(p)+8 {
			return true
		}
	}
	if strings.HasPrefix(s, "eyJ") && strings.Count(s, ".") == 2 {
		return true
	}
	switch len(s) {
	case 32, 40, 56, 64, 96, 128:
		if hexShape.MatchString(s) {
			return true
		}
	}
	if len(s) < 20 || len(s) > 512 {
		return false
	}
	var up, low, dig, other int
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z':
			up++
		case r >= 'a' && r <= 'z':
			low++
		case r >= '0' && r <= '9':
			dig++
		case r == '+' || r == '/' || r == '=' || r == '-' || r == '_':
		default:
			other++
		}
	}
	return other == 0 && up > 0 && low > 0 && dig > 0 && entropy(s) >= 4.0
}

// entropy is the Shannon entropy of s in bits per character.
func entropy(s string) float64 {
	var freq [256]int
	for i := 0; i < len(s); i++ {
		freq[s[i]]++
	}
	h := 0.0
	n := float64(len(s))
	for _, f := range freq {
		if f > 0 {
			p := float64(f) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// parseDate reads the date at the start of a value in ISO form (as both
// engines print dates and timestamps) or DD.MM.YYYY / DD/MM/YYYY.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && isoDate.MatchString(s) {
		t, err := time.Parse("2006-01-02", s[:10])
		return t, err == nil
	}
	if euroDate.MatchString(s) {
		sep := "."
		if strings.Contains(s, "/") {
			sep = "/"
		}
		p := strings.Split(s, sep)
		t, err := time.Parse("2-1-2006", p[0]+"-"+p[1]+"-"+p[2])
		return t, err == nil
	}
	return time.Time{}, false
}
