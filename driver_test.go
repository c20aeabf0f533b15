package dbtwin

import (
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	cases := map[string]string{
		"postgres://u@h/db":   "postgres",
		"postgresql://u@h/db": "postgres",
		"mysql://u@h/db":      "mysql",
		"sqlite:/tmp/x":       "sqlite",
		"sqlite:///tmp/x":     "sqlite",
		"prod.db":             "sqlite",
		"/data/Prod.SQLITE":   "sqlite",
		"./twin.sqlite3":      "sqlite",
	}
	for in, want := range cases {
		u, err := ParseURL(in)
		if err != nil || u.Engine != want {
			t.Errorf("ParseURL(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	for _, bad := range []string{"", "ftp://x", "prod.csv"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q) accepted", bad)
		}
	}
}

func TestRedactURL(t *testing.T) {
	for _, in := range []string{
		"postgres://user:hunter2@host:5432/db",
		"postgres://user:hunter2@[bad",
		"postgres://host/db?password=hunter2&sslmode=disable",
		"host=x password=hunter2 dbname=y",
	} {
		if out := RedactURL(in); strings.Contains(out, "hunter2") {
			t.Errorf("RedactURL(%q) = %q", in, out)
		}
	}
	if got := RedactURL("postgres://user@host/db"); got != "postgres://user@host/db" {
		t.Errorf("URL without password changed: %s", got)
	}
}
