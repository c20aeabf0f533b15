package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// withPassword returns a PostgreSQL URL with a password in its userinfo
// (the local test server trusts every connection, so it still connects).
func withPassword(t *testing.T, raw, password string) string {
	t.Helper()
	u, err := dbtwin.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Password, u.HasPassword = password, true
	return u.ConnString()
}

// assertNoSecret fails when any piece of the secret reaches the output.
func assertNoSecret(t *testing.T, args []string, out string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, piece := range []string{s, s[len(s)/2:], s[:len(s)/2+1]} {
			if strings.Contains(out, piece) {
				t.Errorf("dbtwin %s printed %q (from a secret):\n%s", strings.Join(redactArgs(args), " "), piece, out)
				return
			}
		}
	}
}

func redactArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = dbtwin.RedactText(a)
	}
	return out
}

// Issue 14, item 2: an unescaped "@" in a password printed the password, an
// sslpassword parameter was printed as is, and scan parsed the URL
// differently from plan. Every command, on every error path here, keeps the
// secret out of stdout and stderr.
func TestSecretsNeverPrintedByAnyCommand(t *testing.T) {
	const pw = "p@ssS3cr3tPW"
	const sslpw = "Ss1S3cr3tKEY"
	db := dbtest.Postgres(t)
	dbtest.Exec(t, db, `CREATE TABLE people(id int PRIMARY KEY, email text); INSERT INTO people VALUES (1, 'a@example.org');`)
	good := withPassword(t, db, pw)
	raw := strings.Replace(good, "p%40ss", "p@ss", 1) // the spelling: "@" not escaped
	if !strings.Contains(raw, ":"+pw+"@") {
		t.Fatalf("test URL not built as intended")
	}
	missing := strings.Replace(raw, dbNameOf(t, db), "dbtwin_no_such_db", 1)
	refused := "postgres://postgres:" + pw + "@127.0.0.1:1/x?connect_timeout=2"
	sslTarget := "postgres://postgres@127.0.0.1:1/x?connect_timeout=2&sslpassword=" + sslpw
	dir := t.TempDir()
	cfg := filepath.Join(dir, "dbtwin.yaml")
	os.WriteFile(cfg, []byte("version: 1\nstrict: false\nmask:\n  public.people:\n    nosuch: email\n"), 0o644)
	checks := filepath.Join(dir, "checks.yaml")
	os.WriteFile(checks, []byte("version: 1\nchecks:\n  - name: no rows\n    rows: \"SELECT * FROM nosuch\"\n"), 0o644)
	var cases [][]string
	for _, src := range []string{raw, missing, refused, "postgres://u:" + pw + "@[bad/x", "postgres://u:" + pw + "@h:notaport/x"} {
		cases = append(cases,
			[]string{"scan", "--source", src},
			[]string{"init", "--source", src, "-o", "-"},
			[]string{"plan", "--source", src},
			[]string{"plan", "--source", src, "-c", cfg},
			[]string{"clone", "--source", src, "--target", sslTarget, "--strict=false"},
			[]string{"clone", "--source", src, "--target", src, "--strict=false"},
			[]string{"verify", "--source", src, "--target", sslTarget},
			[]string{"check", "--db", src, checks},
			[]string{"check", "--db", src, checks, "--format", "json"},
			[]string{"check", "--db", src, checks, "--format", "junit"},
			[]string{"snapshot", "create", "--source", src, "-o", filepath.Join(dir, "snap.dbtwin"), "--random"},
			[]string{"snapshot", "restore", filepath.Join(dir, "none.dbtwin"), "--target", src},
			[]string{"report", "-o", filepath.Join(dir, "r.html"), "--source", src},
		)
	}
	cases = append(cases, []string{"clone", "--source", raw, "--target", sslTarget, "--strict=false"})
	for _, args := range cases {
		code, out, errOut := run(t, args...)
		if code == 0 && args[0] != "scan" && args[0] != "init" && args[0] != "snapshot" && args[0] != "report" && !(args[0] == "plan" && len(args) == 3) {
			t.Errorf("dbtwin %s: exit 0", strings.Join(redactArgs(args), " "))
		}
		assertNoSecret(t, args, out+errOut, pw, sslpw)
	}
}

// Issue 14, item 2: scan and plan parse a URL the same way: with the
// password's "@" unescaped, both reach the server and both say that the
// database does not exist.
func TestScanAndPlanParseURLsAlike(t *testing.T) {
	db := dbtest.Postgres(t)
	dbtest.Exec(t, db, `CREATE TABLE people(id int PRIMARY KEY, email text); INSERT INTO people VALUES (1, 'a@example.org');`)
	raw := strings.Replace(withPassword(t, db, "p@ssS3cr3tPW"), "p%40ss", "p@ss", 1)
	missing := strings.Replace(raw, dbNameOf(t, db), "dbtwin_no_such_db", 1)
	for _, cmd := range []string{"scan", "plan"} {
		_, _, errOut := run(t, cmd, "--source", missing)
		if !strings.Contains(errOut, `database "dbtwin_no_such_db" does not exist`) {
			t.Errorf("%s: %s", cmd, errOut)
		}
		if out := mustRun(t, cmd, "--source", raw); !strings.Contains(out, "people") {
			t.Errorf("%s did not read the database:\n%s", cmd, out)
		}
	}
}

func dbNameOf(t *testing.T, raw string) string {
	u, err := dbtwin.ParseURL(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u.Database
}

// Issue 14, item 10: --timeout values below 1ms and negative ones meant "no
// timeout"; they are refused before anything connects.
func TestTimeoutsBelowOneMillisecondRefused(t *testing.T) {
	for _, d := range []string{"0", "1ns", "500us", "-5s", "-1ms"} {
		for _, args := range [][]string{
			{"scan", "--source", "postgres://127.0.0.1:1/x", "--timeout", d},
			{"init", "--source", "x.db", "-o", "-", "--timeout", d},
			{"check", "--db", "x.db", "checks.yaml", "--timeout", d},
		} {
			code, _, errOut := run(t, args...)
			if code != 2 || !strings.Contains(errOut, "at least 1ms") {
				t.Errorf("%s --timeout %s: exit %d: %s", args[0], d, code, errOut)
			}
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "x.db")
	mustRun(t, "clone", "--source", dbtest.SQLiteFixture(t, "chinook"), "--target", path, "--strict=false")
	if out := mustRun(t, "scan", "--source", path, "--timeout", "1ms"); !strings.Contains(out, "Personal data") {
		t.Errorf("1ms refused: %s", out)
	}
}
