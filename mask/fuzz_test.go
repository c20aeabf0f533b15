package mask

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dbtwin/dbtwin"
)

// fuzzSpecs are the rules FuzzTransformers exercises, one or more per family.
var fuzzSpecs = []Spec{
	{Transformer: "email"}, {Transformer: "email", Params: map[string]any{"style": "fake"}},
	{Transformer: "first_name"}, {Transformer: "full_name", Params: map[string]any{"style": "fpe"}},
	{Transformer: "username"}, {Transformer: "street_address"}, {Transformer: "city"}, {Transformer: "postcode"},
	{Transformer: "phone"}, {Transformer: "phone", Params: map[string]any{"keep_prefix": 2}},
	{Transformer: "date"}, {Transformer: "date", Params: map[string]any{"age_band": 10}},
	{Transformer: "number"}, {Transformer: "digits"}, {Transformer: "digits", Params: map[string]any{"check": "mod11"}},
	{Transformer: "credit_card"}, {Transformer: "iban"}, {Transformer: "ip"}, {Transformer: "uuid"},
	{Transformer: "text"}, {Transformer: "hash"}, {Transformer: "partial"},
	{Transformer: "regex", Params: map[string]any{"pattern": `(\w+)@(\w+)`, "groups": map[string]any{"1": "username"}}},
	{Transformer: "json", Params: map[string]any{"detect": true, "paths": map[string]any{"$..a": "digits", "$[*]": "email"}}},
}

// lengthKept lists transformers whose output has the input's length in
// characters (for valid UTF-8 input).
var lengthKept = map[string]bool{"email": true, "postcode": true, "phone": true, "digits": true, "credit_card": true,
	"iban": true, "uuid": true, "partial": true, "username": true, "full_name": true}

// FuzzTransformers feeds arbitrary values to every transformer family: no
// panic, no error, a deterministic result, and a valid output (length kept,
// check digits valid, addresses and dates parse, JSON stays JSON).
func FuzzTransformers(f *testing.F) {
	for _, s := range []string{"ann@example.com", "+1 (555) 010-9999", "2024-02-29 10:00:00+01", "4111 1111 1111 1111",
		"DE89 3704 0044 0532 0130 00", "192.168.0.1", "2001:db8::1", "550e8400-e29b-41d4-a716-446655440000",
		`{"a": [1, "x@y.z"], "b": {"a": "12"}}`, "José-María O'Neil", "12.50", "", " ", "\xff\xfe", "0", "ǅ İ ß"} {
		for i := range fuzzSpecs {
			f.Add(uint8(i), s)
		}
	}
	m, err := New([]byte(testSecret))
	if err != nil {
		f.Fatal(err)
	}
	trs := make([]Transformer, len(fuzzSpecs))
	for i, s := range fuzzSpecs {
		trs[i] = mustBuild(f, m, s, ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindText, Nullable: true}})
	}
	f.Fuzz(func(t *testing.T, sel uint8, in string) {
		i := int(sel) % len(trs)
		name := fuzzSpecs[i].Transformer
		out, err := trs[i].Mask([]byte(in))
		if err != nil {
			t.Fatalf("%v(%q): %v", fuzzSpecs[i], in, err)
		}
		again, _ := trs[i].Mask([]byte(in))
		if !slices.Equal(out, again) || out == nil {
			t.Fatalf("%v(%q): %q then %q", fuzzSpecs[i], in, out, again)
		}
		o := string(out)
		if !utf8.ValidString(in) {
			return
		}
		if name == "email" && utf8.RuneCountInString(o) == utf8.RuneCountInString(in)+len(".test") {
			o = withoutReservedSuffix(o)
		}
		if lengthKept[name] && fuzzSpecs[i].Params["style"] != "fake" && utf8.RuneCountInString(o) != utf8.RuneCountInString(in) {
			t.Fatalf("%v(%q) = %q: length changed", fuzzSpecs[i], in, o)
		}
		if !utf8.ValidString(o) {
			t.Fatalf("%v(%q) = %q: invalid UTF-8", fuzzSpecs[i], in, o)
		}
		switch name {
		case "credit_card":
			if ds := digitsOnly([]byte(in)); len(ds) >= 2 && luhnValid(ds) && !luhnValid(digitsOnly(out)) {
				t.Fatalf("credit_card(%q) = %q: Luhn broken", in, o)
			}
		case "iban":
			if ibanShapedText(in) && ibanValid(strings.ToLower(strings.TrimSpace(in))) && !ibanValid(strings.ToLower(strings.TrimSpace(o))) {
				t.Fatalf("iban(%q) = %q: checksum broken", in, o)
			}
		case "ip":
			if a, err := netip.ParseAddr(strings.TrimSpace(in)); err == nil {
				b, err := netip.ParseAddr(strings.TrimSpace(o))
				if err != nil || a.Is4() != b.Is4() {
					t.Fatalf("ip(%q) = %q", in, o)
				}
			}
		case "date":
			if _, ok := parseDate(strings.TrimSpace(in), false); ok {
				if _, ok := parseDate(strings.TrimSpace(o), false); !ok {
					t.Fatalf("date(%q) = %q: not a date", in, o)
				}
			}
		case "json":
			if json.Valid([]byte(in)) && !json.Valid(out) {
				t.Fatalf("json(%q) = %q: invalid JSON", in, o)
			}
		}
	})
}

func ibanShapedText(s string) bool {
	var c []byte
	for _, b := range []byte(strings.ToLower(strings.TrimSpace(s))) {
		if b != ' ' && b != '-' {
			c = append(c, b)
		}
	}
	return ibanShaped(c)
}

// FuzzFF1 checks that FF1 decrypts what it encrypts, for any radix, length
// and tweak.
func FuzzFF1(f *testing.F) {
	f.Add(uint16(10), []byte("0123456789"), []byte("tweak"))
	f.Add(uint16(2), []byte{1, 0, 1}, []byte{})
	f.Add(uint16(65535), []byte("some longer value here"), []byte("x"))
	ff, _ := newFF1([]byte("0123456789abcdef"))
	f.Fuzz(func(t *testing.T, radix uint16, digits, tweak []byte) {
		r := uint32(radix)
		if r < 2 || len(digits) < 2 || len(digits) > 300 {
			return
		}
		x := make([]uint16, len(digits))
		for i, d := range digits {
			x[i] = uint16(uint32(d) % r)
		}
		y := slices.Clone(x)
		if err := ff.encrypt(r, tweak, y); err != nil {
			t.Fatal(err)
		}
		for _, d := range y {
			if uint32(d) >= r {
				t.Fatalf("digit %d not below radix %d", d, r)
			}
		}
		if err := ff.decrypt(r, tweak, y); err != nil || !slices.Equal(x, y) {
			t.Fatalf("radix %d: round trip failed", r)
		}
	})
}

// FuzzJSONPath checks the path parser never panics and errors say where.
func FuzzJSONPath(f *testing.F) {
	for _, s := range []string{"$.a", "$..b[*].c", "$['x']", "$[", "a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if _, err := parseJSONPath(p); err != nil && !strings.Contains(err.Error(), "character") {
			t.Fatalf("error without position: %v", err)
		}
	})
}
