package scan

import "strings"

// personalClasses are the value detectors' findings that point at a person
// (a lone first or last name included: in a report, better hidden).
const personalClasses = vEmail | vPhone | vCard | vIBAN | vNationalID | vIP | vSecret |
	vFirstName | vLastName | vFullName | vStreet

// LooksPersonal reports whether a single value looks like personal data to
// scan's detectors: an e-mail address, phone, card, IBAN, national ID, IP
// address, secret, a person's name, a street address, or free text that
// mentions any of these. It looks at the value alone (no column name), so
// reports can hide personal values wherever they appear. JSON documents are
// not parsed here: callers check their leaves one by one.
func LooksPersonal(v string) bool {
	s := strings.TrimSpace(v)
	if s == "" {
		return false
	}
	if classifyValue(s)&personalClasses != 0 {
		return true
	}
	return len(s) > 3 && len(textMentions(s)) > 0
}

// KeyLooksPersonal reports whether a column name or JSON key says it holds
// personal data ("email", "first_name", "Nachname", "tel_mobile"…),
// including the ambiguous words ("name", "mobile") that a scan weighs with
// the values.
func KeyLooksPersonal(key string) bool {
	h := hintFor("", key)
	return h.cat != ""
}
