package scan

import (
	"strings"
	"time"
)

// digitsOnly returns the digits of s and whether s held nothing but digits
// and the separators people write inside numbers (space, '-', '.', '/').
func digitsOnly(s string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			b.WriteByte(c)
		case c == ' ' || c == '-' || c == '.' || c == '/':
		default:
			return "", false
		}
	}
	return b.String(), true
}

// luhn reports whether a digit string passes the Luhn (mod 10) check.
func luhn(d string) bool {
	if len(d) < 2 {
		return false
	}
	sum := 0
	double := false
	for i := len(d) - 1; i >= 0; i-- {
		n := int(d[i] - '0')
		if n < 0 || n > 9 {
			return false
		}
		if double {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
		double = !double
	}
	return sum%10 == 0
}

// isCreditCard reports whether s is a payment card number: 13–19 digits,
// a known issuer prefix and a valid Luhn check digit.
func isCreditCard(s string) bool {
	d, ok := digitsOnly(strings.TrimSpace(s))
	if !ok || len(d) < 13 || len(d) > 19 || !luhn(d) {
		return false
	}
	p2 := atoiPrefix(d, 2)
	p4 := atoiPrefix(d, 4)
	switch {
	case d[0] == '4': // Visa
		return len(d) == 13 || len(d) == 16 || len(d) == 19
	case p2 >= 51 && p2 <= 55, p4 >= 2221 && p4 <= 2720: // Mastercard
		return len(d) == 16
	case p2 == 34 || p2 == 37: // American Express
		return len(d) == 15
	case p4 == 6011, p2 == 65, p2 == 64: // Discover
		return len(d) >= 16
	case p2 == 35: // JCB
		return len(d) >= 16
	case p2 == 36 || p2 == 38 || p2 == 30: // Diners
		return len(d) >= 14
	case p2 == 62, p2 == 50, p2 >= 56 && p2 <= 58, p2 == 67: // UnionPay, Maestro
		return len(d) >= 16
	}
	return false
}

func atoiPrefix(d string, n int) int {
	if len(d) < n {
		return -1
	}
	v := 0
	for i := 0; i < n; i++ {
		v = v*10 + int(d[i]-'0')
	}
	return v
}

// ibanLengths gives the IBAN length of common countries; others get 15–34.
var ibanLengths = map[string]int{"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24,
	"DE": 22, "DK": 18, "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GR": 27, "HR": 21, "HU": 28,
	"IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18,
	"NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "BR": 29, "TR": 26,
	"SA": 24, "AE": 23, "IL": 23}

// isIBAN reports whether s is an IBAN with a valid mod-97 check (spaces allowed).
func isIBAN(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if len(s) < 15 || len(s) > 34 {
		return false
	}
	if !isUpperLetter(s[0]) || !isUpperLetter(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
		return false
	}
	if n, ok := ibanLengths[s[:2]]; ok && n != len(s) {
		return false
	}
	r := s[4:] + s[:4]
	rem := 0
	for i := 0; i < len(r); i++ {
		c := r[i]
		switch {
		case isDigit(c):
			rem = (rem*10 + int(c-'0')) % 97
		case isUpperLetter(c):
			v := int(c-'A') + 10
			rem = (rem*100 + v) % 97
		default:
			return false
		}
	}
	return rem == 1
}

func isDigit(c byte) bool       { return c >= '0' && c <= '9' }
func isUpperLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

// nationalIDKind names the scheme a value validates under, or "".
// Each scheme checks a check digit or a strict shape, so random numbers
// rarely pass; a column is judged on the rate of passing values.
func nationalIDKind(s string) string {
	s = strings.TrimSpace(s)
	if len(s) < 9 || len(s) > 16 {
		return ""
	}
	switch {
	case isSSN(s):
		return "us_ssn"
	case isDNI(s):
		return "es_dni"
	case isHETU(s):
		return "fi_hetu"
	case isPersonnummer(s):
		return "se_personnummer"
	case isCPF(s):
		return "br_cpf"
	case isPESEL(s):
		return "pl_pesel"
	case isBSN(s):
		return "nl_bsn"
	case isNINO(s):
		return "uk_nino"
	}
	return ""
}

// isSSN accepts the written US SSN shape AAA-GG-SSSS with the ranges the
// Social Security Administration never issues excluded.
func isSSN(s string) bool {
	if len(s) != 11 || s[3] != '-' || s[6] != '-' {
		return false
	}
	d := s[:3] + s[4:6] + s[7:]
	for i := 0; i < len(d); i++ {
		if !isDigit(d[i]) {
			return false
		}
	}
	area := atoiPrefix(d, 3)
	return area != 0 && area != 666 && area < 900 && d[3:5] != "00" && d[5:] != "0000"
}

// isBSN checks the Dutch citizen service number: 9 digits, "11-proof".
func isBSN(s string) bool {
	d, ok := digitsOnly(s)
	if !ok || len(d) != 9 || d == "000000000" {
		return false
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += int(d[i]-'0') * (9 - i)
	}
	sum -= int(d[8] - '0')
	return sum%11 == 0
}

// isPersonnummer checks a Swedish personal identity number: YYMMDD-NNNC or
// YYYYMMDDNNNC, a real date (day+60 for coordination numbers) and Luhn.
func isPersonnummer(s string) bool {
	clean := strings.NewReplacer("-", "", "+", "").Replace(s)
	if len(clean) != 10 && len(clean) != 12 {
		return false
	}
	for i := 0; i < len(clean); i++ {
		if !isDigit(clean[i]) {
			return false
		}
	}
	if len(clean) == 12 {
		clean = clean[2:]
	}
	mm, dd := atoiPrefix(clean[2:], 2), atoiPrefix(clean[4:], 2)
	if dd > 60 {
		dd -= 60
	}
	if mm < 1 || mm > 12 || dd < 1 || dd > 31 {
		return false
	}
	return luhn(clean)
}

// isDNI checks a Spanish DNI (8 digits + letter) or NIE (X/Y/Z + 7 digits +
// letter), whose letter is the number mod 23.
func isDNI(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, "-", ""))
	if len(s) != 9 {
		return false
	}
	num := s[:8]
	switch num[0] {
	case 'X':
		num = "0" + num[1:]
	case 'Y':
		num = "1" + num[1:]
	case 'Z':
		num = "2" + num[1:]
	}
	n := 0
	for i := 0; i < 8; i++ {
		if !isDigit(num[i]) {
			return false
		}
		n = n*10 + int(num[i]-'0')
	}
	return s[8] == "TRWAGMYFPDXBNJZSQVHLCKE"[n%23]
}

