package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

func TestCheckCommandExitCodes(t *testing.T) {
	src := dbtest.Postgres(t)
	dbtest.Exec(t, src, `CREATE TABLE users (id int primary key, email text);
		CREATE TABLE subscriptions (user_id int references users(id), list text, active boolean);
		INSERT INTO users VALUES (1, 'a@x.org'), (2, 'b@x.org');
		INSERT INTO subscriptions VALUES (1, 'weekly', true), (1, 'offers', true), (2, 'weekly', true);`)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	failing := write("checks.yaml", `version: 1
queries:
  recipients: SELECT u.email FROM users u JOIN subscriptions s ON s.user_id = u.id WHERE s.active
checks:
  - name: each recipient once
    unique: {query: recipients, columns: [email]}
`)
	passing := write("fixed.yaml", `version: 1
checks:
  - name: each recipient once
    unique: {query: "SELECT email FROM users u WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = u.id AND s.active)", columns: [email]}
`)
	malformed := write("bad.yaml", "version: 1\nchecks:\n  - name: x\n    uniqe: {table: users, columns: [email]}\n")

	code, out, _ := run(t, "check", "--db", src, failing)
	if code != 1 || !strings.Contains(out, "×1.5") || strings.Contains(out, "a@x.org") {
		t.Fatalf("failing check: exit %d\n%s", code, out)
	}
	junit := filepath.Join(dir, "report.xml")
	if code, _, _ := run(t, "check", "--db", src, failing, "--format", "junit", "-o", junit); code != 1 {
		t.Fatalf("junit run: exit %d", code)
	}
	if data, err := os.ReadFile(junit); err != nil || !strings.Contains(string(data), "<testsuite") {
		t.Fatalf("junit report: %v %s", err, data)
	}
	if code, out, errOut := run(t, "check", "--db", src, passing, "--format", "json"); code != 0 || !strings.Contains(out, `"version": 1`) {
		t.Fatalf("passing check: exit %d\n%s%s", code, out, errOut)
	}
	code, _, errOut := run(t, "check", "--db", src, malformed)
	if code != 2 || !strings.Contains(errOut, "bad.yaml:4:5") {
		t.Fatalf("malformed file: exit %d, stderr %s", code, errOut)
	}
}
