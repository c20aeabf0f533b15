package mask

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalization classes accepted by Normalize and Digest.
const (
	// NormText trims surrounding white space and lower-cases: "  Ann@X.org "
	// and "ann@x.org" are the same value.
	NormText = "text"
	// NormDigits keeps only the ASCII digits: "+1 (555) 010-9999" and
	// "15550109999" are the same value. Phones and identifiers use it.
	NormDigits = "digits"
	// NormPhone is an alias of NormDigits.
	NormPhone = "phone"
	// NormExact leaves the value as it is.
	NormExact = "exact"
)

// Normalize returns value in the normal form of class (NormText, NormDigits
// or NormPhone, NormExact); an unknown class is treated as NormText. Masking
// keys values by their normal form, so values with the same normal form are
// masked to outputs with the same normal form.
func Normalize(class string, value []byte) []byte {
	switch class {
	case NormDigits, NormPhone:
		return digitsOnly(value)
	case NormExact:
		return value
	default:
		return []byte(strings.ToLower(string(bytes.TrimFunc(value, unicode.IsSpace))))
	}
}

func digitsOnly(v []byte) []byte {
	out := make([]byte, 0, len(v))
	for _, c := range v {
		if c >= '0' && c <= '9' {
			out = append(out, c)
		}
	}
	return out
}

// textValue is an input split for masking: the surrounding white space and
// the original letter case are put back on the masked normal form.
type textValue struct {
	lead, trail string // surrounding white space, kept verbatim
	core        string // the value without it, original case
	norm        string // lower(core): what is keyed and masked
}

func splitText(v []byte) textValue {
	s := string(v)
	core := strings.TrimLeftFunc(s, unicode.IsSpace)
	lead := s[:len(s)-len(core)]
	c2 := strings.TrimRightFunc(core, unicode.IsSpace)
	trail := core[len(c2):]
	return textValue{lead: lead, trail: trail, core: c2, norm: lower(c2)}
}

// lower is strings.ToLower with an ASCII fast path that avoids a copy when
// nothing changes.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(s)
		}
		if 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// finish restores the original's case pattern and white space on masked.
func (tv textValue) finish(masked string) []byte {
	out := make([]byte, 0, len(tv.lead)+len(masked)+len(tv.trail)+4)
	out = append(out, tv.lead...)
	out = appendCase(out, tv.core, masked)
	return append(out, tv.trail...)
}

// Case classes of a value.
const (
	caseNone  = iota // no cased letters
	caseLower        // "ann"
	caseUpper        // "ANN"
	caseTitle        // "Ann Lee"
	caseMixed        // "McDonald", "aNN"
)

func caseClass(s string) int {
	hasUpper, hasLower, title := false, false, true
	prevLetter := false
	for _, r := range s {
		up, lo := unicode.IsUpper(r), unicode.IsLower(r)
		hasUpper = hasUpper || up
		hasLower = hasLower || lo
		if unicode.IsLetter(r) {
			if (!prevLetter && lo) || (prevLetter && up) {
				title = false
			}
			prevLetter = true
		} else {
			prevLetter = false
		}
	}
	switch {
	case !hasUpper && !hasLower:
		return caseNone
	case !hasUpper:
		return caseLower
	case !hasLower:
		return caseUpper
	case title:
		return caseTitle
	}
	return caseMixed
}

// appendCase appends masked with orig's letter case: all lower, all upper
// or title case when orig is; otherwise (mixed case) per position when both
// have the same number of characters, else as masked is.
func appendCase(dst []byte, orig, masked string) []byte {
	switch caseClass(orig) {
	case caseLower:
		return append(dst, lower(masked)...)
	case caseUpper:
		return append(dst, strings.ToUpper(masked)...)
	case caseTitle:
		return append(dst, titleCase(masked)...)
	case caseNone:
		return append(dst, masked...)
	}
	if isASCII(orig) && isASCII(masked) {
		if len(orig) == len(masked) {
			for i := 0; i < len(masked); i++ {
				c, o := masked[i], orig[i]
				switch {
				case 'A' <= o && o <= 'Z' && 'a' <= c && c <= 'z':
					c -= 'a' - 'A'
				case 'a' <= o && o <= 'z' && 'A' <= c && c <= 'Z':
					c += 'a' - 'A'
				}
				dst = append(dst, c)
			}
			return dst
		}
	} else if utf8.RuneCountInString(orig) == utf8.RuneCountInString(masked) {
		j := 0
		for _, c := range masked {
			o, w := utf8.DecodeRuneInString(orig[j:])
			j += w
			switch {
			case unicode.IsUpper(o):
				c = unicode.ToUpper(c)
			case unicode.IsLower(o):
				c = unicode.ToLower(c)
			}
			dst = utf8.AppendRune(dst, c)
		}
		return dst
	}
	return append(dst, masked...)
}

// titleCase upper-cases the first letter of every word and lower-cases the rest.
func titleCase(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	prevLetter := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if prevLetter {
				r = unicode.ToLower(r)
			} else {
				r = unicode.ToUpper(r)
			}
			prevLetter = true
		} else {
			prevLetter = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
