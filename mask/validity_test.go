package mask

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/dbtwin/dbtwin"
)

// sameLayout reports whether a and b have digits, letters and other
// characters at the same positions, the others being equal.
func sameLayout(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	for i := range ra {
		x, y := ra[i], rb[i]
		switch {
		case unicode.IsDigit(x):
			if !unicode.IsDigit(y) {
				return false
			}
		case unicode.IsLetter(x):
			if !unicode.IsLetter(y) {
				return false
			}
		default:
			if x != y {
				return false
			}
		}
	}
	return true
}

func TestValidCards(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "credit_card"}, textCol())
	rng := rand.New(rand.NewPCG(3, 4))
	prefixes := []string{"4", "34", "37", "51", "55", "2221", "6011", "65", "3530", "300"}
	for i := range 3000 {
		p := prefixes[i%len(prefixes)]
		n := 15 + i%2
		for len(p) < n {
			p += strconv.Itoa(rng.IntN(10))
		}
		card := p + strconv.Itoa(luhnDigit([]byte(p)))
		in := card
		if i%3 == 0 {
			in = card[:4] + " " + card[4:8] + " " + card[8:12] + " " + card[12:]
		}
		out := mustMask(t, tr, in)
		ds := digitsOnly([]byte(out))
		if !luhnValid(ds) || !sameLayout(in, out) || out[0] != in[0] || ds[1] != card[1] && !strings.HasPrefix(card, "4") {
			t.Fatalf("credit_card(%q) = %q: Luhn %v", in, out, luhnValid(ds))
		}
		if out == in {
			t.Fatalf("credit_card(%q) unchanged", in)
		}
	}
	// An invalid check digit stays invalid.
	bad := "4111111111111112"
	if out := mustMask(t, tr, bad); luhnValid([]byte(out)) {
		t.Errorf("invalid card %s became valid %s", bad, out)
	}
}

func TestValidMod11(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "digits", Params: map[string]any{"check": "mod11"}}, textCol())
	valid := func(s string) bool {
		sum, w := 0, 1
		for i := len(s) - 1; i >= 0; i-- {
			c := s[i]
			switch {
			case c == 'X' || c == 'x':
				sum += 10 * w
			case c >= '0' && c <= '9':
				sum += int(c-'0') * w
			default:
				continue
			}
			w++
		}
		return sum%11 == 0
	}
	for i := range 3000 {
		p := fmt.Sprintf("%09d", i*7919)
		c := (&digitsT{check: "mod11"}).checkDigit([]byte(p))
		in := p + strconv.Itoa(c)
		if c == 10 {
			in = p + "X"
		}
		in = in[:1] + "-" + in[1:4] + "-" + in[4:9] + "-" + in[9:]
		out := mustMask(t, tr, in)
		if !valid(in) || !valid(out) || len(out) != len(in) || strings.HasSuffix(in, "X") != strings.HasSuffix(out, "X") {
			t.Fatalf("digits mod11(%q) = %q (valid in %v, out %v)", in, out, valid(in), valid(out))
		}
	}
}

func TestValidIBAN(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "iban"}, textCol())
	for _, in := range []string{"DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "FR1420041010050500013M02606",
		"NL91ABNA0417164300", "ch9300762011623852957"} {
		if !ibanValid(strings.ToLower(in)) {
			t.Fatalf("test IBAN %s is invalid", in)
		}
		out := mustMask(t, tr, in)
		if !ibanValid(strings.ToLower(out)) || !sameLayout(in, out) || out[:2] != in[:2] || out == in {
			t.Errorf("iban(%q) = %q", in, out)
		}
	}
}

func TestValidIP(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "ip"}, textCol())
	pre := mustBuild(t, m, Spec{Transformer: "ip", Params: map[string]any{"prefix_bits": 24}}, textCol())
	cidr := mustBuild(t, m, Spec{Transformer: "ip"}, ColumnInfo{Column: &dbtwin.Column{Type: "cidr", Kind: dbtwin.KindOther}})
	for _, in := range []string{"192.168.1.5", "10.0.0.1", "2001:db8::1", "fe80::1%eth0", "::ffff:1.2.3.4", "0.0.0.0", "::"} {
		out := mustMask(t, tr, in)
		a, _ := netip.ParseAddr(in)
		b, err := netip.ParseAddr(out)
		if err != nil || a.Is4() != b.Is4() || a.Is4In6() != b.Is4In6() || a.Zone() != b.Zone() || out == in {
			t.Errorf("ip(%q) = %q (%v)", in, out, err)
		}
		if a.Is4() {
			p := mustMask(t, pre, in)
			if !strings.HasPrefix(p, in[:strings.LastIndexByte(in, '.')+1]) {
				t.Errorf("ip prefix_bits 24 (%q) = %q", in, p)
			}
		}
	}
	for _, in := range []string{"10.1.0.0/16", "2001:db8::/32", "192.168.7.0/24"} {
		out := mustMask(t, cidr, in)
		p, err := netip.ParsePrefix(out)
		if err != nil || p.Masked() != p || p.Bits() != netip.MustParsePrefix(in).Bits() {
			t.Errorf("cidr ip(%q) = %q (%v): host bits must stay zero", in, out, err)
		}
	}
}

