package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// Issue 14, item 3: with table inheritance every clone failed with
// "public.parent_inh: 1 rows written but 2 in target". Counts use ONLY.
func TestInheritanceClones(t *testing.T) {
	src, dst := dbtest.Postgres(t), dbtest.Postgres(t)
	dbtest.Exec(t, src, `
create table parent_inh(id int primary key, v text);
create table child_inh(extra text) inherits (parent_inh);
insert into parent_inh values (1, 'a');
insert into child_inh values (2, 'b', 'x');
create table refs(id int primary key, parent_id int references parent_inh(id));
insert into refs values (1, 1);`)
	mustRun(t, "clone", "--source", src, "--target", dst, "--strict=false")
	if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM ONLY parent_inh"); n != 1 {
		t.Errorf("ONLY parent_inh has %d rows", n)
	}
	if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM parent_inh"); n != 2 {
		t.Errorf("parent_inh with children has %d rows", n)
	}
	// A subset reads the parent's own rows only, too.
	cfg := writeTemp(t, "dbtwin.yaml", "version: 1\nstrict: false\nsubset:\n  roots:\n    - {table: public.parent_inh, percent: 100}\n")
	mustRun(t, "clone", "--source", src, "--target", dst, "--replace", "-c", cfg)
	if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM ONLY parent_inh"); n != 1 {
		t.Errorf("subset: ONLY parent_inh has %d rows", n)
	}
}

// Issue 14, item 4: a NOT VALID foreign key and CHECK with offending rows in
// production made the clone fail. The constraints stay NOT VALID, the rows
// are copied, the violations are reported as production's, exit 0.
func TestNotValidConstraintsCopiedFaithfully(t *testing.T) {
	src, dst := dbtest.Postgres(t), dbtest.Postgres(t)
	dbtest.Exec(t, src, `
create table p(id int primary key);
create table c(id int primary key, pid int, amount int);
insert into p values (1);
insert into c values (1, 1, 5), (2, 99, -3);
alter table c add constraint c_pid_fkey foreign key (pid) references p(id) not valid;
alter table c add constraint c_amount_check check (amount > 0) not valid;`)
	code, out, errOut := run(t, "clone", "--source", src, "--target", dst, "--strict=false", "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	var sum CloneJSON
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatal(err)
	}
	if !sum.Verified || len(sum.SourceViolations) != 3 {
		t.Errorf("verified %v, source violations %q", sum.Verified, sum.SourceViolations)
	}
	if v := dbtest.QueryString(t, dst, "SELECT string_agg(conname || '=' || convalidated, ',' ORDER BY conname) FROM pg_constraint WHERE conrelid = 'c'::regclass AND contype <> 'p'"); v != "c_amount_check=false,c_pid_fkey=false" {
		t.Errorf("target constraints: %s", v)
	}
	if c := dbtest.QueryString(t, dst, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"); strings.Contains(c, "FAILED") {
		t.Errorf("target marked %q", c)
	}
}

// Issue 14, item 4 (SQLite): an orphan row in production made the clone
// write no twin. It is copied and reported.
func TestSQLiteOrphanRowsCopiedFaithfully(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "prod.db"), filepath.Join(dir, "twin.db")
	db, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`create table p(id integer primary key);
create table c(id integer primary key, pid int references p(id));
insert into p values (1); insert into c values (1, 1), (2, 99);`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := mustRun(t, "clone", "--source", src, "--target", dst, "--strict=false")
	if !strings.Contains(out, "c.c_pid_fkey: 1 dangling reference(s), as in the source") {
		t.Errorf("orphan not reported:\n%s", out)
	}
	tw, _ := sql.Open("sqlite", dst)
	defer tw.Close()
	var n int
	if err := tw.QueryRow("select count(*) from c").Scan(&n); err != nil || n != 2 {
		t.Errorf("twin has %d rows in c (%v)", n, err)
	}
}

