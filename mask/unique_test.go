package mask

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

func uniqueCol(kind dbtwin.Kind) ColumnInfo {
	return ColumnInfo{Table: "t", Column: &dbtwin.Column{Name: "c", Type: kind.String(), Kind: kind}, Unique: true}
}

// checkDistinct fails if two outputs are equal (after lower-casing when fold).
func checkDistinct(t *testing.T, name string, outs []string, fold bool) {
	t.Helper()
	if fold {
		for i, o := range outs {
			outs[i] = strings.ToLower(o)
		}
	}
	slices.Sort(outs)
	for i := 1; i < len(outs); i++ {
		if outs[i] == outs[i-1] {
			t.Fatalf("%s: two distinct inputs were masked to %q", name, outs[i])
		}
	}
}

// TestUniqueMillion masks 1,000,000 distinct e-mail addresses, identifiers
// and names with the rules accepted for unique columns and finds no
// collision (case-insensitively, since the inputs differ case-insensitively).
func TestUniqueMillion(t *testing.T) {
	const n = 1_000_000
	m := newTestMasker(t)
	domains := []string{"gmail.com", "yahoo.com", "example.org", "corp.example.net", "mail.ru", "web.de", "x.io"}
	cases := []struct {
		name  string
		spec  Spec
		input func(i int) string
	}{
		{"email", Spec{Transformer: "email"}, func(i int) string {
			f := firstNames[i%len(firstNames)]
			return fmt.Sprintf("%s.%s%d@%s", f, lastNames[(i/7)%len(lastNames)], i/len(firstNames), domains[i%len(domains)])
		}},
		{"digits", Spec{Transformer: "digits"}, func(i int) string {
			x := uint64(i) * 7919 % 1_000_000_000
			return fmt.Sprintf("%03d-%02d-%04d", x/1_000_000, x/10_000%100, x%10_000)
		}},
		{"full_name", Spec{Transformer: "full_name", Params: map[string]any{"style": "fpe"}}, func(i int) string {
			f := firstNames[i%len(firstNames)]
			rest := i / len(firstNames)
			return fmt.Sprintf("%s %c. %s", f, 'A'+rest%26, lastNames[(rest/26)%len(lastNames)])
		}},
	}
	for _, c := range cases {
		tr := mustBuild(t, m, c.spec, uniqueCol(dbtwin.KindText))
		seen := make(map[string]bool, 1024)
		outs := make([]string, n)
		for i := range n {
			in := c.input(i)
			if i < 1024 {
				if seen[strings.ToLower(in)] {
					t.Fatalf("%s: test inputs repeat: %q", c.name, in)
				}
				seen[strings.ToLower(in)] = true
			}
			out, err := tr.Mask([]byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if c.name == "email" {
				out = []byte(withoutReservedSuffix(string(out)))
			}
			if len(out) != len(in) {
				t.Fatalf("%s(%q) = %q: length changed", c.name, in, out)
			}
			outs[i] = string(out)
		}
		checkDistinct(t, c.name, outs, true)
	}
}

// TestUniqueExhaustive checks small domains completely: every transformer
// accepted on a unique column must be a bijection there.
func TestUniqueExhaustive(t *testing.T) {
	m := newTestMasker(t)
	type domain struct {
		spec   Spec
		kind   dbtwin.Kind
		inputs []string
	}
	var digits, letters2, cards, phones, ibans, dates, ips, uuids, postcodes, mod11 []string
	for l := 1; l <= 4; l++ {
		for x := 0; x < int(pow10[l]); x++ {
			digits = append(digits, fmt.Sprintf("%0*d", l, x))
		}
	}
	for a := 'a'; a <= 'z'; a++ {
		for b := 'a'; b <= 'z'; b++ {
			letters2 = append(letters2, string([]rune{a, b}), string([]rune{a, '-', b}), string([]rune{a, b, '1'}))
		}
	}
	for x := range 20000 {
		p := fmt.Sprintf("4%013d", x*37)
		cards = append(cards, p+strconv.Itoa(luhnDigit([]byte(p))), p+strconv.Itoa((luhnDigit([]byte(p))+1+x%9)%10))
		phones = append(phones, fmt.Sprintf("+44 20 %04d %04d", x/100, x*7%10000), fmt.Sprintf("0%09d", x*13))
		acct := fmt.Sprintf("%010d", x*101)
		ibans = append(ibans, "DE"+fmt.Sprintf("%02d", ibanCheck("de", "37040044"+acct))+"37040044"+acct)
		y, mo, d := civilFromDays(int64(x - 10000))
		dates = append(dates, fmt.Sprintf("%04d-%02d-%02d", y, mo, d), fmt.Sprintf("%04d-%02d-%02d 10:00:00", y, mo, d))
		ips = append(ips, fmt.Sprintf("10.0.%d.%d", x>>8&255, x&255), fmt.Sprintf("2001:db8::%x", x))
		uuids = append(uuids, fmt.Sprintf("550e8400-e29b-41d4-a716-%012x", x))
		postcodes = append(postcodes, fmt.Sprintf("%c%c%d %d%c%c", 'A'+x%26, 'A'+x/26%26, x/676%10, x/6760%10, 'A'+x%7, 'B'+x%3))
		pl := fmt.Sprintf("%09d", x*97)
		c := (&digitsT{check: "mod11"}).checkDigit([]byte(pl))
		cs := strconv.Itoa(c)
		if c == 10 {
			cs = "X"
		}
		mod11 = append(mod11, pl+cs, pl+strconv.Itoa((c+1)%10))
	}
	domains := []domain{
		{Spec{Transformer: "digits"}, dbtwin.KindText, digits},
		{Spec{Transformer: "digits", Params: map[string]any{"check": "luhn"}}, dbtwin.KindText, digits},
		{Spec{Transformer: "digits", Params: map[string]any{"check": "mod11"}}, dbtwin.KindText, mod11},
		{Spec{Transformer: "digits", Params: map[string]any{"keep_prefix": 2}}, dbtwin.KindText, digits},
		{Spec{Transformer: "postcode"}, dbtwin.KindText, digits},
		{Spec{Transformer: "postcode"}, dbtwin.KindText, postcodes},
		{Spec{Transformer: "username"}, dbtwin.KindText, letters2},
		{Spec{Transformer: "email"}, dbtwin.KindText, letters2},
		{Spec{Transformer: "credit_card"}, dbtwin.KindText, cards},
		{Spec{Transformer: "phone"}, dbtwin.KindText, phones},
		{Spec{Transformer: "phone"}, dbtwin.KindText, digits},
		{Spec{Transformer: "iban"}, dbtwin.KindText, ibans},
		{Spec{Transformer: "iban"}, dbtwin.KindText, allCheckDigits()},
		{Spec{Transformer: "date"}, dbtwin.KindDate, dates},
		{Spec{Transformer: "date", Params: map[string]any{"keep_year": true}}, dbtwin.KindDate, dates},
		{Spec{Transformer: "date", Params: map[string]any{"age_band": 10}}, dbtwin.KindDate, dates},
		{Spec{Transformer: "ip"}, dbtwin.KindText, ips},
		{Spec{Transformer: "ip", Params: map[string]any{"prefix_bits": 20}}, dbtwin.KindText, ips},
		{Spec{Transformer: "uuid"}, dbtwin.KindUUID, uuids},
		{Spec{Transformer: "hash", Params: map[string]any{"normalize": false}}, dbtwin.KindText, digits},
		{Spec{Transformer: "keep"}, dbtwin.KindText, digits},
	}
	for _, d := range domains {
		tr := mustBuild(t, m, d.spec, uniqueCol(d.kind))
		outs := make([]string, len(d.inputs))
		for i, in := range d.inputs {
			outs[i] = mustMask(t, tr, in)
		}
		checkDistinct(t, fmt.Sprint(d.spec), outs, false)
	}
}

func TestRangePermIsPermutation(t *testing.T) {
	m := newTestMasker(t)
	k := m.keyed("range-test")
	for _, n := range []uint64{2, 3, 5, 64, 100, 1000, 4097} {
		seen := make([]bool, n)
		for x := range n {
			y := k.rangePerm([]byte("tw"), n, x)
			if y >= n || seen[y] {
				t.Fatalf("n=%d: %d -> %d repeats or leaves the range", n, x, y)
			}
			seen[y] = true
		}
	}
}

// TestDigitsKeepIntegerRanges: identifiers that fit 2-, 4- or 8-byte
// integers still fit after masking, and keep a non-zero first digit.
func TestDigitsKeepIntegerRanges(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "digits"}, uniqueCol(dbtwin.KindInt))
	for _, c := range []struct {
		lo, hi uint64
		bound  uint64
	}{
		{10000, 32767, 32767}, {1_000_000_000, 2_147_483_647, 2_147_483_647},
		{1_000_000_000_000_000_000, 9_223_372_036_854_775_807, 9_223_372_036_854_775_807},
	} {
		for i := uint64(0); i < 3000; i++ {
			x := c.lo + i*((c.hi-c.lo)/3000)
			out := mustMask(t, tr, strconv.FormatUint(x, 10))
			y, err := strconv.ParseUint(out, 10, 64)
			if err != nil || y > c.bound || len(out) != len(strconv.FormatUint(x, 10)) || out[0] == '0' {
				t.Fatalf("digits(%d) = %s: outside [%d, %d]", x, out, c.lo, c.bound)
			}
		}
	}
	for _, in := range []string{"-2147483648", "32768", "0", "7", "-5"} {
		out := mustMask(t, tr, in)
		if _, err := strconv.ParseInt(out, 10, 64); err != nil || len(out) != len(in) {
			t.Errorf("digits(%s) = %s", in, out)
		}
	}
}

