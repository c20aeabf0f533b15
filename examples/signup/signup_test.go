package signup_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/dbtwin/dbtwin/dbtwintest"

	"example.com/signup"
)

// twin is the twin of the demo's production, made once by TestMain.
var twin string

// TestMain makes the demo's "production" with the dbtwin command (`go tool
// dbtwin demo`: go.mod lists dbtwin as a tool), then the service's own twin of it with the library (MakeTwin: a
// config built in Go, clone.Run, check.MustRun). In a real project the twin
// comes from CI (`dbtwin clone`, or a snapshot) and tests only name it.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "signup-example-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		cmd := exec.Command("go", "tool", "dbtwin", "demo", "--dir", dir, "--users", "2000")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "make the demo production with `dbtwin demo`: %v\n%s", err, out.String())
			return 2
		}
		twin = filepath.Join(dir, "signup-twin.db")
		res, err := signup.MakeTwin(context.Background(), filepath.Join(dir, "production.db"), twin, []byte("signup example secret, not a real one"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		fmt.Fprintf(os.Stderr, "twin of the demo production: %d tables, verified %v, leak scan: %d leaks\n",
			len(res.Tables), res.Verified, res.LeakReport.Leaks())
		return m.Run()
	}()
	os.Exit(code)
}

// emptyDB is what the team's tests used: the migration, no rows.
func emptyDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "empty.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(signup.Schema); err != nil {
		t.Fatal(err)
	}
	return db
}

// campaign is the sign-up test: a new person can sign up once, and every
// guest customer the campaign invited (people who bought as guests and have
// no account) can create one. It returns what went wrong.
func campaign(t *testing.T, db *sql.DB, dup signup.DuplicateCheck) []string {
	t.Helper()
	ctx := context.Background()
	svc := &signup.Service{DB: db, Duplicate: dup}
	var problems []string

	fresh := signup.Person{Email: "new.person@example.test", FirstName: "New", LastName: "Person", NationalID: "T00000001", Country: "NL"}
	if err := svc.SignUp(ctx, fresh); err != nil {
		problems = append(problems, fmt.Sprintf("a new person could not sign up: %v", err))
	}
	if err := svc.SignUp(ctx, fresh); !errors.Is(err, signup.ErrDuplicate) {
		problems = append(problems, fmt.Sprintf("signing up twice: %v, want ErrDuplicate", err))
	}

	rows, err := db.QueryContext(ctx, `
SELECT g.national_id, min(g.email) FROM guest_purchases g
WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.national_id = g.national_id OR lower(u.email) = lower(g.email))
GROUP BY g.national_id ORDER BY g.national_id LIMIT 200`)
	if err != nil {
		t.Fatal(err)
	}
	var invited []signup.Person
	for rows.Next() {
		p := signup.Person{FirstName: "Guest", LastName: "Customer", Country: "NL"}
		if err := rows.Scan(&p.NationalID, &p.Email); err != nil {
			t.Fatal(err)
		}
		invited = append(invited, p)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	rejected := 0
	for _, p := range invited {
		if err := svc.SignUp(ctx, p); errors.Is(err, signup.ErrDuplicate) {
			rejected++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if rejected > 0 {
		problems = append(problems, fmt.Sprintf("%d of %d invited guest customers were rejected as duplicates", rejected, len(invited)))
	}
	t.Logf("%d invited guest customers signed up, %d rejected", len(invited)-rejected, rejected)
	return problems
}

// On an empty database both duplicate checks pass the test: there is no
// guest purchase to trip over. This is why the bug shipped.
func TestCampaignOnEmptyDatabase(t *testing.T) {
	for name, dup := range map[string]signup.DuplicateCheck{"buggy": signup.BuggyDuplicateCheck, "fixed": signup.FixedDuplicateCheck} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if problems := campaign(t, emptyDB(t), dup); len(problems) > 0 {
				t.Fatalf("on an empty database: %v", problems)
			}
		})
	}
}

// On its own twin of production the fixed check passes the test, after
// checking that the twin has guests who never registered.
func TestCampaignOnTwin(t *testing.T) {
	t.Parallel()
	db := dbtwintest.New(t, twin, dbtwintest.WithChecks("testdata/shape.yaml"))
	if problems := campaign(t, db, signup.FixedDuplicateCheck); len(problems) > 0 {
		t.Fatalf("on the twin: %v", problems)
	}
}

// The shipped check fails the same test on a twin: the bug the twin exists
// to catch. (In a project this is TestCampaignOnTwin failing before the fix.)
func TestBuggyCheckFailsOnTwin(t *testing.T) {
	t.Parallel()
	db := dbtwintest.New(t, twin)
	problems := campaign(t, db, signup.BuggyDuplicateCheck)
	if len(problems) != 1 {
		t.Fatalf("the buggy duplicate check passed the campaign test on the twin (problems: %v)", problems)
	}
	t.Logf("as expected on the twin: %s", problems[0])
}