func TestValidUUID(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "uuid"}, ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindUUID}})
	for _, in := range []string{"550e8400-e29b-41d4-a716-446655440000", "{550E8400-E29B-41D4-A716-446655440000}",
		"550e8400e29b41d4a716446655440000", "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8", "00000000-0000-0000-0000-000000000000"} {
		out := mustMask(t, tr, in)
		for i := range in {
			if (in[i] == '-' || in[i] == '{' || in[i] == '}' || in[i] == ':') != (out[i] == in[i]) && strings.IndexByte("-{}:", in[i]) >= 0 {
				t.Errorf("uuid(%q) = %q: layout changed", in, out)
			}
		}
		body := strings.Trim(strings.TrimPrefix(strings.ToLower(out), "urn:uuid:"), "{}")
		hex := strings.ReplaceAll(body, "-", "")
		ib := strings.ReplaceAll(strings.Trim(strings.TrimPrefix(strings.ToLower(in), "urn:uuid:"), "{}"), "-", "")
		if len(hex) != 32 || strings.Trim(hex, "0123456789abcdef") != "" || hex[12] != ib[12] || hex[16] != ib[16] || hex == ib {
			t.Errorf("uuid(%q) = %q: not a UUID of the same version and variant", in, out)
		}
		if caseClass(in) == caseUpper && strings.ToUpper(out) != out {
			t.Errorf("uuid(%q) = %q: upper case lost", in, out)
		}
	}
}

func TestValidDates(t *testing.T) {
	m := newTestMasker(t)
	layouts := []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02 15:04:05.999999-07", "2006-01-02T15:04:05Z07:00",
		"02.01.2006", "01/02/2006", "2006/01/02"}
	for _, spec := range []Spec{{Transformer: "date"}, {Transformer: "date", Params: map[string]any{"max_days": 3}},
		{Transformer: "date", Params: map[string]any{"keep_year": true}}, {Transformer: "date", Params: map[string]any{"age_band": 5}}} {
		tr := mustBuild(t, m, spec, ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindTimestampTZ}})
		moved := 0
		for i := range 2000 {
			day := int64(i*37 - 30000)
			y, mo, d := civilFromDays(day)
			lay := layouts[i%len(layouts)]
			in := fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
			switch lay {
			case "2006-01-02 15:04:05":
				in += " 10:11:12"
			case "2006-01-02 15:04:05.999999-07":
				in += " 10:11:12.345+02"
			case "2006-01-02T15:04:05Z07:00":
				in += "T10:11:12Z"
			case "02.01.2006":
				in = fmt.Sprintf("%02d.%02d.%04d", d, mo, y)
			case "01/02/2006":
				in = fmt.Sprintf("%02d/%02d/%04d", mo, d, y)
			case "2006/01/02":
				in = strings.ReplaceAll(in, "-", "/")
			}
			out := mustMask(t, tr, in)
			p, ok := parseDate(out, false)
			q, _ := parseDate(in, false)
			if !ok || p.order != q.order || p.rest != q.rest || len(out) != len(in) {
				t.Fatalf("%v(%q) = %q: not a date in the same layout", spec, in, out)
			}
			delta := daysFromCivil(p.y, p.m, p.d) - day
			if delta != 0 {
				moved++
			}
			switch {
			case spec.Params["max_days"] == 3 && (delta < -3 || delta > 3),
				spec.Params == nil && (delta < -30 || delta > 30),
				spec.Params["keep_year"] == true && p.y != y,
				spec.Params["age_band"] == 5 && floorDiv(p.y, 5) != floorDiv(y, 5):
				t.Fatalf("%v(%q) = %q: moved %d days", spec, in, out, delta)
			}
		}
		if moved < 1200 { // a window of 4 days leaves a quarter of the dates in place
			t.Errorf("%v moved only %d of 2000 dates", spec, moved)
		}
	}
	tr := mustBuild(t, m, Spec{Transformer: "date"}, ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindDate}})
	for _, in := range []string{"infinity", "-infinity"} {
		if out := mustMask(t, tr, in); out != in {
			t.Errorf("date(%q) = %q", in, out)
		}
	}
}

