package config

import (
	"fmt"
	"testing"

	"github.com/dbtwin/dbtwin"
)

// hostileSchema has names holding dots, quotes, commas and parentheses.
func hostileSchema() *dbtwin.Schema {
	col := func(names ...string) []*dbtwin.Column {
		var out []*dbtwin.Column
		for _, n := range names {
			out = append(out, &dbtwin.Column{Name: n, Kind: dbtwin.KindText})
		}
		return out
	}
	return &dbtwin.Schema{Tables: []*dbtwin.Table{
		{Schema: "public", Name: "plain2", Columns: col("a.b", "a", "id")},
		{Schema: "public", Name: "we.ird", Columns: col(`q"uote`, "x,y", "p(q)", " pad ")},
		{Schema: "public", Name: "t", Columns: col("b.c")},
		{Schema: "public", Name: "t.b", Columns: col("c")},
	}}
}

func TestColumnRefRoundTrip(t *testing.T) {
	s := hostileSchema()
	for _, tb := range s.Tables {
		for _, c := range tb.Columns {
			ref := ColumnRef(tb, c.Name)
			gt, gc, ok := SplitColumnRef(s, ref)
			if !ok || gt != tb || gc != c {
				t.Errorf("%s.%s written as %s does not resolve back (ok=%v)", tb.QualifiedName(), c.Name, ref, ok)
			}
		}
	}
	if ref := ColumnRef(s.Tables[0], "a.b"); ref != `public.plain2."a.b"` {
		t.Errorf("ColumnRef = %s", ref)
	}
}

func TestSplitColumnRefUnquoted(t *testing.T) {
	s := hostileSchema()
	// The old unquoted form still resolves when only one split fits.
	if _, c, ok := SplitColumnRef(s, "public.plain2.a.b"); !ok || c.Name != "a.b" {
		t.Fatalf("public.plain2.a.b: ok=%v", ok)
	}
	// public.t."b.c" and public."t.b".c: the unquoted form is ambiguous.
	if _, _, ok := SplitColumnRef(s, "public.t.b.c"); ok {
		t.Fatal("an ambiguous unquoted reference resolved")
	}
	if tb, c, ok := SplitColumnRef(s, `public."t.b".c`); !ok || tb.Name != "t.b" || c.Name != "c" {
		t.Fatal(`public."t.b".c did not resolve`)
	}
	for _, bad := range []string{`public."plain2`, `public.pl"ain2".a`, `"a"b.c`, "nodot", ".a"} {
		if _, _, ok := SplitColumnRef(s, bad); ok {
			t.Errorf("%q resolved", bad)
		}
	}
}

func TestHostileNamesInConfig(t *testing.T) {
	s := hostileSchema()
	w := s.Tables[1]
	yml := fmt.Sprintf(`version: 1
mask:
  %q:
    %q: email
keep:
  - %q
  - 'public.plain2."a.b"'
relations:
  - from: %q
    to: 'public.plain2("a.b")'
`, TableRef(w), `q"uote`, ColumnRef(w, "x,y"), TableRef(w)+`("p(q)")`)
	cfg, err := Parse("dbtwin.yaml", []byte(yml))
	if err != nil {
		t.Fatalf("%v\n%s", err, yml)
	}
	if err := Validate(cfg, s); err != nil {
		t.Fatalf("%v\n%s", err, yml)
	}
	if cfg.Mask[0].Table != "public.we.ird" {
		t.Errorf("mask table = %q", cfg.Mask[0].Table)
	}
	r := cfg.Relations[0]
	if r.FromTable != "public.we.ird" || r.FromColumns[0] != "p(q)" || r.ToColumns[0] != "a.b" {
		t.Errorf("relation parsed as %+v", r)
	}
	if !cfg.Kept(s, "public.we.ird", "x,y") || !cfg.Kept(s, "public.plain2", "a.b") || cfg.Kept(s, "public.plain2", "a") {
		t.Error("Kept answers wrong")
	}
	if cr, ok := cfg.Resolved(s).Rule("public.we.ird", `q"uote`); !ok || cr.Rule.Transformer != "email" {
		t.Error("Rule lookup failed")
	}
}

func TestParseTableColumnsQuoted(t *testing.T) {
	for in, want := range map[string]string{
		`t(a, b)`:                 "t|a|b",
		`public."a(b"("x,y", "")`: "",
		`public."a(b"("x,y", z)`:  "public.a(b|x,y|z",
		` s.t ( "q""x" ) `:        `s.t|q"x`,
		`t(a`:                     "",
		`(a)`:                     "",
		`t(a(b))`:                 "",
	} {
		tb, cols, ok := ParseTableColumns(in)
		got := ""
		if ok {
			got = tb
			for _, c := range cols {
				got += "|" + c
			}
		}
		if got != want {
			t.Errorf("ParseTableColumns(%q) = %q, want %q", in, got, want)
		}
	}
}

// ExampleColumnRef shows how a column whose name holds a dot is written.
func ExampleColumnRef() {
	t := &dbtwin.Table{Schema: "public", Name: "plain2"}
	fmt.Println(ColumnRef(t, "a.b"))
	fmt.Println(ColumnRef(t, "email"))
	// Output:
	// public.plain2."a.b"
	// public.plain2.email
}

// ExampleResolve resolves a config against a schema once, then answers
// per-column questions with map lookups.
func ExampleResolve() {
	s := &dbtwin.Schema{Tables: []*dbtwin.Table{{Schema: "public", Name: "users", Columns: []*dbtwin.Column{
		{Name: "email", Kind: dbtwin.KindText}, {Name: "country", Kind: dbtwin.KindText}, {Name: "a.b", Kind: dbtwin.KindText}}}}}
	cfg, err := Parse("dbtwin.yaml", []byte("version: 1\nmask: {users: {email: email}}\nkeep: [users.country, 'users.\"a.b\"']\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	r := Resolve(cfg, s)
	rule, _ := r.Rule("public.users", "email")
	fmt.Println(rule.Rule.Transformer, r.Kept("public.users", "country"), r.Kept("public.users", "email"), r.KeptColumns("public.users"))
	// Output: email true false [country a.b]
}
