package mask

import (
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

func TestBuildErrors(t *testing.T) {
	m := newTestMasker(t)
	intCol := ColumnInfo{Table: "public.users", Column: &dbtwin.Column{Name: "id", Type: "integer", Kind: dbtwin.KindInt}}
	short := ColumnInfo{Table: "public.users", Column: &dbtwin.Column{Name: "phone", Type: "character varying(8)",
		Kind: dbtwin.KindText, MaxLength: 8, Nullable: true}}
	notNull := ColumnInfo{Table: "public.users", Column: &dbtwin.Column{Name: "email", Type: "text", Kind: dbtwin.KindText}}
	enum := ColumnInfo{Column: &dbtwin.Column{Name: "mood", Type: "mood", Kind: dbtwin.KindEnum, EnumValues: []string{"happy", "sad"}}}
	cases := []struct {
		spec Spec
		col  ColumnInfo
		want []string
	}{
		{Spec{Transformer: "emial"}, textCol(), []string{`unknown transformer "emial"`, `did you mean "email"?`}},
		{Spec{}, textCol(), []string{"no transformer"}},
		{Spec{Transformer: "email", Params: map[string]any{"keep_domian": true}}, textCol(),
			[]string{`unknown parameter "keep_domian"`, `did you mean "keep_domain"?`}},
		{Spec{Transformer: "email", Params: map[string]any{"keep_domain": "yes"}}, textCol(),
			[]string{"keep_domain must be true or false", `"yes" (a string)`}},
		{Spec{Transformer: "email", Params: map[string]any{"style": "fak"}}, textCol(), []string{`did you mean "fake"?`, "fake, fpe"}},
		{Spec{Transformer: "city", Params: map[string]any{"x": 1}}, textCol(), []string{"city takes no parameters"}},
		{Spec{Transformer: "hash", Params: map[string]any{"length": 1.5}}, textCol(), []string{"length must be a whole number"}},
		{Spec{Transformer: "email"}, intCol, []string{"email cannot mask column public.users.id (integer)", "kind text, other"}},
		{Spec{Transformer: "phone", Params: map[string]any{"format": "+1 (###) ###-####"}}, short,
			[]string{"public.users.phone", "17 characters", "at most 8"}},
		{Spec{Transformer: "null"}, notNull, []string{"NOT NULL"}},
		{Spec{Transformer: "constant"}, textCol(), []string{"parameter value is required"}},
		{Spec{Transformer: "constant", Params: map[string]any{"value": "abc"}}, intCol, []string{"not an integer"}},
		{Spec{Transformer: "constant", Params: map[string]any{"value": "hapy"}}, enum, []string{"labels", `did you mean "happy"?`}},
		{Spec{Transformer: "constant", Params: map[string]any{"value": "far too long"}}, short, []string{"at most 8"}},
		{Spec{Transformer: "first_name"}, ColumnInfo{Column: &dbtwin.Column{Kind: dbtwin.KindText, MaxLength: 1}}, []string{"at most 1"}},
		{Spec{Transformer: "digits", Params: map[string]any{"keep_length": false}}, textCol(), []string{"always keeps the length"}},
		{Spec{Transformer: "digits", Params: map[string]any{"check": "mod11"}}, intCol, []string{"X"}},
		{Spec{Transformer: "date", Params: map[string]any{"keep_year": true, "age_band": 10}}, textCol(), []string{"contradict"}},
		{Spec{Transformer: "regex", Params: map[string]any{"pattern": "(a"}}, textCol(), []string{"pattern:"}},
		{Spec{Transformer: "regex", Params: map[string]any{"pattern": "(?P<user>a)", "groups": map[string]any{"usr": "email"}}},
			textCol(), []string{`no group "usr"`, `did you mean "user"?`}},
		{Spec{Transformer: "regex", Params: map[string]any{"pattern": "(a)", "replacement": "$2"}}, textCol(), []string{`no group "2"`}},
		{Spec{Transformer: "regex", Params: map[string]any{"pattern": "(a)", "groups": map[string]any{"1": "emal"}}}, textCol(),
			[]string{"groups.1", `did you mean "email"?`}},
		{Spec{Transformer: "json", Params: map[string]any{"paths": map[string]any{"phone": "phone"}}}, textCol(), []string{"starts with $"}},
		{Spec{Transformer: "json", Params: map[string]any{"paths": map[string]any{"$.a": "template"}}}, textCol(), []string{"cannot be nested"}},
		{Spec{Transformer: "json"}, textCol(), []string{"set paths"}},
		{Spec{Transformer: "template", Params: map[string]any{"template": "{{.a"}}, textCol(), []string{"template"}},
		{Spec{Transformer: "email", When: "status = 'x'"}, textCol(), []string{"when: column 8", "use =="}},
	}
	for _, c := range cases {
		_, err := m.Build(c.spec, c.col)
		if err == nil {
			t.Errorf("Build(%v) succeeded", c.spec)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("Build(%v) = %q, want it to contain %q", c.spec, err, w)
			}
		}
	}
}

func TestBuildAcceptsYAMLShapes(t *testing.T) {
	m := newTestMasker(t)
	ok := []Spec{
		{Transformer: "hash", Params: map[string]any{"length": float64(16)}},
		{Transformer: "number", Params: map[string]any{"percent": 5, "min": 0, "max": 100.5}},
		{Transformer: "constant", Params: map[string]any{"value": true}},
		{Transformer: "json", Params: map[string]any{"paths": map[string]any{"$.a": map[string]any{"transformer": "digits", "check": "luhn"}}}},
		{Transformer: "regex", Params: map[string]any{"pattern": `(\d+)`, "groups": map[string]any{"1": map[string]any{"transformer": "constant", "value": "0"}}}},
	}
	for _, s := range ok {
		if _, err := m.Build(s, textCol()); err != nil {
			t.Errorf("Build(%v): %v", s, err)
		}
	}
}

func TestSuggest(t *testing.T) {
	names := transformerNames()
	for in, want := range map[string]string{"emial": "email", "firstname": "first_name", "phon": "phone", "zzzzzz": "", "uuid4": "uuid"} {
		if got := suggest(in, names); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKindKey(t *testing.T) {
	d := registryByName["number"]
	a, _ := newParams("number", d.params, nil)
	b, _ := newParams("number", d.params, map[string]any{"min": 0})
	c, _ := newParams("number", d.params, map[string]any{"percent": 10.0})
	if a.kindKey() == b.kindKey() {
		t.Errorf("min unset and min 0 share the kind %s", a.kindKey())
	}
	if a.kindKey() != c.kindKey() {
		t.Errorf("an explicit default changed the kind: %s vs %s", a.kindKey(), c.kindKey())
	}
}
