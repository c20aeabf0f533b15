package check

import (
	"testing"
)

const fidelityChecks = `version: 1
checks:
  - name: guests overlap users as in production
    overlap: {a: "users(national_id)", b: "guest_purchases(national_id)", tolerance: 0.25}
  - name: guests overlap users closely
    overlap: {a: "users(national_id)", b: "guest_purchases(national_id)", tolerance: 0.1}
  - name: subscriptions per user as in production
    fanout: {from: "subscriptions(user_id)", to: "users(id)", tolerance: 0.25}
  - name: phone profile
    profile: {table: users, column: phone, null_fraction: 0.05, distinct_ratio: 0.05}
`

// runFidelity runs the fidelity checks on a twin (SQLite) against the
// production baseline (PostgreSQL): the dialects differ on purpose.
func runFidelity(t *testing.T, twin world) *Report {
	t.Helper()
	base, baseDialect := openURL(t, makePostgres(t, production.script()))
	return run(t, makeSQLite(t, twin.script()), writeChecks(t, fidelityChecks),
		Options{Baseline: base, BaselineDialect: baseDialect})
}

func TestFidelityFaithfulTwin(t *testing.T) {
	rep := runFidelity(t, production)
	r := expect(t, rep, "guests overlap users as in production", StatusPass,
		"90.0% of 40 distinct guest_purchases(national_id) values are in users(national_id) (baseline 90.0% of 40)")
	if r.Baseline["fraction"] != 0.9 || r.Observed["fraction"] != 0.9 {
		t.Errorf("observed %v baseline %v", r.Observed, r.Baseline)
	}
	expect(t, rep, "guests overlap users closely", StatusPass)
	expect(t, rep, "subscriptions per user as in production", StatusPass,
		"subscriptions(user_id) per users(id): p50 1, p99 3, max 3 (baseline p50 1, p99 3, max 3)")
	expect(t, rep, "phone profile", StatusPass, "users.phone: null fraction 0.1, distinct ratio 1")
	if rep.ExitCode() != ExitOK {
		t.Errorf("exit code %d", rep.ExitCode())
	}
}

// A twin a little off: within the loose tolerance, beyond the tight one.
func TestFidelityWithinTolerance(t *testing.T) {
	near := production
	near.guestOverlap = 30   // 75% instead of 90%
	near.phoneNullEvery = 12 // 5 NULL phones of 60 instead of 6
	rep := runFidelity(t, near)
	expect(t, rep, "guests overlap users as in production", StatusPass, "difference 0.15 within tolerance 0.25")
	expect(t, rep, "guests overlap users closely", StatusFail, "difference 0.15 exceeds tolerance 0.1")
	expect(t, rep, "phone profile", StatusPass)
}

// A twin whose masking broke the overlap and whose subset capped children.
func TestFidelityBrokenTwin(t *testing.T) {
	broken := production
	broken.guestOverlap = 0
	broken.subsOf = func(i int) int { return min(i%4, 1) }
	broken.phoneNullEvery = 2
	rep := runFidelity(t, broken)
	expect(t, rep, "guests overlap users as in production", StatusFail,
		"0.0% of 40 distinct", "(baseline 90.0% of 40); difference 0.9 exceeds tolerance 0.25")
	r := expect(t, rep, "subscriptions per user as in production", StatusFail,
		"p50 1, p99 1, max 1 (baseline p50 1, p99 3, max 3); p99, max beyond tolerance 0.25")
	if len(r.Details) != 3 || r.Details[1] != "p99: 1 vs baseline 3 (-67%)" {
		t.Errorf("details %q", r.Details)
	}
	if observed(t, r, "children") != 45 || r.Baseline["children"] != int64(90) {
		t.Errorf("observed %v baseline %v", r.Observed, r.Baseline)
	}
	expect(t, rep, "phone profile", StatusFail, "users.phone: null_fraction 0.5 vs baseline 0.1 (tolerance 0.05)")
	if rep.ExitCode() != ExitFailed {
		t.Errorf("exit code %d", rep.ExitCode())
	}
}

func TestPercentiles(t *testing.T) {
	// 100 parents: 50 with 0 children, 40 with 1, 9 with 2, 1 with 40.
	s := stats([][2]int64{{0, 50}, {1, 40}, {2, 9}, {40, 1}})
	if s.parents != 100 || s.children != 98 || s.p50 != 0 || s.p99 != 2 || s.max != 40 {
		t.Errorf("stats = %+v", s)
	}
	s = stats([][2]int64{{1, 50}, {2, 50}})
	if s.p50 != 1 || s.p99 != 2 {
		t.Errorf("stats = %+v", s)
	}
	if s := stats(nil); s != (fanoutStats{}) {
		t.Errorf("empty stats = %+v", s)
	}
}
