package mask

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite mask/testdata/golden.txt from the current outputs")

// goldenCase is one rule and the inputs whose outputs are pinned.
type goldenCase struct {
	name   string
	spec   Spec
	kind   dbtwin.Kind
	family string // generated inputs added to the fixed ones (see goldenInputs)
	inputs []string
}

func goldenCases() []goldenCase {
	r := func(name string, params ...any) Spec {
		s := Spec{Transformer: name, Params: map[string]any{}}
		for i := 0; i+1 < len(params); i += 2 {
			s.Params[params[i].(string)] = params[i+1]
		}
		return s
	}
	T, J := dbtwin.KindText, dbtwin.KindJSON
	return []goldenCase{
		{"email", r("email"), T, "email", []string{"John.Smith@Gmail.com", "ann+news@mail.example.org", "x@y.io", "joão@exemplo.com.br", "not-an-email", " Pad@X.com "}},
		{"email_fake", r("email", "style", "fake"), T, "email", []string{"John.Smith@Gmail.com", "b@c.de"}},
		{"email_keep_domain", r("email", "keep_domain", true), T, "email", nil},
		{"email_domain", r("email", "domain", "example.com"), T, "email", nil},
		{"first_name", r("first_name"), T, "name", []string{"John", "Zoë", "Anne-Marie", "JOSÉ"}},
		{"first_name_fpe", r("first_name", "style", "fpe"), T, "name", []string{"José-María", "Łukasz", "李雷"}},
		{"last_name", r("last_name"), T, "name", []string{"O'Brien"}},
		{"last_name_fpe", r("last_name", "style", "fpe"), T, "name", nil},
		{"full_name", r("full_name"), T, "name", []string{"John Ronald Smith", "Ann Lee"}},
		{"full_name_fpe", r("full_name", "style", "fpe"), T, "name", nil},
		{"username", r("username"), T, "name", []string{"jsmith42", "Admin_01"}},
		{"username_fake", r("username", "style", "fake"), T, "name", nil},
		{"phone", r("phone"), T, "phone", []string{"+1 (555) 010-9999", "0044 20 7946 0958", "06 12 34 56 78", "12", "ramal 4021"}},
		{"phone_keep_prefix", r("phone", "keep_prefix", 2), T, "phone", nil},
		{"phone_no_country", r("phone", "keep_country_code", false), T, "phone", nil},
		{"phone_format", r("phone", "format", "+55 ## 9####-####"), T, "phone", nil},
		{"street_address", r("street_address"), T, "street", []string{"221B Baker Street", "10 Downing St"}},
		{"street_address_fpe", r("street_address", "style", "fpe"), T, "street", nil},
		{"city", r("city"), T, "name", []string{"London", "São Paulo"}},
		{"postcode", r("postcode"), T, "postcode", []string{"SW1A 1AA", "02134", "K1A 0B1", "01310-100"}},
		{"date", r("date"), T, "date", []string{"2024-03-05", "2024-03-05 12:34:56.789+01", "05.03.2024", "3/4/2021", "Mar 5, 2024"}},
		{"date_age_band", r("date", "age_band", 10), dbtwin.KindDate, "date", nil},
		{"date_keep_year", r("date", "keep_year", true, "max_days", 400), T, "date", nil},
		{"date_day_first", r("date", "day_first", true), T, "date", []string{"03/04/2021", "25/12/1999"}},
		{"number", r("number"), T, "number", []string{"100", "12.50", "-3.25", "0"}},
		{"number_delta_bounds", r("number", "delta", 5, "min", 0, "max", 100), dbtwin.KindNumeric, "number", nil},
		{"digits", r("digits"), T, "digits", []string{"123-45-6789", "0123456", "2147483647", "9", "abc"}},
		{"digits_luhn", r("digits", "check", "luhn"), T, "digits", []string{"4111111111111111"}},
		{"digits_mod11", r("digits", "check", "mod11"), T, "digits", []string{"030640615X", "0306406152"}},
		{"digits_keep_prefix", r("digits", "keep_prefix", 3), T, "digits", nil},
		{"digits_int", r("digits"), dbtwin.KindInt, "int", nil},
		{"credit_card", r("credit_card"), T, "card", []string{"4111 1111 1111 1111", "378282246310005", "5500-0000-0000-0004"}},
		{"credit_card_no_brand", r("credit_card", "keep_brand", false), T, "card", nil},
		{"iban", r("iban"), T, "iban", []string{"DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "BR1500000000000010932840814P2"}},
		{"ip", r("ip"), T, "ip", []string{"192.168.1.5", "2001:db8::1", "::1", "10.0.0.0/8"}},
		{"ip_prefix", r("ip", "prefix_bits", 16), T, "ip", nil},
		{"uuid", r("uuid"), dbtwin.KindUUID, "uuid", []string{"550e8400-e29b-41d4-a716-446655440000"}},
		{"text", r("text"), T, "text", []string{"Hello World, this is John.", "Ünïcödé ok", "  spaced  out  "}},
		{"hash", r("hash"), T, "name", []string{"abc", "Hello"}},
		{"hash_short_exact", r("hash", "length", 12, "normalize", false), T, "name", nil},
		{"partial", r("partial"), T, "digits", []string{"4111-1111-1111-1111", "ab"}},
		{"partial_first", r("partial", "keep_first", 2, "keep_last", 1, "char", "#"), T, "name", nil},
		{"null", r("null"), T, "name", nil},
		{"constant", r("constant", "value", "redacted"), T, "name", nil},
		{"keep", r("keep"), T, "name", nil},
		{"regex_groups", r("regex", "pattern", `(\d{3})\.(\d{3})\.(\d{3})-(\d{2})`, "groups", map[string]any{"1": "digits", "3": "digits"}), T, "cpf", nil},
		{"regex_replacement", r("regex", "pattern", `[\w.+-]+@[\w.-]+`, "replacement", "<email>"), T, "text", []string{"write to ann@x.com or bob@y.org"}},
		{"json_paths", r("json", "paths", map[string]any{"$.phone": "phone", "$.recovery_email": "email", "$.tags[*]": "hash", "$..name": "first_name"}), J, "json", nil},
		{"json_detect", r("json", "detect", true), J, "json", []string{`{"email":"a@b.com","n":1}`, `[1,"x",{"a@b.com":true}]`, `"+55 11 91234-5678"`, `not json`}},
		{"json_both", r("json", "detect", true, "paths", map[string]any{"$.city": "city"}), J, "json", nil},
	}
}

// goldenInputs returns n generated inputs of one family: incident-shaped
// values (Brazilian phones and IDs, Portuguese names, jsonb profiles).
func goldenInputs(family string, n int) []string {
	first := []string{"Ana", "Maria", "João", "José", "Pedro", "Lucas", "Juliana", "Antônia", "Zoë", "Łukasz"}
	last := []string{"Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira"}
	out := make([]string, n)
	for i := range out {
		f, l := first[i%len(first)], last[(i/3)%len(last)]
		x := uint64(i)*2654435761 + 12345
		var s string
		switch family {
		case "email":
			s = fmt.Sprintf("%s.%s%d@%s", f, l, i, []string{"gmail.com", "hotmail.com", "yahoo.com.br", "Example.ORG"}[i%4])
		case "name":
			s = []string{f, l + fmt.Sprintf(" %05x", x%1048576), f + " " + l, strings.ToUpper(f), f + "_" + fmt.Sprint(i)}[i%5]
		case "phone":
			s = []string{fmt.Sprintf("+55 %d 9%04d-%04d", 11+i%9*10, x%10000, x/7%10000), fmt.Sprintf("+5511%09d", x%1e9),
				fmt.Sprintf("(%d) 3%03d-%04d", 21+i%7, x%1000, x/3%10000), fmt.Sprintf("+1 555 %07d", x%1e7)}[i%4]
		case "street":
			s = fmt.Sprintf("Rua %s %s, %d apto %d", f, l, x%3000, i%90)
		case "postcode":
			s = []string{fmt.Sprintf("%05d-%03d", x%100000, i%1000), fmt.Sprintf("SW%d %dAB", i%10, i%9)}[i%2]
		case "date":
			s = []string{fmt.Sprintf("19%02d-%02d-%02d", 40+i%60, 1+i%12, 1+i%28), fmt.Sprintf("20%02d-%02d-%02d %02d:%02d:%02d+00", i%25, 1+i%12, 1+i%28, i%24, i%60, i%59)}[i%2]
		case "number":
			s = []string{fmt.Sprint(x % 100000), fmt.Sprintf("%d.%02d", x%5000, i%100), fmt.Sprintf("-%d.5", i)}[i%3]
		case "digits":
			s = []string{fmt.Sprintf("%011d", x%1e11), fmt.Sprintf("%03d.%03d.%03d-%02d", x%1000, x/1000%1000, x/1e6%1000, i%100), fmt.Sprintf("%d", x%1e6)}[i%3]
		case "int":
			s = fmt.Sprint(int64(x%4e9) - 2e9)
		case "card":
			s = fmt.Sprintf("4%015d", x%1e15)
		case "iban":
			s = fmt.Sprintf("DE%02d3704004405%08d", i%100, x%1e8)
		case "ip":
			s = []string{fmt.Sprintf("10.%d.%d.%d", x>>16&255, x>>8&255, x&255), fmt.Sprintf("2001:db8::%x", x%65536)}[i%2]
		case "uuid":
			s = fmt.Sprintf("550e8400-e29b-41d4-a716-%012x", x%(1<<48))
		case "text":
			s = fmt.Sprintf("Cliente %s %s ligou %d vezes; prefere WhatsApp.", f, l, i)
		case "cpf":
			s = fmt.Sprintf("CPF %03d.%03d.%03d-%02d ok", x%1000, x/1000%1000, x/1e6%1000, i%100)
		case "json":
			s = fmt.Sprintf(`{"phone": "+55 11 9%04d-%04d", "recovery_email": "%s_%d@gmail.com", "city": "Recife", "newsletter": %t, "tags": ["vip", "loyalty-%d"], "kids": [{"name": "%s"}], "n": %d}`,
				x%10000, x/9%10000, strings.ToLower(l), i, i%2 == 0, i%5, f, i)
		}
		out[i] = s
	}
	return out
}

const goldenFile = "testdata/golden.txt"

// TestGoldenOutputs pins the output of every transformer for a fixed secret:
// a speed change must not change the twin. A deliberate format change
// regenerates the file (go test ./mask -run TestGoldenOutputs -update-golden)
// and is documented in the README.
func TestGoldenOutputs(t *testing.T) {
	m, err := New([]byte("golden-secret-do-not-change-0123"))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	covered := map[string]bool{}
	for _, c := range goldenCases() {
		covered[c.spec.Transformer] = true
		col := &dbtwin.Column{Name: "c", Type: "text", Kind: c.kind, Nullable: true}
		tr, err := m.Build(c.spec, ColumnInfo{Table: "t", Column: col})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		for _, in := range append(append([]string{}, c.inputs...), goldenInputs(c.family, 40)...) {
			out, err := tr.Mask([]byte(in))
			res := fmt.Sprintf("%q", out)
			if out == nil {
				res = "NULL"
			}
			if err != nil {
				res = "error"
			}
			fmt.Fprintf(&got, "%s\t%q\t%s\n", c.name, in, res)
		}
	}
	// Templates run on the masked row.
	tm, err := m.Table([]string{"first_name", "last_name", "email"}, map[string]Spec{
		"first_name": {Transformer: "first_name"}, "last_name": {Transformer: "last_name", When: "email is not null"},
		"email": {Transformer: "template", Params: map[string]any{"template": "{{lower .first_name}}.{{lower .last_name}}@example.com"}},
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	covered["template"] = true
	for _, in := range goldenInputs("name", 20) {
		row, err := tm.Apply(dbtwin.Row{[]byte(in), []byte(in + "x"), []byte("e")})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&got, "template\t%q\t%q\n", in, bytes.Join(row, []byte("|")))
	}
	for _, d := range registry {
		if !covered[d.name] {
			t.Errorf("transformer %s has no golden case: add one to goldenCases", d.name)
		}
	}
	path := filepath.FromSlash(goldenFile)
	if *updateGolden {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (create it with -update-golden)", err)
	}
	if bytes.Equal(got.Bytes(), want) {
		return
	}
	gl, wl := lines(got.Bytes()), lines(want)
	diffs := 0
	for i := 0; i < max(len(gl), len(wl)) && diffs < 20; i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Errorf("line %d:\n got  %s\n want %s", i+1, g, w)
			diffs++
		}
	}
	t.Errorf("outputs differ from %s: a speed change must not change the twin; a deliberate format change regenerates the file with -update-golden and is documented", goldenFile)
}

func lines(b []byte) []string {
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
