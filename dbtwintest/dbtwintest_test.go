package dbtwintest

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbtwin/dbtwin/check"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/internal/demo"
)

func TestMain(m *testing.M) {
	if src := os.Getenv("DBTWINTEST_CHILD_SOURCE"); src != "" {
		os.Exit(child(src))
	}
	dbtest.Main(m)
}

// child is a test process of TestProcessesShareTheTemplate: it makes its
// copy of the source (Copy: no testing.T here) and checks it.
func child(src string) int {
	db, release, err := Copy(context.Background(), src, "child")
	if err != nil {
		fmt.Println("child:", err)
		return 1
	}
	defer release() //nolint:errcheck // the parent checks the databases
	var users int
	if err := db.QueryRow("SELECT count(*) FROM users").Scan(&users); err != nil || users != sizes.Users {
		fmt.Printf("child: users %d, %v\n", users, err)
		return 1
	}
	fmt.Println("child: copy of", users, "users in", db.Name)
	return 0
}

// sizes keeps the demo production small: the tests measure the per-test
// cost, not the template's.
var sizes = demo.Sizes{Users: 1000, GuestPurchases: 500, Orders: 2500, SharedGuestIDs: 0.35}

// postgresProduction builds the demo production in a fresh PostgreSQL database
// and drops, when the test ends, the templates dbtwintest made from it.
func postgresProduction(t *testing.T) string {
	t.Helper()
	src := dbtest.Postgres(t)
	db, err := sql.Open("pgx", src)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := demo.BuildDB(context.Background(), db, "postgres", sizes); err != nil {
		t.Fatal(err)
	}
	admin, err := withDatabase(src, "postgres")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, name := range templatesOf(t, admin, src) {
			dbtest.Exec(t, admin, "ALTER DATABASE "+quoteIdent(name)+" WITH IS_TEMPLATE false")
			dbtest.Exec(t, admin, "DROP DATABASE "+quoteIdent(name))
		}
	})
	return src
}

// templatesOf lists the template databases made from src.
func templatesOf(t *testing.T, admin, src string) []string {
	t.Helper()
	s := dbtest.QueryString(t, admin, fmt.Sprintf(
		"SELECT coalesce(string_agg(datname, ',' ORDER BY datname), '') FROM pg_database WHERE starts_with(datname, '%s')",
		tplPrefix+shortHash(redactedIdentity(src))+"_"))
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func sqliteProduction(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "production.db")
	if err := demo.Build(context.Background(), path, sizes); err != nil {
		t.Fatal(err)
	}
	return path
}

