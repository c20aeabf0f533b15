package mask

import (
	"fmt"
	"testing"

	"github.com/dbtwin/dbtwin"
)

func TestExplore(t *testing.T) {
	m, _ := New([]byte("0123456789abcdef0123"))
	cases := []struct {
		spec Spec
		kind dbtwin.Kind
		in   []string
	}{
		{Spec{Transformer: "email"}, dbtwin.KindText, []string{"John.Smith@Gmail.com", "john.smith@gmail.com", "  a@b.co ", "noat", "ülrich@müller.de"}},
		{Spec{Transformer: "email", Params: map[string]any{"style": "fake"}}, dbtwin.KindText, []string{"John.Smith@Gmail.com", "JOHN@X.ORG"}},
		{Spec{Transformer: "first_name"}, dbtwin.KindText, []string{"John", "JOHN", "john", "Zoë"}},
		{Spec{Transformer: "first_name", Params: map[string]any{"style": "fpe"}}, dbtwin.KindText, []string{"John", "JOHN", "Zoë", "José-María"}},
		{Spec{Transformer: "full_name"}, dbtwin.KindText, []string{"John Ronald Smith", "ann lee"}},
		{Spec{Transformer: "username"}, dbtwin.KindText, []string{"jsmith42", "x"}},
		{Spec{Transformer: "username", Params: map[string]any{"style": "fake"}}, dbtwin.KindText, []string{"jsmith42", "x"}},
		{Spec{Transformer: "phone"}, dbtwin.KindText, []string{"+1 (555) 010-9999", "15550109999", "0044 20 7946 0958", "06 12 34 56 78", "555-1234"}},
		{Spec{Transformer: "street_address"}, dbtwin.KindText, []string{"221B Baker Street", "10 Downing St"}},
		{Spec{Transformer: "city"}, dbtwin.KindText, []string{"London", "PARIS"}},
		{Spec{Transformer: "postcode"}, dbtwin.KindText, []string{"SW1A 1AA", "02134", "75008", "K1A 0B1"}},
		{Spec{Transformer: "date"}, dbtwin.KindText, []string{"2024-03-05", "2024-03-05 12:34:56.789+01", "05.03.2024", "03/05/2024", "1990-01-01T00:00:00Z", "infinity"}},
		{Spec{Transformer: "date", Params: map[string]any{"age_band": 10}}, dbtwin.KindText, []string{"1985-06-15"}},
		{Spec{Transformer: "number"}, dbtwin.KindText, []string{"100", "12.50", "-3.25", "1e+20", "12345678901234567890"}},
		{Spec{Transformer: "digits"}, dbtwin.KindText, []string{"123-45-6789", "0123456", "2147483647", "AB123456"}},
		{Spec{Transformer: "digits", Params: map[string]any{"check": "luhn"}}, dbtwin.KindText, []string{"4111111111111111", "79927398713"}},
		{Spec{Transformer: "digits", Params: map[string]any{"check": "mod11"}}, dbtwin.KindText, []string{"0-306-40615-2", "080442957X"}},
		{Spec{Transformer: "credit_card"}, dbtwin.KindText, []string{"4111 1111 1111 1111", "378282246310005", "5555555555554444"}},
		{Spec{Transformer: "iban"}, dbtwin.KindText, []string{"DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "not an iban"}},
		{Spec{Transformer: "ip"}, dbtwin.KindText, []string{"192.168.1.5", "10.0.0.1/24", "2001:db8::1", "::ffff:1.2.3.4"}},
		{Spec{Transformer: "ip", Params: map[string]any{"prefix_bits": 16}}, dbtwin.KindText, []string{"192.168.1.5", "2001:db8::1"}},
		{Spec{Transformer: "uuid"}, dbtwin.KindText, []string{"550e8400-e29b-41d4-a716-446655440000", "{550E8400-E29B-41D4-A716-446655440000}", "550e8400e29b41d4a716446655440000"}},
		{Spec{Transformer: "text"}, dbtwin.KindText, []string{"Hello World, this is John calling from 555-1234.", "Ünïcödé ok"}},
		{Spec{Transformer: "hash"}, dbtwin.KindText, []string{"abc", "ABC"}},
		{Spec{Transformer: "partial"}, dbtwin.KindText, []string{"4111-1111-1111-1111", "abc"}},
		{Spec{Transformer: "json", Params: map[string]any{"paths": map[string]any{"$.phone": "phone", "$.contact.email": "email", "$.items[*].email": "email"}, "detect": true}}, dbtwin.KindJSON,
			[]string{`{"phone":"+1 555 010 9999","contact":{"email":"a@b.com","n":1},"items":[{"email":"x@y.org"},{"email":null}],"note":"call 4111 1111 1111 1111","john@x.com":true}`}},
		{Spec{Transformer: "regex", Params: map[string]any{"pattern": `id=(\d+)`, "groups": map[string]any{"1": "digits"}}}, dbtwin.KindText, []string{"user id=12345 ok", "none"}},
		{Spec{Transformer: "regex", Params: map[string]any{"pattern": `(\w+)@(\w+)`, "replacement": "$1 at ${2}", "groups": map[string]any{"1": "first_name"}}}, dbtwin.KindText, []string{"mail john@corp now"}},
	}
	for _, c := range cases {
		tr, err := m.Build(c.spec, ColumnInfo{Column: &dbtwin.Column{Kind: c.kind, Nullable: true}})
		if err != nil {
			t.Errorf("%v: %v", c.spec, err)
			continue
		}
		for _, in := range c.in {
			out, err := tr.Mask([]byte(in))
			fmt.Printf("%-14s %-40q -> %q %v\n", c.spec.Transformer, in, out, err)
		}
	}
}

func TestExplore2(t *testing.T) {
	m, _ := New([]byte("0123456789abcdef0123"))
	tr, _ := m.Build(Spec{Transformer: "first_name"}, ColumnInfo{})
	seen := map[string]int{}
	for i := 0; i < 10000; i++ {
		out, _ := tr.Mask([]byte(fmt.Sprintf("name%d", i)))
		seen[string(out)]++
	}
	fmt.Println(len(seen), seen["Aaliyah"])
}

func TestExploreErrors(t *testing.T) {
	m, _ := New([]byte("0123456789abcdef0123"))
	uc := ColumnInfo{Table: "public.users", Column: &dbtwin.Column{Name: "city", Type: "text", Kind: dbtwin.KindText}, Unique: true}
	for _, s := range []Spec{{Transformer: "city"}, {Transformer: "first_name"}, {Transformer: "emial"}, {Transformer: "email", Params: map[string]any{"keep_domian": true}},
		{Transformer: "email", When: "a == 'x' and (b is nul"}, {Transformer: "phone", Params: map[string]any{"format": "+1 (###) ###-####"}}} {
		_, err := m.Build(s, uc)
		fmt.Println(err)
	}
	_, err := m.Build(Spec{Transformer: "email"}, ColumnInfo{Table: "public.users", Column: &dbtwin.Column{Name: "id", Type: "integer", Kind: dbtwin.KindInt}})
	fmt.Println(err)
	_, err = m.Build(Spec{Transformer: "phone", Params: map[string]any{"format": "+1 (###) ###-####"}}, ColumnInfo{Table: "public.users", Column: &dbtwin.Column{Name: "phone", Type: "character varying(8)", Kind: dbtwin.KindText, MaxLength: 8}})
	fmt.Println(err)
}
