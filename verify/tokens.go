package verify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// normText is the generic normal form: surrounding white space trimmed and
// lower-cased (mask.Normalize with the "text" class).
func normText(s string) string {
	s = strings.TrimFunc(s, unicode.IsSpace)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

// digitsOf returns the ASCII digits of s, in order.
func digitsOf(s string) string {
	n := countDigits(s)
	if n == len(s) {
		return s
	}
	b := make([]byte, 0, n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	return string(b)
}

func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			n++
		}
	}
	return n
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// minPhoneDigits is the fewest digits a phone-like number has; shorter digit
// strings (house numbers, amounts, postcodes) recur by chance.
const minPhoneDigits = 7

// isTokenRune reports whether r belongs to a token: letters, digits, marks
// and the characters addresses and identifiers are made of (@ . - _ +).
func isTokenRune(r rune) bool {
	switch r {
	case '@', '.', '-', '_', '+':
		return true
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// appendTokens splits already normalized text on white space and
// punctuation other than @ . - _ +, drops the dots a token ends with (the
// end of a sentence) and appends the non-empty tokens to dst.
func appendTokens(dst []string, s string) []string {
	start := -1
	emit := func(end int) {
		tok := strings.TrimRight(s[start:end], ".")
		if tok != "" {
			dst = append(dst, tok)
		}
		start = -1
	}
	for i, r := range s {
		if isTokenRune(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			emit(i)
		}
	}
	if start >= 0 {
		emit(len(s))
	}
	return dst
}

// joinTokens returns the tokens of normalized text s joined by one space:
// "smith,  jane" -> "smith jane".
func joinTokens(s string) (string, int) {
	var buf [8]string
	toks := appendTokens(buf[:0], s)
	return strings.Join(toks, " "), len(toks)
}

// isPhoneRune reports whether r may appear inside a written phone number.
func isPhoneRune(r byte) bool {
	switch r {
	case ' ', '-', '.', '(', ')', '/', '+':
		return true
	}
	return r >= '0' && r <= '9'
}

// appendPhoneRuns appends the digits of every run of s that looks like a
// written number ("+1 (555) 010-9999", "555.010.9999"): digits and phone
// punctuation, starting and ending with a digit, with at least
// minPhoneDigits digits and never two spaces in a row. Letters end a run.
func appendPhoneRuns(dst []string, s string) []string {
	i := 0
	for i < len(s) {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		// A run starts at a digit not glued to a preceding letter or digit.
		if i > 0 && isWordByte(s[i-1]) {
			for i < len(s) && (isWordByte(s[i]) || (isPhoneRune(s[i]) && s[i] != ' ')) {
				i++
			}
			continue
		}
		j, lastDigit := i, i
		for j < len(s) && isPhoneRune(s[j]) {
			if s[j] == ' ' && j+1 < len(s) && s[j+1] == ' ' {
				break
			}
			if s[j] >= '0' && s[j] <= '9' {
				lastDigit = j
			}
			j++
		}
		run := s[i : lastDigit+1]
		// A letter glued to the end makes it a word ("12345678abc"), not a number.
		if end := lastDigit + 1; end < len(s) && isLetterByte(s[end]) {
			i = end
			continue
		}
		if n := countDigits(run); n >= minPhoneDigits && n <= 20 && n != len(run) {
			dst = append(dst, digitsOf(run))
		}
		i = lastDigit + 1
	}
	return dst
}

func isWordByte(c byte) bool {
	return isLetterByte(c) || (c >= '0' && c <= '9') || c >= utf8.RuneSelf
}

func isLetterByte(c byte) bool {
	return ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z') || c >= utf8.RuneSelf
}
