package mask

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

func jsonCol() ColumnInfo {
	return ColumnInfo{Table: "t", Column: &dbtwin.Column{Name: "doc", Type: "jsonb", Kind: dbtwin.KindJSON, Nullable: true}}
}

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("invalid JSON %q: %v", s, err)
	}
	return v
}

func TestJSONPaths(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "json", Params: map[string]any{"paths": map[string]any{
		"$.phone":          "phone",
		"$.contact.email":  "email",
		"$.items[*].email": map[string]any{"transformer": "email", "keep_domain": true},
		"$['odd key']":     "null",
		"$.ids[1]":         "digits",
		"$..secret":        map[string]any{"transformer": "constant", "value": "x"},
	}}}, jsonCol())
	in := `{"phone": "+1 555 010 9999", "contact": {"email": "Ann@Corp.example", "n": 1},
	  "items": [{"email": "x@y.org", "q": 2}, {"email": null}, {"other": "keep@me.org"}],
	  "odd key": "gone", "ids": [12345, 67890], "deep": {"a": [{"secret": "s1"}], "secret": 5}, "z": "\u00e9\n"}`
	out := mustMask(t, tr, in)
	got := decodeJSON(t, out).(map[string]any)
	email := mustMask(t, mustBuild(t, m, Spec{Transformer: "email"}, textCol()), "Ann@Corp.example")
	phone := mustMask(t, mustBuild(t, m, Spec{Transformer: "phone"}, textCol()), "+1 555 010 9999")
	if got["phone"] != phone || got["contact"].(map[string]any)["email"] != email {
		t.Errorf("paths not masked like columns: %s", out)
	}
	items := got["items"].([]any)
	if e := items[0].(map[string]any)["email"].(string); !strings.HasSuffix(e, "@y.org") || e == "x@y.org" {
		t.Errorf("items[0].email = %q", e)
	}
	if items[1].(map[string]any)["email"] != nil || items[2].(map[string]any)["other"] != "keep@me.org" {
		t.Errorf("items: %v", items)
	}
	if got["odd key"] != nil {
		t.Errorf("odd key = %v, want null", got["odd key"])
	}
	ids := got["ids"].([]any)
	if ids[0] != float64(12345) || ids[1] == float64(67890) {
		t.Errorf("ids = %v", ids)
	}
	if _, isNum := ids[1].(float64); !isNum {
		t.Errorf("a masked number became %T", ids[1])
	}
	deep := got["deep"].(map[string]any)
	if deep["secret"] != "x" || deep["a"].([]any)[0].(map[string]any)["secret"] != "x" {
		t.Errorf("recursive path: %v", deep)
	}
	if got["z"] != "é\n" {
		t.Errorf("escapes: %q", got["z"])
	}
	if !strings.HasPrefix(out, `{"phone":`) || strings.Index(out, `"contact"`) > strings.Index(out, `"items"`) {
		t.Errorf("key order not kept: %s", out)
	}
}

func TestJSONDetect(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "json", Params: map[string]any{"detect": true}}, jsonCol())
	in := `{"ann@example.com": {"since": "2020-01-02"}, "list": ["bob@example.org", "+44 20 7946 0958",
	  "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00", "hello world", "2024-01-05", "192.168.0.1", 12345678]}`
	out := mustMask(t, tr, in)
	got := decodeJSON(t, out).(map[string]any)
	if _, ok := got["ann@example.com"]; ok || len(got) != 2 {
		t.Errorf("email key not masked: %s", out)
	}
	list := got["list"].([]any)
	for i, orig := range []string{"bob@example.org", "+44 20 7946 0958", "4111 1111 1111 1111", "DE89 3704 0044 0532 0130 00"} {
		if list[i] == orig {
			t.Errorf("detect kept %q", orig)
		}
	}
	if !luhnValid(digitsOnly([]byte(list[2].(string)))) || !ibanValid(strings.ToLower(list[3].(string))) {
		t.Errorf("detected card/IBAN not valid: %v", list)
	}
	for i, keep := range []any{"hello world", "2024-01-05", "192.168.0.1", float64(12345678)} {
		if list[4+i] != keep {
			t.Errorf("detect changed %v into %v", keep, list[4+i])
		}
	}
}

func TestJSONNotJSON(t *testing.T) {
	m := newTestMasker(t)
	tr := mustBuild(t, m, Spec{Transformer: "json", Params: map[string]any{"detect": true}}, textCol())
	for _, in := range []string{"not json at all", `{"a": }`, `[1, 2`} {
		out := mustMask(t, tr, in)
		if out == in || len(out) != len(in) {
			t.Errorf("json(%q) = %q: invalid JSON must be enciphered, not copied", in, out)
		}
	}
	for _, in := range []string{`[]`, `{}`, `"s"`, `1.5e3`, `null`, `[[[]]]`, ` {"a" : [ true , false ] } `} {
		out := mustMask(t, tr, in)
		if !reflect.DeepEqual(decodeJSON(t, out), decodeJSON(t, in)) {
			t.Errorf("json(%q) = %q", in, out)
		}
	}
}

func TestJSONPathErrors(t *testing.T) {
	for path, want := range map[string]string{
		"a.b":      "starts with $",
		"$":        "whole document",
		"$.":       "expected a member name",
		"$[x]":     "inside [ ]",
		"$[0":      "never closed",
		"$.a b[1]": "",
	} {
		_, err := parseJSONPath(path)
		if want == "" {
			if err != nil {
				t.Errorf("%q: %v", path, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseJSONPath(%q) = %v, want %q", path, err, want)
		}
	}
}