// fiftyParallel gives 50 parallel tests their own database each, checks that
// each holds the twin and is private (a table one test creates is seen by no
// other), and logs what a test's database cost.
func fiftyParallel(t *testing.T, source string, baseline func() time.Duration) []string {
	t.Helper()
	start := time.Now()
	first := Open(t, source) // prepares the template
	t.Logf("first New (prepares the template): %v", time.Since(start).Round(time.Millisecond))
	var want int
	if err := first.QueryRow("SELECT count(*) FROM users").Scan(&want); err != nil || want != sizes.Users {
		t.Fatalf("template users: %d, %v; want %d", want, err, sizes.Users)
	}

	const n = 50
	var mu sync.Mutex
	var names []string
	var costs []time.Duration
	groupStart := time.Now()
	t.Run("tests", func(t *testing.T) {
		for i := range n {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				t.Parallel()
				start := time.Now()
				db := Open(t, source)
				cost := time.Since(start)
				mu.Lock()
				names = append(names, db.Name)
				costs = append(costs, cost)
				mu.Unlock()
				var users int
				if err := db.QueryRow("SELECT count(*) FROM users").Scan(&users); err != nil || users != want {
					t.Fatalf("users in %s: %d, %v; want %d", db.Name, users, err, want)
				}
				if _, err := db.Exec("CREATE TABLE mine (test integer)"); err != nil {
					t.Fatalf("%s is not private: %v", db.Name, err)
				}
				if _, err := db.Exec(fmt.Sprintf("INSERT INTO mine VALUES (%d)", i)); err != nil {
					t.Fatal(err)
				}
				if _, err := db.Exec("DELETE FROM subscriptions"); err != nil {
					t.Fatal(err)
				}
				var got []int
				rows, err := db.Query("SELECT test FROM mine")
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var v int
					_ = rows.Scan(&v)
					got = append(got, v)
				}
				rows.Close()
				if len(got) != 1 || got[0] != i {
					t.Fatalf("%s holds other tests' rows: %v", db.Name, got)
				}
			})
		}
	})
	wall := time.Since(groupStart)
	if len(names) != n {
		t.Fatalf("%d of %d tests got a database", len(names), n)
	}
	sorted := slices.Clone(names)
	sort.Strings(sorted)
	if len(slices.Compact(sorted)) != n {
		t.Fatalf("tests shared databases: %v", names)
	}
	// The source and the template are untouched by the tests' writes.
	var subs int
	if err := first.QueryRow("SELECT count(*) FROM subscriptions").Scan(&subs); err != nil || subs == 0 {
		t.Fatalf("a test's DELETE reached another database: %d subscriptions, %v", subs, err)
	}
	slices.Sort(costs)
	var sum time.Duration
	for _, c := range costs {
		sum += c
	}
	t.Logf("%d parallel tests on %d CPUs: New took median %.1f ms, mean %.1f ms, max %.1f ms; whole group (create, test, drop) %.0f ms = %.1f ms per test",
		n, runtime.GOMAXPROCS(0), ms(costs[n/2]), ms(sum/n), ms(costs[n-1]), ms(wall), ms(wall/n))
	if baseline != nil {
		b := baseline()
		t.Logf("baseline, same run: an empty database (create, connect, drop; serial mean of 5) %.1f ms; per-test cost in parallel / baseline = %.2f",
			ms(b), float64(wall/n)/float64(b))
	}
	return names
}