// Issue 14, item 11: every PostgreSQL session says application_name=dbtwin.
func TestApplicationName(t *testing.T) {
	src := dbtest.Postgres(t)
	ctx := context.Background()
	s, err := dbtwin.OpenSource(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	snap, err := s.Snapshot(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	rows, err := snap.Query(ctx, "SELECT current_setting('application_name')")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	if !rows.Next() || string(rows.Row()[0]) != "dbtwin" {
		t.Errorf("application_name is not dbtwin (%v)", rows.Err())
	}
}

// Issue 14, item 1, through the CLI: the FTS5 table of the issue arrives
// full, and a masked FTS column is masked in the index too (the original
// words cannot be found in the twin).
func TestSQLiteFTS5CloneAndMask(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "prod.db")
	db, err := sql.Open("sqlite", src)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`create virtual table fts using fts5(body); insert into fts values ('hello world'), ('foo bar');`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	count := func(path, q string) int {
		tw, _ := sql.Open("sqlite", path)
		defer tw.Close()
		var n int
		if err := tw.QueryRow(q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	plain := filepath.Join(dir, "twin.db")
	out := mustRun(t, "clone", "--source", src, "--target", plain, "--strict=false")
	if n := count(plain, "select count(*) from fts"); n != 2 || !strings.Contains(out, "fts") {
		t.Fatalf("twin fts has %d rows\n%s", n, out)
	}
	if n := count(plain, "select count(*) from fts where fts match 'hello'"); n != 1 {
		t.Errorf("full-text search finds %d rows", n)
	}
	cfg := writeTemp(t, "dbtwin.yaml", "version: 1\nmask:\n  fts:\n    body: text\n")
	masked := filepath.Join(dir, "masked.db")
	mustRun(t, "clone", "--source", src, "--target", masked, "-c", cfg, "--random")
	if n := count(masked, "select count(*) from fts"); n != 2 {
		t.Errorf("masked twin fts has %d rows", n)
	}
	if n := count(masked, "select count(*) from fts where fts match 'hello OR world OR foo OR bar'"); n != 0 {
		t.Errorf("the masked twin's index still finds %d rows by their original words", n)
	}
}

// Issue 14, item 5: rules that cannot fit their column's type (text on
// int4range, xml or hstore, digits on bit varying) passed the pre-check and
// failed mid-load, or mangled hstore with exit 0. They are refused before
// any data moves, naming column and type; rules that fit still work.
func TestRulesThatCannotFitTheTypeRefused(t *testing.T) {
	src, dst := dbtest.Postgres(t), dbtest.Postgres(t)
	dbtest.Exec(t, src, `CREATE EXTENSION IF NOT EXISTS hstore;
create table odd(id int primary key, r int4range, x xml, b bit varying(8), h hstore, addr inet, note text);
insert into odd values (1, '[1,5)', '<a>hi</a>', B'101', '"b c"=>NULL, a=>1', '10.0.0.1', 'some note');`)
	bad := writeTemp(t, "bad.yaml", "version: 1\nstrict: false\nmask:\n  public.odd:\n    r: text\n    x: text\n    b: digits\n    h: text\n    note: text\n")
	for _, cmd := range [][]string{
		{"clone", "--source", src, "--target", dst, "-c", bad, "--random"},
		{"plan", "--source", src, "-c", bad},
	} {
		code, out, errOut := run(t, cmd...)
		if code != 2 {
			t.Fatalf("%s: exit %d\n%s%s", cmd[0], code, out, errOut)
		}
		for _, want := range []string{"bad.yaml:5:5: rule text cannot mask public.odd.r: its type int4range", "public.odd.x: its type xml",
			"rule digits cannot mask public.odd.b: its type bit varying(8)", "public.odd.h: its type hstore"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%s: missing %q in:\n%s", cmd[0], want, errOut)
			}
		}
	}
	if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"); n != 0 {
		t.Errorf("data moved before the refusal: %d tables in the target", n)
	}
	good := writeTemp(t, "good.yaml", "version: 1\nstrict: false\nmask:\n  public.odd:\n    r: null\n    x: keep\n    b: {transformer: constant, value: '11'}\n    h: null\n    addr: ip\n    note: text\n")
	mustRun(t, "clone", "--source", src, "--target", dst, "-c", good, "--random")
	if v := dbtest.QueryString(t, dst, "SELECT coalesce(r::text, 'NULL') || ' ' || x::text || ' ' || b::text || ' ' || coalesce(h::text, 'NULL') FROM odd"); v != "NULL <a>hi</a> 11 NULL" {
		t.Errorf("twin row: %s", v)
	}
}

// Issue 14, item 6: check reports printed personal data in clear inside a
// JSON value or in a column whose name says nothing, in every format.
// Values are redacted by what they look like, not only by column name.
func TestCheckReportsRedactByValue(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`create table t(id integer primary key, info text, x text, contact text);
insert into t values
 (1, '{"name": "Thaddeus Blackwood", "home": {"street": "12 Baker Street", "city": "Springfield"}, "tel": "+44 20 7946 0958"}', 'Thaddeus Blackwood', 'thaddeus.blackwood@example.org'),
 (2, '{"name": "Thaddeus Blackwood", "home": {"street": "12 Baker Street", "city": "Springfield"}, "tel": "+44 20 7946 0958"}', 'Thaddeus Blackwood', 'thaddeus.blackwood@example.org');`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	checks := writeTemp(t, "checks.yaml", `version: 1
checks:
  - name: one row per person
    unique: {table: t, columns: [x]}
  - name: one row per document
    unique: {table: t, columns: [info]}
  - name: one row per contact
    unique: {table: t, columns: [contact]}
  - name: nothing at all
    rows: "SELECT info, x, contact FROM t"
`)
	secrets := []string{"Thaddeus", "Blackwood", "Baker Street", "7946", "thaddeus.blackwood@"}
	for _, format := range []string{"text", "json", "junit"} {
		code, out, errOut := run(t, "check", "--db", path, checks, "--format", format)
		if code != 1 {
			t.Fatalf("%s: exit %d\n%s%s", format, code, out, errOut)
		}
		for _, s := range secrets {
			if strings.Contains(out+errOut, s) {
				t.Errorf("%s report shows %q:\n%s", format, s, out)
			}
		}
		if !strings.Contains(out, "T***") {
			t.Errorf("%s report has no redacted example:\n%s", format, out)
		}
	}
	// The same report without redaction shows them: the test can fail.
	_, out, _ := run(t, "check", "--db", path, checks, "--no-redact")
	if !strings.Contains(out, "Thaddeus Blackwood") {
		t.Errorf("--no-redact report:\n%s", out)
	}
}

// Issue 14, item 12: plan shows, before any data moves, the rows each
// relation adds to each table, and a percent root stays proportional on a
// schema whose departments and employees form a cycle.
func TestPlanShowsGrowthPerRelation(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(dbtest.RepoRoot(t), "subset", "testdata", "org.sql"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "org.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(string(script)); err != nil {
		t.Fatal(err)
	}
	db.Close()
	cfg := writeTemp(t, "dbtwin.yaml", "version: 1\nstrict: false\nsubset:\n  roots:\n    - {table: department, percent: 10}\n")
	out := mustRun(t, "plan", "--source", path, "-c", cfg)
	if !strings.Contains(out, "child of department via employee_department_id_fkey") || !strings.Contains(out, "selection") {
		t.Errorf("plan does not show the growth per relation:\n%s", out)
	}
	var p PlanJSON
	if err := json.Unmarshal([]byte(mustRun(t, "plan", "--source", path, "-c", cfg, "--format", "json")), &p); err != nil {
		t.Fatal(err)
	}
	rows := map[string]int64{}
	for _, r := range p.Selection {
		rows[r.Table] = r.Rows
		if r.Rows > 0 && len(r.Reached) == 0 {
			t.Errorf("%s: no breakdown by relation", r.Table)
		}
	}
	if rows["employee"] == 0 || rows["employee"] > 3000 || rows["timesheet"] > 9000 {
		t.Errorf("not proportional: %v", rows)
	}
	mustRun(t, "plan", "--source", path, "-c", cfg, "--estimate-only")
}