func TestValidPhoneAndDigits(t *testing.T) {
	m := newTestMasker(t)
	ph := mustBuild(t, m, Spec{Transformer: "phone"}, textCol())
	for in, kept := range map[string]string{"+1 (555) 010-9999": "+1 ", "+44 20 7946 0958": "+44 ", "0044 20 7946 0958": "0044 ",
		"+358 40 123 4567": "+358 ", "06 12 34 56 78": "0", "+7 912 345 67 89": "+7 "} {
		out := mustMask(t, ph, in)
		if !sameLayout(in, out) || !strings.HasPrefix(out, kept) || out == in {
			t.Errorf("phone(%q) = %q: want the layout and %q kept", in, out, kept)
		}
	}
	if out := mustMask(t, ph, "06 12 34 56 78"); strings.HasPrefix(out, "00") {
		t.Errorf("a national number became international: %q", out)
	}
	fixed := mustBuild(t, m, Spec{Transformer: "phone", Params: map[string]any{"format": "+1 (###) ###-####"}}, textCol())
	a, b := mustMask(t, fixed, "+46 70 123 45 67"), mustMask(t, fixed, "46701234567")
	if a != b || !sameLayout("+1 (555) 555-5555", a) {
		t.Errorf("phone format: %q and %q", a, b)
	}
	dg := mustBuild(t, m, Spec{Transformer: "digits", Params: map[string]any{"keep_prefix": 3}}, textCol())
	for _, in := range []string{"123-45-6789", "AB-123456", "9", "007"} {
		out := mustMask(t, dg, in)
		if !sameLayout(in, out) || !strings.HasPrefix(string(digitsOnly([]byte(out))), string(digitsOnly([]byte(in)))[:min(3, len(digitsOnly([]byte(in))))]) {
			t.Errorf("digits keep_prefix 3 (%q) = %q", in, out)
		}
	}
}

func TestNumberNoise(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "number", Params: map[string]any{"percent": 10}},
		ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindNumeric, Precision: 6, Scale: 2}})
	for i := range 2000 {
		in := fmt.Sprintf("%d.%02d", i*3, i%100)
		out := mustMask(t, tr, in)
		x, _ := strconv.ParseFloat(in, 64)
		y, err := strconv.ParseFloat(out, 64)
		if err != nil || len(out)-strings.IndexByte(out, '.') != 3 || y < x*0.9-0.011 || y > x*1.1+0.011 || y >= 10000 {
			t.Fatalf("number(%q) = %q", in, out)
		}
	}
	small := mustBuild(t, m, Spec{Transformer: "number", Params: map[string]any{"delta": 1000, "min": 0}},
		ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindInt, Type: "smallint"}})
	for _, in := range []string{"32767", "-32768", "5", "0"} {
		out := mustMask(t, small, in)
		y, err := strconv.ParseInt(out, 10, 16)
		if err != nil || y < 0 {
			t.Errorf("number smallint(%q) = %q: %v", in, out, err)
		}
	}
	big := mustBuild(t, m, Spec{Transformer: "number"}, ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindInt, Type: "bigint"}})
	for _, in := range []string{"9223372036854775807", "-9223372036854775808", "123456789012345678"} {
		if _, err := strconv.ParseInt(mustMask(t, big, in), 10, 64); err != nil {
			t.Errorf("number bigint(%q): %v", in, err)
		}
	}
}

func TestTextHasNoOriginalWords(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "text"}, textCol())
	in := "The quick brown fox, a very ordinary fox, met John Smith at 10:30 on Baker Street."
	out := mustMask(t, tr, in)
	if !sameLayout(in, out) {
		t.Fatalf("text(%q) = %q: layout changed", in, out)
	}
	orig := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(in), func(r rune) bool { return !unicode.IsLetter(r) }) {
		orig[w] = true
	}
	for _, w := range strings.FieldsFunc(strings.ToLower(out), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if orig[w] && len(w) > 1 {
			t.Errorf("text kept the word %q: %q", w, out)
		}
	}
}

func TestPartialAndHash(t *testing.T) {
	m := newTestMasker(t)
	p := mustBuild(t, m, Spec{Transformer: "partial", Params: map[string]any{"keep_first": 1, "keep_last": 2, "char": "#"}}, textCol())
	if got := mustMask(t, p, "abcdef"); got != "a###ef" {
		t.Errorf("partial = %q", got)
	}
	h := mustBuild(t, m, Spec{Transformer: "hash", Params: map[string]any{"length": 10}}, textCol())
	if got := mustMask(t, h, "x"); len(got) != 10 || strings.Trim(got, "0123456789abcdef") != "" {
		t.Errorf("hash = %q", got)
	}
}
