package postgres

import (
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
)

func TestParsePgDumpVersion(t *testing.T) {
	cases := map[string]int{
		"pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n": 150020,
		"pg_dump (PostgreSQL) 16.4":                             160004,
		"pg_dump (PostgreSQL) 9.6.24":                           90624,
		"pg_dump (PostgreSQL) 17devel":                          170000,
		"pg_dump (PostgreSQL) 18beta1":                          180000,
		"pg_dump (PostgreSQL) 10.23":                            100023,
	}
	for out, want := range cases {
		got, err := parsePgDumpVersion(out)
		if err != nil || got != want {
			t.Errorf("parsePgDumpVersion(%q) = %d, %v; want %d", out, got, err, want)
		}
	}
	if _, err := parsePgDumpVersion("mysqldump  Ver 8.0"); err == nil {
		t.Error("want an error for foreign output")
	}
}

func TestPgDumpVersionCheck(t *testing.T) {
	cases := []struct {
		dump, server int
		ok           bool
	}{
		{150020, 150004, true},  // same major, older minor is fine
		{150002, 150020, true},  // newer server minor too
		{160000, 150004, true},  // newer pg_dump
		{140009, 150004, false}, // older major
		{90624, 90600, true},
		{90524, 90600, false},
		{100001, 90624, true},
		{90624, 100001, false},
	}
	for _, c := range cases {
		if got := dumpSupports(c.dump, c.server); got != c.ok {
			t.Errorf("dumpSupports(%d, %d) = %v", c.dump, c.server, got)
		}
	}
	err := checkPgDump(&pgDump{path: "/usr/bin/pg_dump", version: 140009}, 160002)
	if err == nil || !strings.Contains(err.Error(), "install postgresql-client-16") || !strings.Contains(err.Error(), "version 14") {
		t.Errorf("old pg_dump: %v", err)
	}
	err = checkPgDump(nil, 90624)
	if err == nil || !strings.Contains(err.Error(), "postgresql-client-9.6") || !strings.Contains(err.Error(), "not found") {
		t.Errorf("missing pg_dump: %v", err)
	}
	if err := checkPgDump(&pgDump{path: "x", version: 170000}, 150000); err != nil {
		t.Error(err)
	}
}

func TestLibpqURLDropsPassword(t *testing.T) {
	u, err := dbtwin.ParseURL("postgres://me:pa%40ss@db.example:5433/prod?sslmode=require&password=other&pool_max_conns=4&statement_cache_capacity=0")
	if err != nil {
		t.Fatal(err)
	}
	got, err := libpqURL(u)
	if err != nil {
		t.Fatal(err)
	}
	if got != "postgres://me@db.example:5433/prod?application_name=dbtwin&sslmode=require" {
		t.Errorf("libpqURL = %q", got)
	}
}

func TestSplitScript(t *testing.T) {
	script := `--
-- PostgreSQL database dump
--

\restrict abcDEF123

SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE FUNCTION public.f() RETURNS text
    LANGUAGE plpgsql
    AS $_$
BEGIN
\not_a_meta_command; -- inside a dollar quote
  RETURN 'a;b' || $x$;$x$;
END $_$;
COMMENT ON TABLE public.t IS 'it''s;
\still a string';
CREATE TABLE "we;ird" (a int); /* block ; comment /* nested; */ */
SELECT E'\';\\', $1a;
  \unrestrict abcDEF123
`
	got := splitScript(script)
	want := []statement{
		{"SET statement_timeout = 0;", 7},
		{"SELECT pg_catalog.set_config('search_path', '', false);", 8},
		{"CREATE FUNCTION public.f() RETURNS text\n    LANGUAGE plpgsql\n    AS $_$\nBEGIN\n\\not_a_meta_command; -- inside a dollar quote\n  RETURN 'a;b' || $x$;$x$;\nEND $_$;", 9},
		{"COMMENT ON TABLE public.t IS 'it''s;\n\\still a string';", 16},
		{"CREATE TABLE \"we;ird\" (a int);", 18},
		{"SELECT E'\\';\\\\', $1a;", 19},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d statements: %+v", len(got), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("statement %d = %q (line %d), want %q (line %d)", i, got[i].SQL, got[i].Line, want[i].SQL, want[i].Line)
		}
	}
}

func FuzzSplitScript(f *testing.F) {
	f.Add("SELECT 1; \\restrict x\nSELECT $a$;$a$; -- c\n/* x */ SELECT 'a;b';")
	f.Fuzz(func(t *testing.T, s string) {
		for _, st := range splitScript(s) {
			if st.SQL == "" || st.Line < 1 {
				t.Fatalf("bad statement %+v", st)
			}
		}
	})
}