// isHETU checks a Finnish personal identity code DDMMYYCZZZQ.
func isHETU(s string) bool {
	s = strings.ToUpper(s)
	if len(s) != 11 || !strings.ContainsRune("+-ABCDEFUVWXY", rune(s[6])) {
		return false
	}
	digits := s[:6] + s[7:10]
	n := 0
	for i := 0; i < len(digits); i++ {
		if !isDigit(digits[i]) {
			return false
		}
		n = n*10 + int(digits[i]-'0')
	}
	dd, mm := atoiPrefix(s, 2), atoiPrefix(s[2:], 2)
	if dd < 1 || dd > 31 || mm < 1 || mm > 12 {
		return false
	}
	return s[10] == "0123456789ABCDEFHJKLMNPRSTUVWXY"[n%31]
}

// isPESEL checks a Polish PESEL: 11 digits, an encoded birth date and a
// weighted check digit.
func isPESEL(s string) bool {
	d, ok := digitsOnly(s)
	if !ok || len(d) != 11 || len(s) != 11 {
		return false
	}
	mm := atoiPrefix(d[2:], 2) % 20
	dd := atoiPrefix(d[4:], 2)
	if mm < 1 || mm > 12 || dd < 1 || dd > 31 {
		return false
	}
	w := []int{1, 3, 7, 9, 1, 3, 7, 9, 1, 3}
	sum := 0
	for i, x := range w {
		sum += x * int(d[i]-'0')
	}
	return (10-sum%10)%10 == int(d[10]-'0')
}

// isCPF checks a Brazilian CPF (11 digits, often written 000.000.000-00)
// with its two mod-11 check digits.
func isCPF(s string) bool {
	d, ok := digitsOnly(s)
	if !ok || len(d) != 11 || strings.Count(d, d[:1]) == 11 {
		return false
	}
	if len(s) != 11 && len(s) != 14 {
		return false
	}
	check := func(n int) int {
		sum := 0
		for i := 0; i < n; i++ {
			sum += int(d[i]-'0') * (n + 1 - i)
		}
		r := (sum * 10) % 11
		if r == 10 {
			r = 0
		}
		return r
	}
	return check(9) == int(d[9]-'0') && check(10) == int(d[10]-'0')
}

// isNINO checks the shape of a UK National Insurance number (AB123456C).
func isNINO(s string) bool {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	if len(s) != 9 || !isUpperLetter(s[0]) || !isUpperLetter(s[1]) || !strings.ContainsRune("ABCD", rune(s[8])) {
		return false
	}
	if strings.ContainsRune("DFIQUV", rune(s[0])) || strings.ContainsRune("DFIQUVO", rune(s[1])) {
		return false
	}
	for i := 2; i < 8; i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

// plausibleAge reports whether a birth date taken at now gives an age in 0..110.
func plausibleAge(d, now time.Time) bool {
	return !d.After(now) && d.After(now.AddDate(-110, 0, 0))
}
