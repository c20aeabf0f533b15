package config

import (
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

const sample = `version: 1
mask:                                  # table -> column -> transformer
  public.users:
    email: email
    national_id: {transformer: digits, keep_length: true}
    profile: {transformer: json, paths: {"$.phone": phone, "$.contact.email": email}}
  public.guest_purchases:
    national_id: {transformer: digits, keep_length: true}
keep: [public.users.country]
relations:
  - from: public.guest_purchases(national_id)
    to: public.users(national_id)
subset:
  roots:
    - {table: public.users, percent: 10, where: "created_at > now() - interval '1 year'"}
  children: {max_per_parent: 100}
  unreachable: {percent: 10}
`

func TestParseDesignExample(t *testing.T) {
	cfg, err := Parse("dbtwin.yaml", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Mask) != 2 || len(cfg.Mask[0].Columns) != 3 {
		t.Fatalf("mask parsed wrong: %+v", cfg.Mask)
	}
	r := cfg.Mask[0].Columns[1].Rule
	if r.Transformer != "digits" || r.Params["keep_length"] != true {
		t.Fatalf("rule parsed wrong: %+v", r)
	}
	paths := cfg.Mask[0].Columns[2].Rule.Params["paths"].(map[string]any)
	if paths["$.phone"] != "phone" {
		t.Fatalf("nested params wrong: %+v", paths)
	}
	if cfg.Subset == nil || cfg.Subset.Roots[0].Percent != 10 || cfg.Subset.Children.MaxPerParent != 100 {
		t.Fatalf("subset parsed wrong: %+v", cfg.Subset)
	}
	if len(cfg.Relations) != 1 || cfg.Relations[0].FromColumns[0] != "national_id" {
		t.Fatalf("relations parsed wrong: %+v", cfg.Relations)
	}
	if !cfg.StrictEnabled() {
		t.Fatal("strict should default to on")
	}
}

func TestParseErrorsArePositioned(t *testing.T) {
	cases := []struct{ text, want string }{
		{"version: 1\nmsak: {}\n", "dbtwin.yaml:2:1: unknown key \"msak\" in the config (did you mean mask?)"},
		{"version: 2\n", "dbtwin.yaml:1:10: version \"2\" is not supported"},
		{"mask: {}\n", "missing `version: 1`"},
		{"version: 1\nsubset:\n  roots:\n    - {table: users, precent: 5}\n", "dbtwin.yaml:4:22: unknown key \"precent\" in subset root (did you mean percent?)"},
		{"version: 1\nsubset:\n  roots:\n    - {table: users, percent: 500}\n", "4:31: root.percent must be a number from 0 to 100"},
		{"version: 1\nmask:\n  users:\n    email: {keep_domain: true}\n", "4:12: mask.users.email: missing `transformer:`"},
		{"version: 1\nrelations:\n  - from: a(x)\n    to: b\n", "4:9: relation.to \"b\" must look like schema.table(column"},
		{"version: 1\nmask:\n  users:\n    email: ${DBTWIN_TEST_UNSET_VAR}\n", "4:12: mask.users.email uses ${DBTWIN_TEST_UNSET_VAR}, which is not set"},
		{"version: 1\n  bad: [\n", "dbtwin.yaml:2"},
	}
	for _, c := range cases {
		_, err := Parse("dbtwin.yaml", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q):\n got %v\nwant %s", c.text, err, c.want)
		}
	}
}

func TestEnvExpansion(t *testing.T) {
	t.Setenv("DBTWIN_TEST_PCT", "7")
	cfg, err := Parse("x.yaml", []byte("version: 1\nsubset:\n  roots:\n    - table: users\n      percent: ${DBTWIN_TEST_PCT}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Subset.Roots[0].Percent != 7 {
		t.Fatalf("got %v", cfg.Subset.Roots[0].Percent)
	}
}

func TestValidateAgainstSchema(t *testing.T) {
	s := &dbtwin.Schema{Tables: []*dbtwin.Table{
		{Schema: "public", Name: "customer", Columns: []*dbtwin.Column{{Name: "email"}, {Name: "id"}},
			PrimaryKey: &dbtwin.Key{Columns: []string{"id"}, Primary: true}},
		{Schema: "public", Name: "guest", Columns: []*dbtwin.Column{{Name: "email"}}},
	}}
	cfg, err := Parse("c.yaml", []byte("version: 1\nmask:\n  customers:\n    email: email\n  customer:\n    emial: email\nkeep: [customer.emali]\nrelations:\n  - {from: guest(email), to: customer(email)}\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = Validate(cfg, s)
	if err == nil {
		t.Fatal("want errors")
	}
	for _, want := range []string{
		`c.yaml:3:3: table "customers" does not exist in the source (did you mean public.customer?)`,
		`c.yaml:6:5: column "emial" does not exist in table public.customer (did you mean public.customer.email?)`,
		`c.yaml:7:8: keep entry "customer.emali"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	rels := cfg.ResolvedRelations(s)
	if len(rels) != 1 || rels[0].Kind != "value" || rels[0].ToTable != "public.customer" {
		t.Fatalf("relations: %+v", rels)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("version: 1\nmask: {a: {b: {transformer: x, y: [1, {z: 2}]}}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = Parse("f.yaml", data)
	})
}

func TestFidelitySection(t *testing.T) {
	cfg, err := Parse("f.yaml", []byte("version: 1\nfidelity:\n  fail: true\n  distinct: 5%\n  fanout: 0.3\n  ignore: [public.users.bio]\n"))
	if err != nil {
		t.Fatal(err)
	}
	f := cfg.Fidelity
	if f == nil || !f.Fail || f.Distinct == nil || *f.Distinct != 0.05 || f.Fanout == nil || *f.Fanout != 0.3 || f.Nulls != nil || len(f.Ignore) != 1 {
		t.Fatalf("fidelity %+v", f)
	}
	_, err = Parse("f.yaml", []byte("version: 1\nfidelity:\n  distinct: lots\n  tolerance: 1\n"))
	if err == nil || !strings.Contains(err.Error(), "f.yaml:3:13: fidelity.distinct must be a fraction") || !strings.Contains(err.Error(), "f.yaml:4:3") {
		t.Fatalf("err %v", err)
	}
}
