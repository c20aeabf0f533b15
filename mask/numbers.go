package mask

import "slices"

// digits, credit_card and iban: identifiers enciphered in place, check
// digits kept valid.

type digitsT struct {
	k      *keyed
	check  string // "none", "luhn", "mod11"
	prefix int    // leading digits kept
	brand  bool   // prefix from the card brand instead
}

func buildDigits(b *builder) (Transformer, error) {
	if !b.p.bool("keep_length") {
		return nil, b.errorf("keep_length: false is not supported: digits always keeps the length " +
			"(use hash or text for values of another length)")
	}
	if n := b.p.int("keep_prefix"); n < 0 {
		return nil, b.errorf("keep_prefix must be 0 or more, got %d", n)
	}
	if b.p.str("check") == "mod11" && !b.isTextColumn() {
		return nil, b.errorf("check: mod11 can write X as a check digit, which %s cannot hold; use luhn or a text column", b.where())
	}
	return &digitsT{k: b.keyed(), check: b.p.str("check"), prefix: b.p.int("keep_prefix")}, nil
}

func buildCard(b *builder) (Transformer, error) {
	return &digitsT{k: b.keyed(), check: "luhn", brand: b.p.bool("keep_brand")}, nil
}

// cardBrandPrefix is the number of leading digits that name a card's brand.
// Which prefix is kept depends only on the digits it keeps, so the masking
// stays injective.
func cardBrandPrefix(d []byte) int {
	if len(d) < 2 {
		return 0
	}
	switch d[0] {
	case '2':
		return 4 // Mastercard 2221-2720
	case '3':
		if d[1] == '0' {
			return 3 // Diners 300-305
		}
		return 2 // Amex 34/37, JCB 35, Diners 36/38
	case '4':
		return 1 // Visa
	case '5':
		return 2 // Mastercard 51-55, Maestro
	case '6':
		switch d[1] {
		case '0':
			return 4 // Discover 6011
		case '4':
			return 3 // Discover 644-649
		}
		return 2 // Discover 65, UnionPay 62
	}
	return 1
}

// Mask enciphers the ASCII digits of v (and, for mod11, a trailing X), keeping
// every other character in place.
func (t *digitsT) Mask(v []byte) ([]byte, error) {
	out := append([]byte(nil), v...)
	var posBuf [32]int
	pos := posBuf[:0]
	for i, c := range out {
		if c >= '0' && c <= '9' {
			pos = append(pos, i)
		}
	}
	xCheck := false
	if t.check == "mod11" {
		if i := lastAlnum(out); i >= 0 && (out[i] == 'X' || out[i] == 'x') && len(pos) > 0 {
			pos = append(pos, i)
			xCheck = true
		}
	}
	n := len(pos)
	if n == 0 {
		return out, nil
	}
	var dsBuf [32]byte
	ds := dsBuf[:0]
	for _, i := range pos {
		ds = append(ds, out[i])
	}
	prefix := t.prefix
	if t.brand {
		prefix = cardBrandPrefix(ds)
	}
	if t.check == "none" {
		prefix = min(prefix, n)
		t.permBody(ds, prefix)
	} else {
		prefix = min(prefix, n-1)
		if n-1-prefix >= 1 {
			t.permChecked(ds, prefix, xCheck)
		}
	}
	for j, i := range pos {
		c := ds[j]
		if c == 'X' && out[i] == 'x' {
			c = 'x'
		}
		out[i] = c
	}
	return out, nil
}

func lastAlnum(b []byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		c := b[i] | 0x20
		if c >= 'a' && c <= 'z' || b[i] >= '0' && b[i] <= '9' {
			return i
		}
	}
	return -1
}

// permBody enciphers ds[prefix:], keyed also by the kept prefix.
func (t *digitsT) permBody(ds []byte, prefix int) {
	if prefix == 0 {
		t.k.permDigits(ds, nil)
		return
	}
	tw := append([]byte("p"), ds[:prefix]...)
	t.k.permFreeDigits(ds[prefix:], tw)
}

// permChecked enciphers the payload ds[prefix:len-1] and recomputes the check
// digit ds[len-1]. A valid check digit stays valid; an invalid one stays
// invalid by the same offset, which keeps the whole map injective. For mod11
// the payload is walked until the check digit is again X exactly when it was.
func (t *digitsT) permChecked(ds []byte, prefix int, xCheck bool) {
	n := len(ds)
	m := 10
	if t.check == "mod11" {
		m = 11
	}
	digitVal := func(c byte) int {
		if c == 'X' || c == 'x' {
			return 10
		}
		return int(c - '0')
	}
	have := digitVal(ds[n-1])
	want := t.checkDigit(ds[:n-1])
	delta := ((have-want)%m + m) % m
	for {
		t.permBody(ds[:n-1], prefix)
		c := (t.checkDigit(ds[:n-1]) + delta) % m
		if (c == 10) == xCheck {
			if c == 10 {
				ds[n-1] = 'X'
			} else {
				ds[n-1] = byte('0' + c)
			}
			return
		}
	}
}