// TestUniqueRejected: transformers that cannot be injective are refused on
// unique columns, saying why.
func TestUniqueRejected(t *testing.T) {
	m := newTestMasker(t)
	for _, spec := range []Spec{
		{Transformer: "city"}, {Transformer: "null"}, {Transformer: "text"}, {Transformer: "partial"},
		{Transformer: "number"}, {Transformer: "constant", Params: map[string]any{"value": "x"}},
		{Transformer: "first_name"}, {Transformer: "full_name"}, {Transformer: "street_address"},
		{Transformer: "email", Params: map[string]any{"style": "fake"}},
		{Transformer: "email", Params: map[string]any{"domain": "example.com"}},
		{Transformer: "phone", Params: map[string]any{"format": "###-####"}},
		{Transformer: "hash"}, {Transformer: "hash", Params: map[string]any{"length": 16, "normalize": false}},
		{Transformer: "template", Params: map[string]any{"template": "{{.a}}"}},
		{Transformer: "regex", Params: map[string]any{"pattern": "a", "replacement": "b"}},
		{Transformer: "json", Params: map[string]any{"detect": true}},
	} {
		col := uniqueCol(dbtwin.KindText)
		col.Column.Nullable = true
		_, err := m.Build(spec, col)
		if err == nil || !strings.Contains(err.Error(), "unique key") {
			t.Errorf("%v on a unique column: error = %v", spec, err)
		}
	}
}

