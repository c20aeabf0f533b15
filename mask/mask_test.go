package mask

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/dbtwin/dbtwin"
)

const testSecret = "test-secret-0123456789abcdef"

func newTestMasker(t testing.TB) *Masker {
	t.Helper()
	m, err := New([]byte(testSecret))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func textCol() ColumnInfo {
	return ColumnInfo{Table: "t", Column: &dbtwin.Column{Name: "c", Type: "text", Kind: dbtwin.KindText, Nullable: true}}
}

func mustBuild(t testing.TB, m *Masker, spec Spec, col ColumnInfo) Transformer {
	t.Helper()
	tr, err := m.Build(spec, col)
	if err != nil {
		t.Fatalf("Build(%v): %v", spec, err)
	}
	return tr
}

func mustMask(t testing.TB, tr Transformer, in string) string {
	t.Helper()
	out, err := tr.Mask([]byte(in))
	if err != nil {
		t.Fatalf("Mask(%q): %v", in, err)
	}
	return string(out)
}

// sample holds inputs for one transformer; variants are inputs equal to the
// first after normalization.
type sample struct {
	spec   Spec
	col    dbtwin.Kind
	inputs []string
}

func samples() []sample {
	return []sample{
		{Spec{Transformer: "email"}, dbtwin.KindText, []string{"John.Smith@Gmail.com", "ann+news@mail.example.org", "x@y.io"}},
		{Spec{Transformer: "email", Params: map[string]any{"style": "fake"}}, dbtwin.KindText, []string{"John.Smith@Gmail.com", "b@c.de"}},
		{Spec{Transformer: "email", Params: map[string]any{"keep_domain": true}}, dbtwin.KindText, []string{"John.Smith@Gmail.com"}},
		{Spec{Transformer: "first_name"}, dbtwin.KindText, []string{"John", "Zoë", "Anne-Marie"}},
		{Spec{Transformer: "first_name", Params: map[string]any{"style": "fpe"}}, dbtwin.KindText, []string{"John", "José-María"}},
		{Spec{Transformer: "last_name"}, dbtwin.KindText, []string{"Smith", "O'Brien"}},
		{Spec{Transformer: "full_name"}, dbtwin.KindText, []string{"John Ronald Smith", "Ann Lee"}},
		{Spec{Transformer: "username"}, dbtwin.KindText, []string{"jsmith42", "Admin_01"}},
		{Spec{Transformer: "username", Params: map[string]any{"style": "fake"}}, dbtwin.KindText, []string{"jsmith42"}},
		{Spec{Transformer: "phone"}, dbtwin.KindText, []string{"+1 (555) 010-9999", "0044 20 7946 0958", "06 12 34 56 78"}},
		{Spec{Transformer: "street_address"}, dbtwin.KindText, []string{"221B Baker Street", "10 Downing St"}},
		{Spec{Transformer: "street_address", Params: map[string]any{"style": "fpe"}}, dbtwin.KindText, []string{"221B Baker Street"}},
		{Spec{Transformer: "city"}, dbtwin.KindText, []string{"London", "New York"}},
		{Spec{Transformer: "postcode"}, dbtwin.KindText, []string{"SW1A 1AA", "02134", "K1A 0B1"}},
		{Spec{Transformer: "date"}, dbtwin.KindText, []string{"2024-03-05", "2024-03-05 12:34:56.789+01", "05.03.2024"}},
		{Spec{Transformer: "number"}, dbtwin.KindText, []string{"100", "12.50", "-3.25"}},
		{Spec{Transformer: "digits"}, dbtwin.KindText, []string{"123-45-6789", "0123456", "2147483647"}},
		{Spec{Transformer: "digits", Params: map[string]any{"check": "luhn"}}, dbtwin.KindText, []string{"4111111111111111"}},
		{Spec{Transformer: "credit_card"}, dbtwin.KindText, []string{"4111 1111 1111 1111", "378282246310005"}},
		{Spec{Transformer: "iban"}, dbtwin.KindText, []string{"DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432"}},
		{Spec{Transformer: "ip"}, dbtwin.KindText, []string{"192.168.1.5", "2001:db8::1"}},
		{Spec{Transformer: "uuid"}, dbtwin.KindText, []string{"550e8400-e29b-41d4-a716-446655440000"}},
		{Spec{Transformer: "text"}, dbtwin.KindText, []string{"Hello World, this is John.", "Ünïcödé ok"}},
		{Spec{Transformer: "hash"}, dbtwin.KindText, []string{"abc", "Hello"}},
		{Spec{Transformer: "partial"}, dbtwin.KindText, []string{"4111-1111-1111-1111"}},
		{Spec{Transformer: "json", Params: map[string]any{"detect": true}}, dbtwin.KindJSON, []string{`{"email":"a@b.com","n":1}`}},
	}
}

func TestNewRejectsShortSecret(t *testing.T) {
	if _, err := New([]byte("short")); err == nil || !strings.Contains(err.Error(), "at least 16 bytes") {
		t.Fatalf("New(short) error = %v", err)
	}
	if _, err := New([]byte("exactly-16-bytes")); err != nil {
		t.Fatalf("New(16 bytes): %v", err)
	}
}

// TestDeterministicAcrossMaskers: two Maskers with the same secret agree;
// another secret disagrees.
func TestDeterministicAcrossMaskers(t *testing.T) {
	m1, m2 := newTestMasker(t), newTestMasker(t)
	other, _ := New([]byte("another-secret-0123456789"))
	for _, s := range samples() {
		col := ColumnInfo{Column: &dbtwin.Column{Kind: s.col, Nullable: true}}
		t1, t2, t3 := mustBuild(t, m1, s.spec, col), mustBuild(t, m2, s.spec, col), mustBuild(t, other, s.spec, col)
		differs := false
		for _, in := range s.inputs {
			a, b, c := mustMask(t, t1, in), mustMask(t, t2, in), mustMask(t, t3, in)
			if a != b {
				t.Errorf("%s(%q): %q then %q with the same secret", s.spec.Transformer, in, a, b)
			}
			if a == in && s.spec.Transformer != "partial" {
				t.Errorf("%s(%q) returned the input unchanged", s.spec.Transformer, in)
			}
			differs = differs || a != c
		}
		if !differs && s.spec.Transformer != "partial" {
			t.Errorf("%v: another secret gave the same outputs", s.spec)
		}
	}
}

// TestConsistentAcrossColumns: the same rule on two columns of two tables
// (one of them unique) masks equal values equally.
func TestConsistentAcrossColumns(t *testing.T) {
	m := newTestMasker(t)
	users := ColumnInfo{Table: "public.users", Column: &dbtwin.Column{Name: "national_id", Type: "text", Kind: dbtwin.KindText}, Unique: true}
	guests := ColumnInfo{Table: "public.guest_purchases", Column: &dbtwin.Column{Name: "national_id", Type: "varchar(20)", Kind: dbtwin.KindText, MaxLength: 20, Nullable: true}}
	for _, spec := range []Spec{
		{Transformer: "digits", Params: map[string]any{"keep_length": true}},
		{Transformer: "email"}, {Transformer: "phone"}, {Transformer: "uuid"}, {Transformer: "iban"},
		{Transformer: "first_name", Params: map[string]any{"style": "fpe"}},
	} {
		a, b := mustBuild(t, m, spec, users), mustBuild(t, m, spec, guests)
		for _, in := range []string{"19800101-1234", "ann@example.com", "+46 70 123 45 67"} {
			if x, y := mustMask(t, a, in), mustMask(t, b, in); x != y {
				t.Errorf("%s(%q): %q in users, %q in guest_purchases", spec.Transformer, in, x, y)
			}
		}
	}
	// Defaults written out are the same kind as defaults left out.
	x := mustBuild(t, m, Spec{Transformer: "digits"}, users)
	y := mustBuild(t, m, Spec{Transformer: "digits", Params: map[string]any{"check": "none", "keep_prefix": 0}}, guests)
	if mustMask(t, x, "123456789") != mustMask(t, y, "123456789") {
		t.Error("explicit default parameters changed the output")
	}
	// A parameter that changes the output changes the kind.
	z := mustBuild(t, m, Spec{Transformer: "digits", Params: map[string]any{"keep_prefix": 2}}, guests)
	if mustMask(t, x, "123456789") == mustMask(t, z, "123456789") {
		t.Error("keep_prefix: 2 gave the same output as keep_prefix: 0")
	}
}

// TestCaseInsensitiveEquality: inputs equal after normalization give outputs
// equal after normalization, with the original case and spaces back.
func TestCaseInsensitiveEquality(t *testing.T) {
	m := newTestMasker(t)
	for _, s := range samples() {
		switch s.spec.Transformer {
		case "partial", "json", "number":
			continue
		}
		tr := mustBuild(t, m, s.spec, ColumnInfo{Column: &dbtwin.Column{Kind: s.col, Nullable: true}})
		for _, in := range s.inputs {
			base := mustMask(t, tr, in)
			for _, v := range []string{strings.ToUpper(in), strings.ToLower(in), "  " + in + " "} {
				out := mustMask(t, tr, v)
				if s.spec.Transformer == "hash" {
					if out != base {
						t.Errorf("hash(%q) = %q, hash(%q) = %q", in, base, v, out)
					}
					continue
				}
				if !strings.EqualFold(strings.TrimSpace(out), strings.TrimSpace(base)) {
					t.Errorf("%v: %q -> %q but %q -> %q", s.spec, in, base, v, out)
				}
				if lead := len(v) - len(strings.TrimLeft(v, " ")); !strings.HasPrefix(out, strings.Repeat(" ", lead)) ||
					strings.HasPrefix(out, strings.Repeat(" ", lead+1)) {
					t.Errorf("%v(%q) = %q: surrounding spaces not kept", s.spec, v, out)
				}
				if v == strings.ToUpper(v) && hasLetters(out) && out != strings.ToUpper(out) &&
					!strings.ContainsAny(out, "ß") && s.spec.Transformer != "uuid" {
					t.Errorf("%v(%q) = %q: upper case not kept", s.spec, v, out)
				}
			}
		}
	}
}

func hasLetters(s string) bool { return strings.IndexFunc(s, unicode.IsLetter) >= 0 }

// TestCasePatternPerPosition: length-preserving transformers put the case
// back character by character.
func TestCasePatternPerPosition(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "email"}, textCol())
	in := "JoHn.SMITH@Example.COM"
	out := withoutReservedSuffix(mustMask(t, tr, in))
	if len(out) != len(in) {
		t.Fatalf("email(%q) = %q: length changed", in, out)
	}
	for i := range in {
		if unicode.IsUpper(rune(in[i])) != unicode.IsUpper(rune(out[i])) {
			t.Fatalf("email(%q) = %q: case differs at %d", in, out, i)
		}
	}
	fake := mustBuild(t, m, Spec{Transformer: "first_name"}, textCol())
	for in, class := range map[string]int{"john": caseLower, "JOHN": caseUpper, "John": caseTitle} {
		if got := caseClass(mustMask(t, fake, in)); got != class {
			t.Errorf("first_name(%q) has case class %d, want %d", in, got, class)
		}
	}
}