// emptyDatabaseCost is the baseline: what a test pays today for an empty
// PostgreSQL database (create from template0, connect, drop).
func emptyDatabaseCost(t *testing.T, admin string) time.Duration {
	adm, err := adminDB(admin)
	if err != nil {
		t.Fatal(err)
	}
	const n = 5
	start := time.Now()
	for i := range n {
		name := fmt.Sprintf("dbtwintest_baseline_%d_%d", os.Getpid(), i)
		if _, err := adm.Exec("CREATE DATABASE " + name + " TEMPLATE template0"); err != nil {
			t.Fatal(err)
		}
		u, _ := withDatabase(admin, name)
		db, err := sql.Open("pgx", u)
		if err == nil {
			err = db.Ping()
			_ = db.Close()
		}
		if _, err := adm.Exec("DROP DATABASE " + name + " WITH (FORCE)"); err != nil {
			t.Fatal(err)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return time.Since(start) / n
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func TestPostgresFiftyParallelTests(t *testing.T) {
	src := postgresProduction(t)
	admin, _ := withDatabase(src, "postgres")
	names := fiftyParallel(t, src, func() time.Duration { return emptyDatabaseCost(t, admin) })
	left := dbtest.QueryInt(t, admin, fmt.Sprintf("SELECT count(*) FROM pg_database WHERE datname IN ('%s')", strings.Join(names, "','")))
	if left != 0 {
		t.Fatalf("%d test databases were not dropped when their tests ended", left)
	}
	tpls := templatesOf(t, admin, src)
	if len(tpls) != 1 {
		t.Fatalf("templates of the source: %v, want exactly one", tpls)
	}
	if s := dbtest.QueryString(t, admin, "SELECT datistemplate AND NOT datallowconn FROM pg_database WHERE datname = '"+tpls[0]+"'"); s != "true" {
		t.Fatalf("template %s accepts connections", tpls[0])
	}
}

func TestSQLiteFiftyParallelTests(t *testing.T) {
	src := sqliteProduction(t)
	names := fiftyParallel(t, src, nil)
	for _, n := range names {
		if _, err := os.Stat(n); !os.IsNotExist(err) {
			t.Fatalf("test database %s still exists after its test", n)
		}
	}
	if u := Open(t, "sqlite:"+src); !strings.HasPrefix(u.URL, "sqlite:") || u.Dialect != "sqlite" {
		t.Fatalf("URL %q, dialect %q", u.URL, u.Dialect)
	}
}

// A re-cloned or altered source gets a new template; the old one is dropped.
func TestPostgresSourceChangeMakesNewTemplate(t *testing.T) {
	src := postgresProduction(t)
	admin, _ := withDatabase(src, "postgres")
	db := Open(t, src)
	before := templatesOf(t, admin, src)
	if len(before) != 1 {
		t.Fatalf("templates: %v", before)
	}
	dbtest.Exec(t, src, "CREATE TABLE added_later (id integer PRIMARY KEY); INSERT INTO added_later VALUES (1)")
	// The template is prepared once per process: forget it as a new process would.
	pgMu.Lock()
	clear(pgStates)
	pgMu.Unlock()
	db2 := Open(t, src)
	var n int
	if err := db2.QueryRow("SELECT count(*) FROM added_later").Scan(&n); err != nil || n != 1 {
		t.Fatalf("new test database misses the source's change: %d, %v", n, err)
	}
	if err := db.QueryRow("SELECT count(*) FROM added_later").Scan(&n); err == nil {
		t.Fatal("the first test's database changed")
	}
	after := templatesOf(t, admin, src)
	if len(after) != 1 || after[0] == before[0] {
		t.Fatalf("templates before %v, after %v: want one new one", before, after)
	}
}

// recorder is a testing.TB that records failures and skips instead of
// acting on them, to test what New does to a test.
type recorder struct {
	testing.TB
	mu                  sync.Mutex
	errs, fatals, skips []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.mu.Lock()
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recorder) FailNow() {
	r.mu.Lock()
	r.fatals = append(r.fatals, "FailNow")
	r.mu.Unlock()
	runtime.Goexit()
}
func (r *recorder) Skipf(format string, args ...any) {
	r.mu.Lock()
	r.skips = append(r.skips, fmt.Sprintf(format, args...))
	r.mu.Unlock()
	runtime.Goexit()
}

// run calls fn with the recorder on its own goroutine (Fatal and Skip end it).
func (r *recorder) run(fn func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
}

func TestUnreachableServerSkipsOrFailsInCI(t *testing.T) {
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		r := &recorder{TB: t}
		r.run(func(tb testing.TB) {
			New(tb, "postgres://nobody@127.0.0.1:1/twin?connect_timeout=2", WithTimeout(10*time.Second))
		})
		if ci == "true" && (len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "CI=true") || len(r.skips) != 0) {
			t.Fatalf("CI=true: fatals %q, skips %q; want one failure", r.fatals, r.skips)
		}
		if ci == "" && (len(r.skips) != 1 || !strings.Contains(r.skips[0], "not reachable") || len(r.fatals) != 0) {
			t.Fatalf("CI unset: fatals %q, skips %q; want one skip", r.fatals, r.skips)
		}
	}
}

func TestMissingSourceFails(t *testing.T) {
	r := &recorder{TB: t}
	r.run(func(tb testing.TB) { New(tb, filepath.Join(t.TempDir(), "nothing.db")) })
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "nothing.db") {
		t.Fatalf("fatals %q", r.fatals)
	}
	admin := dbtest.PostgresAdminURL(t)
	missing, _ := withDatabase(admin, "dbtwintest_no_such_database")
	r = &recorder{TB: t}
	r.run(func(tb testing.TB) { New(tb, missing) })
	if len(r.fatals) != 1 || !strings.Contains(r.fatals[0], "dbtwintest_no_such_database") || len(r.skips) != 0 {
		t.Fatalf("fatals %q, skips %q", r.fatals, r.skips)
	}
}

const shapeChecks = `version: 1
checks:
  - name: orders point at users
    references: {from: "orders(user_id)", to: "users(id)"}
  - name: some guests are users too
    row_count:
      query: SELECT 1 FROM guest_purchases g WHERE EXISTS (SELECT 1 FROM users u WHERE u.national_id = g.national_id)
      min: 1
`

