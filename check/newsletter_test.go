package check

import (
	"bytes"
	"strings"
	"testing"
)

// The newsletter incident: a JOIN on subscriptions duplicated every
// recipient. The checks that would have stopped it fail on the broken query
// and pass on the fixed ones.
const newsletterChecks = `version: 1
queries:
  recipients: |
    SELECT u.email FROM users u JOIN subscriptions s ON s.user_id = u.id WHERE s.active
  recipients_exists: |
    SELECT u.email FROM users u
    WHERE EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = u.id AND s.active)
  recipients_distinct: |
    SELECT DISTINCT u.email FROM users u JOIN subscriptions s ON s.user_id = u.id WHERE s.active;
checks:
  - name: each recipient once
    unique: {query: recipients, columns: [email]}
  - name: never more recipients than users
    row_count: {query: recipients, max: "SELECT count(*) FROM users"}
  - name: fixed with EXISTS, each recipient once
    unique: {query: recipients_exists, columns: [email]}
  - name: fixed with EXISTS, never more recipients than users
    row_count: {query: recipients_exists, max: "SELECT count(*) FROM users"}
  - name: fixed with DISTINCT, each recipient once
    unique: {query: recipients_distinct, columns: email}
  - name: fixed with DISTINCT, at most users
    row_count: {query: recipients_distinct, min: 1, max: "SELECT count(*) FROM users", scale: 1.1}
`

func TestNewsletterIncident(t *testing.T) {
	engines(t, func(t *testing.T, mk func(*testing.T, string) string) {
		u := mk(t, production.script())
		rep := run(t, u, writeChecks(t, newsletterChecks), Options{})

		r := expect(t, rep, "each recipient once", StatusFail,
			"90 rows for 45 distinct emails, ×2.0", "30 emails appear more than once, up to 3 times")
		if got := observed(t, r, "duplicate_groups"); got != 30 {
			t.Errorf("duplicate_groups = %d, want 30", got)
		}
		if len(r.Examples) != DefaultExamples {
			t.Errorf("examples = %v, want %d", r.Examples, DefaultExamples)
		}
		for _, e := range r.Examples {
			if e.Count != 3 || !strings.HasPrefix(e.Value, "u***@***.com") {
				t.Errorf("example %+v: want a redacted address appearing 3 times", e)
			}
		}
		expect(t, rep, "never more recipients than users", StatusFail,
			"90 rows, above the maximum 60 (SELECT count(*) FROM users), ×1.5")
		expect(t, rep, "fixed with EXISTS, each recipient once", StatusPass, "45 rows, all distinct")
		expect(t, rep, "fixed with EXISTS, never more recipients than users", StatusPass, "45 rows, within max 60")
		expect(t, rep, "fixed with DISTINCT, each recipient once", StatusPass)
		r = expect(t, rep, "fixed with DISTINCT, at most users", StatusPass, "max 66 (SELECT count(*) FROM users ×1.1)")
		if r.Observed["max"] != 66.0 {
			t.Errorf("scaled max = %v, want 66", r.Observed["max"])
		}

		if rep.ExitCode() != ExitFailed {
			t.Errorf("exit code %d, want 1", rep.ExitCode())
		}
		var text bytes.Buffer
		if err := WriteText(&text, rep); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"✗ each recipient once (unique): 90 rows for 45 distinct emails, ×2.0",
			"examples: u***@***.com ×3", "4 passed, 2 failed"} {
			if !strings.Contains(text.String(), want) {
				t.Errorf("text report lacks %q:\n%s", want, text.String())
			}
		}
		if err := rep.Err(); err == nil || !strings.Contains(err.Error(), "each recipient once") {
			t.Errorf("Err() = %v, want it to name the failed check", err)
		}
	})
}

// A warn-severity failure is reported but does not fail the run.
func TestWarnSeverityDoesNotFail(t *testing.T) {
	u := makeSQLite(t, production.script())
	rep := run(t, u, writeChecks(t, `version: 1
checks:
  - name: duplicates tolerated for now
    severity: warn
    unique: {query: "SELECT user_id FROM subscriptions", columns: [user_id]}
  - name: users unique
    unique: {table: users, columns: [id]}
`), Options{})
	expect(t, rep, "duplicates tolerated for now", StatusWarn, "90 rows for 45 distinct user_ids, ×2.0")
	if rep.ExitCode() != ExitOK || rep.Err() != nil {
		t.Errorf("exit code %d, err %v: a warning must not fail the run", rep.ExitCode(), rep.Err())
	}
	if s := rep.Summary().String(); s != "1 passed, 0 failed, 1 warning" {
		t.Errorf("summary %q", s)
	}
}