func TestEmptyAndNull(t *testing.T) {
	m := newTestMasker(t)
	for _, s := range samples() {
		tr := mustBuild(t, m, s.spec, ColumnInfo{Column: &dbtwin.Column{Kind: s.col, Nullable: true}})
		out, err := tr.Mask([]byte{})
		if err != nil || out == nil || len(out) != 0 {
			t.Errorf("%v: empty -> %q, %v (want empty, not NULL)", s.spec, out, err)
		}
	}
	tr := mustBuild(t, m, Spec{Transformer: "null"}, textCol())
	if out, _ := tr.Mask([]byte("x")); out != nil {
		t.Errorf("null gave %q", out)
	}
	tm, err := m.Table([]string{"a", "b"}, map[string]Spec{"a": {Transformer: "email"}, "b": {Transformer: "constant",
		Params: map[string]any{"value": "k"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	row, err := tm.Apply(dbtwin.Row{nil, nil})
	if err != nil || row[0] != nil || row[1] != nil {
		t.Errorf("NULLs became %q, %v", row, err)
	}
}

func TestRandomMode(t *testing.T) {
	a, b := NewRandom(), NewRandom()
	if !a.Random() {
		t.Error("Random() is false")
	}
	ta := mustBuild(t, a, Spec{Transformer: "email"}, textCol())
	tb := mustBuild(t, b, Spec{Transformer: "email"}, textCol())
	x1, x2 := mustMask(t, ta, "ann@example.com"), mustMask(t, ta, "ann@example.com")
	if x1 != x2 {
		t.Error("a random Masker is not consistent within its lifetime")
	}
	if x1 == mustMask(t, tb, "ann@example.com") {
		t.Error("two random Maskers gave the same output")
	}
}

func TestDigestAndNormalize(t *testing.T) {
	m := newTestMasker(t)
	if m.Digest(NormText, []byte(" Ann@X.org ")) != m.Digest(NormText, []byte("ann@x.org")) {
		t.Error("text digests differ for equal normalized values")
	}
	if m.Digest(NormPhone, []byte("+1 (555) 010-9999")) != m.Digest(NormDigits, []byte("15550109999")) {
		t.Error("phone digests differ for equal digits")
	}
	for _, spec := range []Spec{{Transformer: "phone"}, {Transformer: "digits"}} {
		tr := mustBuild(t, m, spec, textCol())
		a, b := mustMask(t, tr, "+1 (555) 010-9999"), mustMask(t, tr, "15550109999")
		if string(digitsOnly([]byte(a))) != string(digitsOnly([]byte(b))) {
			t.Errorf("%s: %q and %q have different digits", spec.Transformer, a, b)
		}
	}
	if m.Digest(NormText, []byte("a")) == m.Digest(NormText, []byte("b")) {
		t.Error("different values, same digest")
	}
	other, _ := New([]byte("another-secret-0123456789"))
	if m.Digest(NormText, []byte("a")) == other.Digest(NormText, []byte("a")) {
		t.Error("the digest does not depend on the secret")
	}
	if got := string(Normalize(NormExact, []byte(" A "))); got != " A " {
		t.Errorf("exact normalization changed the value: %q", got)
	}
	if NormClass("phone") != NormDigits || NormClass("email") != NormText || NormClass("nope") != NormText {
		t.Error("NormClass is wrong")
	}
}

func TestCatalogue(t *testing.T) {
	infos := Catalogue()
	if len(infos) < 25 {
		t.Fatalf("only %d transformers", len(infos))
	}
	for i, info := range infos {
		if i > 0 && infos[i-1].Name >= info.Name {
			t.Errorf("catalogue not sorted at %s", info.Name)
		}
		if info.Summary == "" || len(info.Kinds) == 0 || info.Normalize == "" {
			t.Errorf("%s: incomplete info %+v", info.Name, info)
		}
		for _, p := range info.Params {
			if p.Doc == "" || p.Type == "" {
				t.Errorf("%s.%s: no doc or type", info.Name, p.Name)
			}
		}
	}
	want := map[string]bool{"email": true, "digits": true, "uuid": true, "city": false, "null": false, "constant": false}
	for _, info := range infos {
		if u, ok := want[info.Name]; ok && u != info.Unique {
			t.Errorf("%s: Unique = %v, want %v", info.Name, info.Unique, u)
		}
	}
}

// TestOutputsFitAndKeepLength checks the length rules: format-preserving
// transformers keep the length in characters; the others fit the column.
func TestOutputsFitAndKeepLength(t *testing.T) {
	m := newTestMasker(t)
	same := map[string]bool{"email": true, "phone": true, "postcode": true, "digits": true, "credit_card": true,
		"iban": true, "uuid": true, "text": true, "partial": true, "date": true}
	for _, s := range samples() {
		if !same[s.spec.Transformer] || s.spec.Params["style"] == "fake" {
			continue
		}
		tr := mustBuild(t, m, s.spec, textCol())
		for _, in := range s.inputs {
			out := mustMask(t, tr, in)
			if s.spec.Transformer == "email" {
				out = withoutReservedSuffix(out)
			}
			if utf8.RuneCountInString(out) != utf8.RuneCountInString(in) {
				t.Errorf("%v(%q) = %q: length changed", s.spec, in, out)
			}
		}
	}
	for _, name := range []string{"first_name", "last_name", "full_name", "city", "street_address", "username"} {
		col := ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindText, Type: "varchar(10)", MaxLength: 10}}
		spec := Spec{Transformer: name, Params: map[string]any{}}
		if name == "username" {
			spec.Params["style"] = "fake"
		}
		tr := mustBuild(t, m, spec, col)
		for i := range 300 {
			out := mustMask(t, tr, fmt.Sprintf("Value Number %d", i))
			if utf8.RuneCountInString(out) > 10 || out == "" {
				t.Fatalf("%s wrote %q into varchar(10)", name, out)
			}
		}
	}
	tr := mustBuild(t, m, Spec{Transformer: "email", Params: map[string]any{"style": "fake"}},
		ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindText, MaxLength: 16}})
	for i := range 300 {
		if out := mustMask(t, tr, fmt.Sprintf("someone%d@example.com", i)); utf8.RuneCountInString(out) > 16 {
			t.Fatalf("fake email %q does not fit varchar(16)", out)
		}
	}
}

func TestKeepAndConstant(t *testing.T) {
	m := newTestMasker(t)
	keep := mustBuild(t, m, Spec{Transformer: "keep"}, textCol())
	in := []byte("abc")
	out, _ := keep.Mask(in)
	if !bytes.Equal(out, in) || &out[0] == &in[0] {
		t.Error("keep must return an equal copy")
	}
	c := mustBuild(t, m, Spec{Transformer: "constant", Params: map[string]any{"value": 42}},
		ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindInt}})
	if got := mustMask(t, c, "7"); got != "42" {
		t.Errorf("constant 42 = %q", got)
	}
}

// withoutReservedSuffix drops the reserved top-level domain a masked
// address ends with (".test", the documented format change: the rest keeps
// the original's length and case pattern).
func withoutReservedSuffix(s string) string {
	if strings.HasSuffix(s, ".test") || strings.HasSuffix(s, ".TEST") {
		return s[:len(s)-len(".test")]
	}
	return s
}
