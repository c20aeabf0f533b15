package dbtwin

import (
	"errors"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	cases := map[string]string{
		"postgres://u@h/db":    "postgres",
		"postgresql://u@h/db":  "postgres",
		"POSTGRES://u@h/db":    "postgres",
		"mysql://u@h/db":       "mysql",
		"mariadb://u:p@h/db":   "mysql",
		"sqlite:/tmp/x":        "sqlite",
		"sqlite:///tmp/x":      "sqlite",
		"prod.db":              "sqlite",
		"/data/Prod.SQLITE":    "sqlite",
		"./twin.sqlite3":       "sqlite",
		"chinook.db?mode=ro":   "sqlite",
		"sqlite:x.db?mode=rwc": "sqlite",
	}
	for in, want := range cases {
		u, err := ParseURL(in)
		if err != nil || u.Engine != want {
			t.Errorf("ParseURL(%q) = %v, %v; want %s", in, u, err, want)
		}
	}
	for _, bad := range []string{"", "ftp://x", "prod.csv", "postgres://u:pa?ss@h/db"} {
		if _, err := ParseURL(bad); err == nil || !errors.Is(err, ErrUsage) {
			t.Errorf("ParseURL(%q) = %v; want a usage error", bad, err)
		}
	}
}

// The URL: an unescaped "@" in the password. Every command parses
// it the same way: user postgres, password p@ssS3cr3tPW, host 127.0.0.1.
func TestParseURLPasswordWithAt(t *testing.T) {
	for _, raw := range []string{
		"postgres://postgres:p@ssS3cr3tPW@127.0.0.1:5432/x",
		"postgres://postgres:p%40ssS3cr3tPW@127.0.0.1:5432/x",
		"mysql://postgres:p@ssS3cr3tPW@127.0.0.1:5432/x",
	} {
		u, err := ParseURL(raw)
		if err != nil {
			t.Fatal(err)
		}
		if u.User != "postgres" || u.Password != "p@ssS3cr3tPW" || u.Host != "127.0.0.1:5432" || u.Database != "x" {
			t.Errorf("%s: user %q host %q db %q", RedactURL(raw), u.User, u.Host, u.Database)
		}
		if strings.Contains(u.Redacted(), "S3cr3t") {
			t.Errorf("Redacted = %s", u.Redacted())
		}
		back, err := ParseURL(u.ConnString())
		if err != nil || back.Password != u.Password || back.Host != u.Host {
			t.Errorf("ConnString does not round trip: %v", err)
		}
	}
	u, _ := ParseURL("postgres://me:pa/ss:w@h:1,h2:2/db?sslmode=disable&application_name=a@b")
	if u.Password != "pa/ss:w" || u.Host != "h:1,h2:2" || u.Params.Get("application_name") != "a@b" {
		t.Errorf("got password ok=%v host %q params %v", u.Password == "pa/ss:w", u.Host, u.Params)
	}
}

func TestRedactURL(t *testing.T) {
	for _, in := range []string{
		"postgres://user:hunter2@host:5432/db",
		"postgres://user:hunter2@[bad",
		"postgres://host/db?password=hunter2&sslmode=disable",
		"postgres://u@host/db?sslpassword=hunter2",
		"postgres://u@host/db?PGPASSWORD=hunter2",
		"postgres://u:hunter2@host/db?x=%zz",
		"postgres://u:hu@nter2@host:notaport/db",
		"mariadb://u:hunter2@h/db?tls_token=hunter2",
		"host=x password=hunter2 dbname=y",
		"sqlite:x.db?password=hunter2",
	} {
		if out := RedactURL(in); strings.Contains(out, "hunter2") || strings.Contains(out, "nter2") {
			t.Errorf("RedactURL(%q) = %q", in, out)
		}
	}
	if got := RedactURL("postgres://user@host/db"); got != "postgres://user@host/db" {
		t.Errorf("URL without password changed: %s", got)
	}
}

// RedactText removes the secret whatever text surrounds it, and does not
// mangle words for a very short password.
func TestRedactText(t *testing.T) {
	u, err := ParseURL("postgres://postgres:p@ssS3cr3tPW@127.0.0.1:5432/x?sslpassword=S3cr3tSSL")
	if err != nil {
		t.Fatal(err)
	}
	msg := "failed to connect to `user=postgres database=x`: lookup ssS3cr3tPW@127.0.0.1 (p@ssS3cr3tPW, p%40ssS3cr3tPW) key S3cr3tSSL"
	got := u.RedactText(msg)
	for _, leak := range []string{"S3cr3tPW", "S3cr3tSSL"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q leaks %s", got, leak)
		}
	}
	short, _ := ParseURL("postgres://postgres:p@h/x")
	if got := short.RedactText("user=postgres password p here"); got != "user=postgres password xxxxx here" {
		t.Errorf("short password: %q", got)
	}
	if got := RedactText(`dial postgres://a:b3cret!@h/db failed; password=zz9 token=abc`); strings.Contains(got, "b3cret") ||
		strings.Contains(got, "zz9") || strings.Contains(got, "abc") {
		t.Errorf("RedactText = %q", got)
	}
}

func TestWithParam(t *testing.T) {
	u, _ := ParseURL("postgres://u:p%40w@h/db?statement_timeout=5")
	v := u.WithParam("statement_timeout", "30000").WithParam("application_name", "dbtwin")
	if v.Params.Get("statement_timeout") != "5" || v.Params.Get("application_name") != "dbtwin" || u.Params.Has("application_name") {
		t.Errorf("WithParam: %v / %v", v.Params, u.Params)
	}
}
