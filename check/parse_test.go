package check

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

func noEnv(string) (string, bool) { return "", false }

func TestParseDesignExample(t *testing.T) {
	// The example of DESIGN.md §2, verbatim.
	f, err := ParseWithEnv("checks.yaml", []byte(`version: 1
queries:
  recipients: |
    SELECT u.email FROM users u JOIN subscriptions s ON s.user_id = u.id WHERE s.active
checks:
  - name: each recipient once
    unique: {query: recipients, columns: [email]}
  - name: never more recipients than users
    row_count: {query: recipients, max: "SELECT count(*) FROM users"}
  - name: orders point at users
    references: {from: "orders(user_id)", to: "users(id)", nulls: ignore}
  - name: guests overlap users as in production       # needs --baseline
    overlap: {a: "users(national_id)", b: "guest_purchases(national_id)", tolerance: 0.25}
`), noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Checks) != 4 || !f.NeedsBaseline() {
		t.Fatalf("checks %d, needs baseline %v", len(f.Checks), f.NeedsBaseline())
	}
	u := f.Checks[0]
	if u.Kind != KindUnique || u.Unique.Query != "recipients" || !strings.Contains(u.Unique.SQL, "JOIN subscriptions") ||
		u.Severity != SeverityError || u.Examples != 5 || u.NoRedact || u.Pos.String() != "checks.yaml:6:5" {
		t.Errorf("unique check parsed as %+v", u)
	}
	rc := f.Checks[1].RowCount
	if rc.Max == nil || rc.Max.SQL != "SELECT count(*) FROM users" || rc.Min != nil || rc.Scale != 1 {
		t.Errorf("row_count parsed as %+v", rc)
	}
	ref := f.Checks[2].References
	if ref.From.String() != "orders(user_id)" || ref.To.Table != "users" || ref.Nulls != NullsIgnore {
		t.Errorf("references parsed as %+v", ref)
	}
	if o := f.Checks[3].Overlap; o.Tolerance != 0.25 || o.B.Table != "guest_purchases" {
		t.Errorf("overlap parsed as %+v", o)
	}
}

func TestParseErrorsArePositioned(t *testing.T) {
	cases := []struct {
		name, text string
		want       []string
	}{
		{"unknown top-level key", "version: 1\nchecks:\n  - name: a\n    rows: x\nquerys: {}\n",
			[]string{`checks.yaml:5:1: unknown key "querys" in the checks file; did you mean "queries"?`}},
		{"unknown kind", "version: 1\nchecks:\n  - name: a\n    uniqe: {table: t, columns: [a]}\n",
			[]string{`checks.yaml:4:5: unknown key "uniqe" in a check; did you mean "unique"?`,
				`checks.yaml:3:5: check "a" has no kind`}},
		{"unknown option", "version: 1\nchecks:\n  - name: a\n    unique: {table: t, colums: [a]}\n",
			[]string{`checks.yaml:4:24: unknown key "colums" in unique of check "a"; did you mean "columns"?`}},
		{"wrong type", "version: 1\nchecks:\n  - name: a\n    examples: many\n    rows: \"SELECT 1\"\n",
			[]string{`checks.yaml:4:15: examples must be a number, got the string "many"`}},
		{"wrong type for list", "version: 1\nchecks:\n  - name: a\n    unique: {table: t, columns: {a: 1}}\n",
			[]string{`checks.yaml:4:33: columns must be a list of names, got a mapping`}},
		{"unknown query", "version: 1\nqueries:\n  recipients: SELECT 1\nchecks:\n  - name: a\n    unique: {query: recipent, columns: [a]}\n",
			[]string{`checks.yaml:6:21: unknown query "recipent"; did you mean "recipients"? (defined: recipients)`}},
		{"several kinds", "version: 1\nchecks:\n  - name: a\n    unique: {table: t, columns: [a]}\n    rows: x\n",
			[]string{`checks.yaml:3:5: check "a" has 2 kinds (unique at line 4, rows at line 5)`}},
		{"no kind", "version: 1\nchecks:\n  - name: a\n",
			[]string{`checks.yaml:3:5: check "a" has no kind: add one of unique, not_null`}},
		{"missing version", "checks:\n  - name: a\n    rows: \"SELECT 1\"\n",
			[]string{`checks.yaml:1:1: missing "version: 1"`}},
		{"bad version", "version: 2\nchecks:\n  - name: a\n    rows: \"SELECT 1\"\n",
			[]string{`checks.yaml:1:10: unsupported version 2`}},
		{"bad severity", "version: 1\nchecks:\n  - name: a\n    severity: warning\n    rows: \"SELECT 1\"\n",
			[]string{`checks.yaml:4:15: severity "warning" is not error or warn; did you mean "warn"?`}},
		{"bad reference", "version: 1\nchecks:\n  - name: a\n    references: {from: orders.user_id, to: \"users(id)\"}\n",
			[]string{`checks.yaml:4:24: from: "orders.user_id" is not of the form table(column, ...)`}},
		{"column count mismatch", "version: 1\nchecks:\n  - name: a\n    references: {from: \"o(a, b)\", to: \"u(id)\"}\n",
			[]string{`checks.yaml:4:35: to has 1 columns but from has 2`}},
		{"both table and query", "version: 1\nchecks:\n  - name: a\n    not_null: {table: t, query: \"SELECT 1 AS a\", columns: [a]}\n",
			[]string{`has both table and query`}},
		{"accepted both forms", "version: 1\nchecks:\n  - name: a\n    accepted: {table: t, column: c, values: [x], min: 1}\n",
			[]string{`has values and min/max`}},
		{"duplicate names", "version: 1\nchecks:\n  - name: a\n    rows: \"SELECT 1\"\n  - name: a\n    rows: \"SELECT 2\"\n",
			[]string{`checks.yaml:5:5: check name "a" is used twice (first at checks.yaml:3:5)`}},
		{"duplicate key", "version: 1\nchecks:\n  - name: a\n    name: b\n    rows: \"SELECT 1\"\n",
			[]string{`checks.yaml:4:5: key "name" appears twice`}},
		{"missing env", "version: 1\nchecks:\n  - name: a\n    unique: {table: \"${SCHEMA}.users\", columns: [id]}\n",
			[]string{`checks.yaml:4:21: table: environment variable SCHEMA is not set`}},
		{"profile without tolerances", "version: 1\nchecks:\n  - name: a\n    profile: {table: t, column: c}\n",
			[]string{`needs null_fraction: and/or distinct_ratio:`}},
		{"row_count without bounds", "version: 1\nchecks:\n  - name: a\n    row_count: {table: t}\n",
			[]string{`needs min:, max: or both`}},
		{"not a mapping", "version: 1\nchecks:\n  - just a string\n",
			[]string{`checks.yaml:3:5: a check must be a mapping, got the string "just a string"`}},
		{"yaml syntax", "version: 1\nchecks:\n  - name: [a\n",
			[]string{`checks.yaml:2: invalid YAML: did not find expected ',' or ']'`}},
		{"empty", "", []string{`empty checks file`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseWithEnv("checks.yaml", []byte(c.text), noEnv)
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, dbtwin.ErrUsage) {
				t.Errorf("error %v does not match dbtwin.ErrUsage", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%v\ndoes not contain\n%s", err, w)
				}
			}
		})
	}
}