const afterChecks = `version: 1
checks:
  - name: every user has a subscription
    rows: SELECT id FROM users u WHERE NOT EXISTS (SELECT 1 FROM subscriptions s WHERE s.user_id = u.id)
`

func TestChecks(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			var src string
			if engine == "sqlite" {
				src = sqliteProduction(t)
			} else {
				src = postgresProduction(t)
			}
			dir := t.TempDir()
			shape, after := filepath.Join(dir, "shape.yaml"), filepath.Join(dir, "after.yaml")
			_ = os.WriteFile(shape, []byte(shapeChecks), 0o644)
			_ = os.WriteFile(after, []byte(afterChecks), 0o644)

			r := &recorder{TB: t}
			var db *DB
			r.run(func(tb testing.TB) { db = Open(tb, src, WithChecks(shape)) })
			if db == nil || len(r.fatals)+len(r.errs) != 0 {
				t.Fatalf("WithChecks on a twin with the shape: fatals %q, errors %q", r.fatals, r.errs)
			}
			// Checks after the test's writes report failures and let the test go on.
			if rep := db.Check(after); rep == nil || rep.ExitCode() != 1 || len(r.errs) != 1 || len(r.fatals) != 0 ||
				!strings.Contains(r.errs[0], "every user has a subscription") {
				t.Fatalf("DB.Check: report %v, fatals %q, errors %q; want one reported failure (demo users without subscriptions)", rep, r.fatals, r.errs)
			}
			// A failing WithChecks stops the test before it starts, with the report.
			r = &recorder{TB: t}
			r.run(func(tb testing.TB) { Open(tb, src, WithChecks(after)) })
			if len(r.fatals) != 1 || len(r.errs) != 1 || !strings.Contains(r.errs[0], "every user has a subscription") {
				t.Fatalf("fatals %q, errors %q", r.fatals, r.errs)
			}
		})
	}
}

// Copy works outside a test: a private database, gone after release; an
// unreachable server is ErrUnavailable.
func TestCopy(t *testing.T) {
	src := postgresProduction(t)
	admin, _ := withDatabase(src, "postgres")
	db, release, err := Copy(context.Background(), src, "copy")
	if err != nil {
		t.Fatal(err)
	}
	var users int
	if err := db.QueryRow("SELECT count(*) FROM users").Scan(&users); err != nil || users != sizes.Users {
		t.Fatalf("users: %d, %v", users, err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	if n := dbtest.QueryInt(t, admin, "SELECT count(*) FROM pg_database WHERE datname = '"+db.Name+"'"); n != 0 {
		t.Fatalf("%s still exists after release", db.Name)
	}
	_, _, err = Copy(context.Background(), "postgres://nobody@127.0.0.1:1/twin?connect_timeout=2", "copy", WithTimeout(10*time.Second))
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("unreachable server: %v, want ErrUnavailable", err)
	}
	dir := t.TempDir()
	failing := filepath.Join(dir, "after.yaml")
	_ = os.WriteFile(failing, []byte(afterChecks), 0o644)
	if _, _, err := Copy(context.Background(), src, "copy", WithChecks(failing)); !errors.Is(err, check.ErrChecksFailed) {
		t.Fatalf("Copy with a failing check: %v, want ErrChecksFailed", err)
	}
}

// Test processes running at once (go test runs packages in parallel) share
// one template: the advisory lock lets one build it while the others wait.
func TestProcessesShareTheTemplate(t *testing.T) {
	src := postgresProduction(t)
	admin, _ := withDatabase(src, "postgres")
	const n = 3
	cmds := make([]*exec.Cmd, n)
	outs := make([]*bytes.Buffer, n)
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0])
		cmds[i].Env = append(os.Environ(), "DBTWINTEST_CHILD_SOURCE="+src)
		outs[i] = &bytes.Buffer{}
		cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, outs[i])
		}
		if !strings.Contains(outs[i].String(), "child: copy of") {
			t.Fatalf("child %d did not make its copy:\n%s", i, outs[i])
		}
	}
	if tpls := templatesOf(t, admin, src); len(tpls) != 1 {
		t.Fatalf("%d processes made templates %v, want one shared", n, tpls)
	}
}