// checkDigit returns the check digit that makes payload valid.
func (t *digitsT) checkDigit(payload []byte) int {
	if t.check == "mod11" {
		sum := 0
		for i := len(payload) - 1; i >= 0; i-- {
			sum += (len(payload) - i + 1) * int(payload[i]-'0')
		}
		return (11 - sum%11) % 11
	}
	return luhnDigit(payload)
}

// luhnDigit returns the Luhn check digit for payload.
func luhnDigit(payload []byte) int {
	sum := 0
	double := true
	for i := len(payload) - 1; i >= 0; i-- {
		d := int(payload[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return (10 - sum%10) % 10
}

// luhnValid reports whether a digit string passes the Luhn check.
func luhnValid(ds []byte) bool {
	return len(ds) >= 2 && luhnDigit(ds[:len(ds)-1]) == int(ds[len(ds)-1]-'0')
}

type ibanT struct{ k *keyed }

func buildIBAN(b *builder) (Transformer, error) { return &ibanT{k: b.keyed()}, nil }

// Mask keeps the country code, enciphers the account part (BBAN) within its
// letter/digit layout and recomputes the check digits.
func (t *ibanT) Mask(v []byte) ([]byte, error) {
	tv := splitText(v)
	s := tv.norm
	compact := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '-' {
			compact = append(compact, c)
		}
	}
	if !ibanShaped(compact) {
		return tv.finish(t.k.fpeString(s, []byte("not-iban"), maskAll)), nil
	}
	cc := string(compact[:2])
	orig := string(compact[4:])
	have := int(compact[2]-'0')*10 + int(compact[3]-'0')
	// Check digits are valid when kk = 98 - mod97(BBAN+CC+00) modulo 97, so
	// one or two of 00..99 are valid for an account. The account is walked
	// until it has as many valid values as the original, then 00..99 are
	// mapped one to one: valid to valid, invalid to invalid.
	valid := ibanValidKK(cc, orig)
	tw := []byte("iban\x00" + cc)
	bban := t.k.fpeString(orig, tw, maskDigits|maskASCII)
	validOut := ibanValidKK(cc, bban)
	for len(validOut) != len(valid) {
		bban = t.k.fpeString(bban, tw, maskDigits|maskASCII)
		validOut = ibanValidKK(cc, bban)
	}
	kk := mapKK(have, valid, validOut)
	masked := cc + string([]byte{byte('0' + kk/10), byte('0' + kk%10)}) + bban
	out := []byte(s)
	j := 0
	for i := range out {
		if out[i] != ' ' && out[i] != '-' {
			out[i] = masked[j]
			j++
		}
	}
	return tv.finish(string(out)), nil
}

// ibanShaped reports whether s (lower case) looks like an IBAN: two letters,
// two digits, then 1 to 30 letters or digits, optionally spaced.
func ibanShaped(compact []byte) bool {
	if len(compact) < 5 || len(compact) > 34 {
		return false
	}
	for i, c := range compact {
		letter := c >= 'a' && c <= 'z'
		digit := c >= '0' && c <= '9'
		switch {
		case i < 2 && !letter, i >= 2 && i < 4 && !digit, !letter && !digit:
			return false
		}
	}
	return true
}

// ibanCheck returns the standard check digits (2..98) of an account.
func ibanCheck(cc, bban string) int {
	return 98 - ibanMod97(bban+cc+"00")
}

// ibanValidKK lists, ascending, the two-digit values (00..99) that are
// valid check digits for an account.
func ibanValidKK(cc, bban string) []int {
	w := ibanCheck(cc, bban)
	var out []int
	for k := w % 97; k <= 99; k += 97 {
		out = append(out, k)
	}
	return out
}

// mapKK maps check digits one to one, given the valid values before and
// after (of equal count): the i-th valid to the i-th valid, the i-th invalid
// to the i-th invalid.
func mapKK(have int, valid, validOut []int) int {
	below := 0
	for i, v := range valid {
		if v == have {
			return validOut[i]
		}
		if v < have {
			below++
		}
	}
	rank := have - below
	for k := 0; k <= 99; k++ {
		if !slices.Contains(validOut, k) {
			if rank == 0 {
				return k
			}
			rank--
		}
	}
	return have
}

// ibanMod97 returns the IBAN remainder of s (letters count 10..35).
func ibanMod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		switch {
		case c >= '0' && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case c >= 'a' && c <= 'z':
			r = (r*100 + int(c-'a'+10)) % 97
		}
	}
	return r
}

// ibanValid reports whether an IBAN's check digits are right.
func ibanValid(s string) bool {
	compact := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '-' {
			compact = append(compact, c)
		}
	}
	if len(compact) < 5 {
		return false
	}
	return ibanMod97(string(compact[4:])+string(compact[:4])) == 1
}