func TestParseEnvExpansion(t *testing.T) {
	env := map[string]string{"SCHEMA": "public", "MAX": "1000"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	f, err := ParseWithEnv("checks.yaml", []byte(`version: 1
checks:
  - name: bounded
    row_count: {table: "${SCHEMA}.users", max: "${MAX}", min: 1}
  - name: literal dollar
    rows: "SELECT '$${NOT_EXPANDED}' WHERE 1 = 0"
`), lookup)
	if err != nil {
		t.Fatal(err)
	}
	rc := f.Checks[0].RowCount
	if rc.Table != "public.users" || rc.Max.SQL != "" || rc.Max.Number != 1000 {
		t.Errorf("expanded to %+v / %+v", rc.Source, rc.Max)
	}
	if got := f.Checks[1].Rows.SQL; got != "SELECT '${NOT_EXPANDED}' WHERE 1 = 0" {
		t.Errorf("rows SQL %q", got)
	}
}

func TestSplitName(t *testing.T) {
	for in, want := range map[string]string{
		"users": "users", "public.users": "public|users", `"My Schema"."Odd""Name"`: `My Schema|Odd"Name`,
	} {
		got, err := splitName(in)
		if err != nil || strings.Join(got, "|") != want {
			t.Errorf("splitName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a.b.c", "users; DROP TABLE x", `"open`, "a.", "x y"} {
		if _, err := splitName(bad); err == nil {
			t.Errorf("splitName(%q) accepted", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(newsletterChecks))
	f.Add([]byte(referenceChecks))
	f.Add([]byte(valueChecks))
	f.Add([]byte(fidelityChecks))
	f.Add([]byte("version: 1\nchecks: [{name: a, rows: {query: x}}]\n"))
	f.Add([]byte("version: 1\nchecks:\n  - name: ${X}\n    row_count: {table: \"\\\"a\\\".b\", min: ${Y}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseWithEnv("fuzz.yaml", data, func(k string) (string, bool) { return k, len(k)%2 == 0 })
		if err == nil {
			if file == nil || len(file.Checks) == 0 {
				t.Fatal("no error and no checks")
			}
			for _, c := range file.Checks {
				if c.Name == "" || c.Kind == "" {
					t.Fatalf("accepted a check without name or kind: %+v", c)
				}
			}
		} else if err.Error() == "" {
			t.Fatal("empty error message")
		}
	})
}

// Load names the file in its messages, as file:line:column.
func TestLoadMalformedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ci-checks.yaml")
	text := "version: 1\nchecks:\n  - name: recipients\n    unique: {table: users, columns: [email]}\n    severity: fatal\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	var ce *ConfigError
	if !errors.As(err, &ce) || len(ce.Problems) != 1 || ce.Problems[0].Pos != (Pos{File: path, Line: 5, Column: 15}) ||
		!strings.HasPrefix(err.Error(), path+":5:15: severity \"fatal\" is not error or warn") {
		t.Fatalf("Load error = %v", err)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); !errors.Is(err, dbtwin.ErrUsage) ||
		!strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("Load of a missing file = %v", err)
	}
}