// allCheckDigits returns IBANs with every check digit value 00..99 (valid
// or not) for a few hundred accounts, some with two valid values.
func allCheckDigits() []string {
	var out []string
	for a := range 300 {
		acct := fmt.Sprintf("37040044%010d", a*7)
		for kk := range 100 {
			out = append(out, fmt.Sprintf("GB%02dWEST%s", kk, acct))
		}
	}
	return out
}

// TestLongValues: long values are enciphered in linear time, stay distinct,
// and a change anywhere changes the whole output (two chained passes).
func TestLongValues(t *testing.T) {
	m := newTestMasker(t)
	for _, spec := range []Spec{{Transformer: "digits"}, {Transformer: "username"}} {
		tr := mustBuild(t, m, spec, uniqueCol(dbtwin.KindText))
		base := []byte(strings.Repeat("1234567890", 2000))
		if spec.Transformer == "username" {
			base = []byte(strings.Repeat("abcdefghij", 2000))
		}
		ref := mustMask(t, tr, string(base))
		outs := []string{ref}
		for _, pos := range []int{0, 1, 9000, len(base) - 1} {
			v := append([]byte(nil), base...)
			v[pos] = '5'
			if spec.Transformer == "username" {
				v[pos] = 'z'
			}
			out := mustMask(t, tr, string(v))
			if len(out) != len(v) || out[:100] == ref[:100] || out[len(out)-100:] == ref[len(ref)-100:] {
				t.Errorf("%s: changing position %d did not change the whole output", spec.Transformer, pos)
			}
			outs = append(outs, out)
		}
		checkDistinct(t, spec.Transformer, outs, false)
	}
}
