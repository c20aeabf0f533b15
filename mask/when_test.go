package mask

import (
	"strings"
	"testing"
)

func TestWhenEval(t *testing.T) {
	cols := []string{"status", "country", "age", "email", "note"}
	row := [][]byte{[]byte("active"), []byte("SE"), []byte("42"), []byte("ann@corp.example"), nil}
	cases := map[string]bool{
		"status == 'active'":           true,
		"status != 'active'":           false,
		"status == 'act''ive'":         false,
		"country == 'SE' and age > 40": true,
		"country == 'SE' and age > 42": false,
		"age >= 42 && age <= 42.0":     true,
		"age == 42.0":                  true,
		"age < 5":                      false,
		"email =~ '@corp\\.example$'":  true,
		"email !~ '^ann'":              false,
		"note is null":                 true,
		"note IS NOT NULL":             false,
		"note == 'x'":                  false,
		"note != 'x'":                  true,
		"note =~ '.'":                  false,
		"not (status == 'active' or country == 'NO')": false,
		"!(note is null)": false,
		"status == 'x' or (country == 'SE' and email =~ 'ann')": true,
		`"status" == 'active'`:   true,
		"STATUS == 'active'":     true,
		"age == -1 or age == 42": true,
	}
	for src, want := range cases {
		e, err := parseWhen(src)
		if err != nil {
			t.Errorf("parse %q: %v", src, err)
			continue
		}
		if err := e.bind(cols); err != nil {
			t.Errorf("bind %q: %v", src, err)
			continue
		}
		if got := e.eval(row); got != want {
			t.Errorf("%q = %v, want %v", src, got, want)
		}
	}
}

func TestWhenErrors(t *testing.T) {
	cases := map[string]string{
		"status = 'x'":         "column 8: use ==",
		"status == 'x":         "column 11: the quote ' is never closed",
		"(status == 'x'":       "column 15: expected ) to close",
		"status == 'x' and":    "column 18: expected a column or a value, got end of condition",
		"status is nul":        "column 11: expected null after is",
		"status =~ '('":        "column 11: bad regular expression",
		"status == 'x' status": "column 15: unexpected \"status\"",
		"status # 1":           "column 8: unexpected character '#'",
		"status":               "column 7: expected ==",
		"is null":              "column 1: expected a column or a value",
	}
	for src, want := range cases {
		_, err := parseWhen(src)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseWhen(%q) = %v, want %q", src, err, want)
		}
	}
	e, _ := parseWhen("stauts == 'x'")
	if err := e.bind([]string{"status"}); err == nil || !strings.Contains(err.Error(), `did you mean "status"?`) {
		t.Errorf("bind unknown column: %v", err)
	}
}

func FuzzWhen(f *testing.F) {
	for _, s := range []string{"a == 'x'", "not (a is null or b =~ '^x')", "a >= 1 && b != \"c\"", "((("} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := parseWhen(src)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "when: column ") {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		cols := make([]string, 0, len(e.cols))
		for _, c := range e.cols {
			cols = append(cols, c.name)
		}
		if err := e.bind(cols); err != nil {
			t.Fatal(err)
		}
		row := make([][]byte, len(cols))
		for i := range row {
			if i%2 == 0 {
				row[i] = []byte("v")
			}
		}
		e.eval(row)
	})
}
