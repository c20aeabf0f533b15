package cli

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

func TestCloneEveryPostgresFixture(t *testing.T) {
	for _, fx := range dbtest.PostgresFixtures {
		t.Run(fx.Name, func(t *testing.T) {
			src := dbtest.LoadPostgresFixture(t, fx.Name)
			dst := dbtest.Postgres(t)
			out := mustRun(t, "clone", "--source", src, "--target", dst, "--strict=false", "--json", "--jobs", "3")
			var sum CloneJSON
			if err := json.Unmarshal([]byte(out), &sum); err != nil {
				t.Fatalf("--json output is not JSON: %v\n%s", err, out)
			}
			if sum.Version != 1 || !sum.OK || !sum.Verified || len(sum.Tables) == 0 {
				t.Fatalf("summary: %+v", sum)
			}
			dbtest.CompareDigests(t, dbtest.PostgresDigests(t, src), dbtest.PostgresDigests(t, dst))
			compareSchemas(t, src, dst)
		})
	}
}

// compareSchemas compares pg_dump --schema-only of both databases, as sorted
// lines without comments and psql meta-commands.
func compareSchemas(t *testing.T, a, b string) {
	t.Helper()
	dump := func(u string) []string {
		out, err := exec.Command("pg_dump", "--schema-only", "--no-owner", "--no-privileges", "-d", u).Output()
		if err != nil {
			t.Fatalf("pg_dump: %v", err)
		}
		var lines []string
		for _, l := range strings.Split(string(out), "\n") {
			if l == "" || strings.HasPrefix(l, "--") || strings.HasPrefix(l, `\`) {
				continue
			}
			lines = append(lines, l)
		}
		sort.Strings(lines)
		return lines
	}
	la, lb := dump(a), dump(b)
	if strings.Join(la, "\n") != strings.Join(lb, "\n") {
		t.Errorf("schemas differ: %d vs %d lines", len(la), len(lb))
		seen := map[string]int{}
		for _, l := range la {
			seen[l]++
		}
		for _, l := range lb {
			seen[l]--
		}
		for l, n := range seen {
			if n != 0 {
				t.Errorf("  %+d: %s", n, l)
			}
		}
	}
}

func TestCloneEverySQLiteFixture(t *testing.T) {
	for name := range dbtest.SQLiteFixtures {
		t.Run(name, func(t *testing.T) {
			src := dbtest.SQLiteFixture(t, name)
			dst := filepath.Join(t.TempDir(), "twin.db")
			before := dbtest.SQLiteDigests(t, src)
			srcBytes, _ := os.ReadFile(src)
			mustRun(t, "clone", "--source", "sqlite:"+src, "--target", dst, "--strict=false")
			dbtest.CompareDigests(t, before, dbtest.SQLiteDigests(t, dst))
			after, _ := os.ReadFile(src)
			if string(after) != string(srcBytes) {
				t.Fatal("the source file changed")
			}
			if _, err := os.Stat(dst + ".dbtwin-partial"); !os.IsNotExist(err) {
				t.Fatal("partial file left behind")
			}
		})
	}
}

func TestCloneRefusesTheSourceAsTarget(t *testing.T) {
	src := dbtest.Postgres(t)
	dbtest.Exec(t, src, "CREATE TABLE t (id int primary key); INSERT INTO t VALUES (1)")
	// Another spelling of the same database.
	other := strings.Replace(src, "127.0.0.1", "localhost", 1)
	code, _, errOut := run(t, "clone", "--source", src, "--target", other, "--strict=false", "--replace")
	if code != 2 || !strings.Contains(errOut, "the target is the source") {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	path := filepath.Join(t.TempDir(), "a.db")
	mustRun(t, "clone", "--source", "sqlite:"+dbtest.SQLiteFixture(t, "chinook"), "--target", path, "--strict=false")
	code, _, errOut = run(t, "clone", "--source", path, "--target", "sqlite:"+filepath.Join(filepath.Dir(path), ".", "a.db"), "--strict=false", "--replace")
	if code != 2 || !strings.Contains(errOut, "the target is the source") {
		t.Fatalf("sqlite: exit %d, stderr %s", code, errOut)
	}
}

func TestCloneRefusesANonEmptyTargetUnlessReplace(t *testing.T) {
	src := dbtest.Postgres(t)
	dbtest.Exec(t, src, "CREATE TABLE t (id int primary key); INSERT INTO t SELECT generate_series(1,10)")
	dst := dbtest.Postgres(t)
	dbtest.Exec(t, dst, "CREATE TABLE precious (id int); INSERT INTO precious VALUES (1)")
	code, _, errOut := run(t, "clone", "--source", src, "--target", dst, "--strict=false")
	if code != 2 || !strings.Contains(errOut, "already has 1 table(s) (public.precious)") || !strings.Contains(errOut, "--replace") {
		t.Fatalf("exit %d, stderr %s", code, errOut)
	}
	if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM precious"); n != 1 {
		t.Fatal("refused clone touched the target")
	}
	mustRun(t, "clone", "--source", src, "--target", dst, "--strict=false", "--replace")
	if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM t"); n != 10 {
		t.Fatalf("after --replace: %d rows", n)
	}
	if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM pg_tables WHERE tablename = 'precious'"); n != 0 {
		t.Fatal("--replace kept old tables")
	}
}

// writeCounters sums the source's row-change and transaction counters.
func writeCounters(t *testing.T, dbURL string) int64 {
	t.Helper()
	return dbtest.QueryInt(t, dbURL, `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del + n_tup_hot_upd), 0)::bigint FROM pg_stat_user_tables`)
}

func TestCloneNeverWritesTheSource(t *testing.T) {
	src := dbtest.LoadPostgresFixture(t, "pagila")
	time.Sleep(1200 * time.Millisecond) // let the loader's statistics reach the shared counters
	digests := dbtest.PostgresDigests(t, src)
	writes := writeCounters(t, src)
	schemaBefore := dbtest.QueryString(t, src, `SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace`)
	mustRun(t, "clone", "--source", src, "--target", dbtest.Postgres(t), "--strict=false", "--jobs", "4")
	time.Sleep(1200 * time.Millisecond)
	if w := writeCounters(t, src); w != writes {
		t.Fatalf("source write counters moved: %d -> %d", writes, w)
	}
	dbtest.CompareDigests(t, digests, dbtest.PostgresDigests(t, src))
	if s := dbtest.QueryString(t, src, `SELECT string_agg(relname || ':' || relkind::text, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace`); s != schemaBefore {
		t.Fatal("source catalog changed")
	}
}

// While the clone runs, a writer moves money between two accounts tables in
// single transactions. Every committed state has equal sums; a twin taken
// from one snapshot must too, even with parallel readers.
func TestCloneIsOneSnapshotWhileTheSourceIsWritten(t *testing.T) {
	src := dbtest.Postgres(t)
	dbtest.Exec(t, src, `
		CREATE TABLE ledger_a (id bigserial primary key, amount int not null, pad text);
		CREATE TABLE ledger_b (id bigserial primary key, amount int not null, pad text);
		INSERT INTO ledger_a (amount, pad) SELECT 1, repeat('x', 200) FROM generate_series(1, 200000);
		INSERT INTO ledger_b (amount, pad) SELECT 1, repeat('y', 200) FROM generate_series(1, 200000);`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var commits atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c, err := pgx.Connect(ctx, src)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		for ctx.Err() == nil {
			_, err := c.Exec(ctx, `BEGIN; INSERT INTO ledger_a (amount) VALUES (7); INSERT INTO ledger_b (amount) VALUES (7); COMMIT;`)
			if err == nil {
				commits.Add(1)
			}
		}
	}()
	time.Sleep(100 * time.Millisecond)
	dst := dbtest.Postgres(t)
	mustRun(t, "clone", "--source", src, "--target", dst, "--strict=false", "--jobs", "2")
	cancel()
	wg.Wait()
	if commits.Load() < 5 {
		t.Fatalf("the writer committed only %d transactions during the clone", commits.Load())
	}
	a := dbtest.QueryInt(t, dst, "SELECT sum(amount) FROM ledger_a")
	b := dbtest.QueryInt(t, dst, "SELECT sum(amount) FROM ledger_b")
	if a != b {
		t.Fatalf("twin is not one snapshot: ledger_a sums to %d, ledger_b to %d", a, b)
	}
	t.Logf("%d transactions committed during the clone; twin sums %d = %d", commits.Load(), a, b)
}

func TestInterruptedCloneLeavesTargetEmptyAndMarked(t *testing.T) {
	src := dbtest.Postgres(t)
	dbtest.Exec(t, src, `CREATE TABLE big (id bigint primary key, pad text);
		INSERT INTO big SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 400000) g;`)
	dst := dbtest.Postgres(t)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		// Cancel (as Ctrl-C does) as soon as rows are flowing into the target.
		for ctx.Err() == nil {
			if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY%'"); n > 0 {
				cancel()
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	code, _, errOut := runCtx(ctx, t, "clone", "--source", src, "--target", dst, "--strict=false")
	cancel()
	if code != 2 || !strings.Contains(errOut, "interrupted") {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema')"); n != 0 {
		t.Fatalf("interrupted clone left %d tables in the target", n)
	}
	if c := dbtest.QueryString(t, dst, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"); !strings.Contains(c, "INCOMPLETE") && !strings.Contains(c, "failed") {
		t.Fatalf("target comment %q does not say the clone is incomplete", c)
	}
}

func TestPasswordsNeverPrinted(t *testing.T) {
	const secret = "s3cr3t-Pa55word"
	src := "postgres://postgres:" + secret + "@127.0.0.1:5432/dbtwin_no_such_database?sslmode=disable"
	for _, args := range [][]string{
		{"clone", "--source", src, "--target", "postgres://postgres:" + secret + "@127.0.0.1:1/x", "--strict=false"},
		{"clone", "--source", "postgres://u:" + secret + "@[bad", "--target", "x.db"},
	} {
		code, out, errOut := run(t, args...)
		if code != 2 {
			t.Errorf("exit %d", code)
		}
		if strings.Contains(out+errOut, secret) {
			t.Fatalf("password printed:\n%s%s", out, errOut)
		}
	}
}

func TestCloneUsageErrors(t *testing.T) {
	t.Setenv("DBTWIN_SOURCE", "")
	t.Setenv("DBTWIN_TARGET", "")
	cases := [][]string{
		{"clone"},
		{"clone", "--source", "a.db"},
		{"clone", "--source", "ftp://x", "--target", "b.db"},
		{"clone", "--source", "a.db", "--target", "postgres://localhost/x"},
		{"clone", "--bogus"},
		{"nonsense"},
	}
	for _, c := range cases {
		code, _, errOut := run(t, c...)
		if code != 2 || !strings.HasPrefix(errOut, "dbtwin: error:") || strings.Contains(errOut, "goroutine") {
			t.Errorf("dbtwin %v: exit %d, stderr %q", c, code, errOut)
		}
	}
}

func TestCloneReadsURLsFromEnvironment(t *testing.T) {
	src := dbtest.SQLiteFixture(t, "chinook")
	dst := filepath.Join(t.TempDir(), "twin.db")
	t.Setenv("DBTWIN_SOURCE", src)
	t.Setenv("DBTWIN_TARGET", dst)
	mustRun(t, "clone", "--strict=false")
	if _, err := os.Stat(dst); err != nil {
		t.Fatal(err)
	}
}

// Config mistakes are reported with file:line:col and a suggestion before
// anything else (strict mode, the key, any data).
func TestCloneConfigErrorsComeFirstAndArePositioned(t *testing.T) {
	src := dbtest.SQLiteFixture(t, "chinook")
	dir := t.TempDir()
	cases := map[string]string{
		"version: 1\nmask:\n  Customer:\n    Email: emial\n":                                   `dbtwin.yaml:4:5: Customer.Email: unknown transformer "emial" (did you mean "email"?)`,
		"version: 1\nmask:\n  Customers:\n    Email: email\n":                                  `dbtwin.yaml:3:3: table "Customers" does not exist in the source (did you mean Customer?)`,
		"version: 1\nmask:\n  Customer:\n    Emial: email\n":                                   `dbtwin.yaml:4:5: column "Emial" does not exist in table Customer (did you mean Customer.Email?)`,
		"version: 1\nmask:\n  Customer:\n    Email: {transformer: email, keep_domian: true}\n": `keep_domian`,
	}
	for text, want := range cases {
		cfg := filepath.Join(dir, "dbtwin.yaml")
		if err := os.WriteFile(cfg, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Setenv("DBTWIN_SECRET", "")
		code, _, errOut := run(t, "clone", "--source", src, "--target", filepath.Join(dir, "twin.db"), "-c", cfg)
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("config %q: exit %d\nstderr: %s\nwant: %s", text, code, errOut, want)
		}
	}
	// With valid rules, a missing key is the next thing said.
	cfg := filepath.Join(dir, "ok.yaml")
	if err := os.WriteFile(cfg, []byte("version: 1\nstrict: false\nmask:\n  Customer:\n    Email: email\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, "clone", "--source", src, "--target", filepath.Join(dir, "twin.db"), "-c", cfg)
	if code != 2 || !strings.Contains(errOut, "DBTWIN_SECRET") {
		t.Errorf("missing key: exit %d, stderr %s", code, errOut)
	}
}

// --json prints its versioned summary even when the clone fails early.
func TestCloneJSONOnFailure(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := run(t, "clone", "--source", filepath.Join(dir, "missing.db"), "--target", filepath.Join(dir, "twin.db"), "--json")
	var sum CloneJSON
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("no JSON on failure: %v\n%s", err, out)
	}
	if code != 2 || sum.Version != 1 || sum.OK || !strings.Contains(sum.Error, "does not exist") {
		t.Fatalf("exit %d, summary %+v", code, sum)
	}
}
