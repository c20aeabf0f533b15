package cli

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// The standing hostile suite (issue 14): schemas a hostile tester would
// write, every PostgreSQL type family, killed sessions; outputs are
// grepped for row values. Secrets and signals: secrets_test.go and
// signals_test.go.

// rowSecret is planted in rows; no error or report may print it.
const rowSecret = "ROWSECRET7731"

// hostileNamesSQL: quotes, spaces, dots, unicode, reserved words, an
// injection attempt and mixed case, in schema, table and column names.
const hostileNamesSQL = `
CREATE SCHEMA "We""ird schema";
CREATE TABLE "We""ird schema"."Ro""bert'); DROP TABLE x;--" (
  "id" int PRIMARY KEY, "a.b" text, "naïve 表" text, "select" int, "User" text, "   " text);
INSERT INTO "We""ird schema"."Ro""bert'); DROP TABLE x;--" VALUES (1, 'dot', 'ü', 1, 'U', 'blank'), (2, NULL, '表', 2, 'u', ' ');
CREATE TABLE "MixedCase" (id int PRIMARY KEY, "Ref" int REFERENCES "We""ird schema"."Ro""bert'); DROP TABLE x;--"(id), note text);
INSERT INTO "MixedCase" VALUES (10, 1, '` + rowSecret + `');
`

func TestHostileIdentifiersRoundTrip(t *testing.T) {
	src, dst := dbtest.Postgres(t), dbtest.Postgres(t)
	dbtest.Exec(t, src, hostileNamesSQL)
	out := mustRun(t, "clone", "--source", src, "--target", dst, "--strict=false")
	if !strings.Contains(out, "verified") {
		t.Errorf("clone output:\n%s", out)
	}
	dbtest.CompareDigests(t, dbtest.PostgresDigests(t, src), dbtest.PostgresDigests(t, dst))
	mustRun(t, "scan", "--source", src)
	mustRun(t, "plan", "--source", src)

	dir := t.TempDir()
	path := filepath.Join(dir, "hostile.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE "Ro""bert'); DROP TABLE x;--" ("id" INTEGER PRIMARY KEY, "a.b" TEXT, "naïve 表" TEXT, "select" INT);
INSERT INTO "Ro""bert'); DROP TABLE x;--" VALUES (1, 'dot', 'ü', 1);
CREATE TABLE "MixedCase" (id INTEGER PRIMARY KEY, "Ref" INT REFERENCES "Ro""bert'); DROP TABLE x;--"(id), note TEXT);
INSERT INTO "MixedCase" VALUES (10, 1, 'n');`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	twin := filepath.Join(dir, "twin.db")
	mustRun(t, "clone", "--source", path, "--target", twin, "--strict=false")
	dbtest.CompareDigests(t, dbtest.SQLiteDigests(t, path), dbtest.SQLiteDigests(t, twin))
}

// typeFamiliesSQL has a column of every PostgreSQL type family, with edge
// values (infinities, NaN, NULLs inside hstore and arrays, empty ranges).
const typeFamiliesSQL = `
CREATE EXTENSION IF NOT EXISTS hstore;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (a int, b text);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE every_type (
  id int PRIMARY KEY, i2 int2, i8 int8, n numeric, f4 float4, f8 float8, m money, b bool,
  t text, vc varchar(5), c char(3), by bytea, u uuid, j json, jb jsonb, x xml,
  d date, ti time, tz timetz, ts timestamp, tstz timestamptz, iv interval,
  r int4range, nr numrange, tr tstzrange, mr int4multirange,
  bits bit(4), vb bit varying(8), ip inet, net cidr, mac macaddr, mac8 macaddr8,
  tv tsvector, tq tsquery, pt point, ln line, ls lseg, bx box, pa path, pg polygon, ci circle,
  h hstore, e mood, cp pair, dm posint, ai int[], at text[][], ah hstore[], ae mood[], ar int4range[], pl pg_lsn
);
INSERT INTO every_type VALUES
 (1, -32768, 9223372036854775807, 'NaN', '-Infinity', 'Infinity', '$1,234.56', true,
  E'tab\there\nnewline \\ back ' || '` + rowSecret + `', 'abcde', 'ab', '\x00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '{"k": [1, "two", null]}', '{"k": {"z": 1}}', '<a x="1">hi</a>',
  'infinity', '24:00:00', '12:00:00+05', '-infinity', 'infinity', '-1 year 2 mons 3 days 04:05:06.789',
  'empty', '(1.5,2.5]', '[2024-01-01,)', '{[1,3), [5,7)}',
  B'1010', B'101', '192.168.0.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05',
  'a fat cat', 'fat & rat', '(1,2)', '{1,2,3}', '[(0,0),(1,1)]', '((0,0),(1,1))', '((0,0),(1,1),(2,0))', '((0,0),(1,1),(1,0))', '<(0,0),5>',
  '"b c"=>NULL, a=>1, "x\"y"=>"z"', 'happy', '(1,"x, y")', 7, '{1,NULL,3}', '{{"a","b"},{"c",NULL}}', ARRAY['a=>1'::hstore, NULL],
  '{sad,happy}', '{"[1,2)","empty"}', '16/B374D848'),
 (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '{}', '{}', '{}', '{}', '{}', NULL);
`

func TestEveryTypeFamilyRoundTrip(t *testing.T) {
	src, dst := dbtest.Postgres(t), dbtest.Postgres(t)
	dbtest.Exec(t, src, typeFamiliesSQL)
	mustRun(t, "clone", "--source", src, "--target", dst, "--strict=false")
	dbtest.CompareDigests(t, dbtest.PostgresDigests(t, src), dbtest.PostgresDigests(t, dst))
	// Masked and subset paths decode and re-encode every value.
	cfg := writeTemp(t, "dbtwin.yaml", "version: 1\nstrict: false\nmask:\n  public.every_type:\n    vc: {transformer: partial, keep_first: 1}\nsubset:\n  roots:\n    - {table: public.every_type, percent: 100}\n")
	mustRun(t, "clone", "--source", src, "--target", dst, "--replace", "-c", cfg, "--random")
	if v := dbtest.QueryString(t, dst, "SELECT h::text || ' ' || r::text || ' ' || vb::text || ' ' || n::text || ' ' || ts::text FROM every_type WHERE id = 1"); v != `"a"=>"1", "b c"=>NULL, "x\"y"=>"z" empty 101 NaN -infinity` {
		t.Errorf("decoded and re-encoded row: %s", v)
	}
}

// A source session killed while the clone reads (pg_terminate_backend):
// the clone stops with exit 2, says the server closed the connection and
// which table it was reading, leaves the target empty and prints no row
// value.
func TestKilledSourceConnection(t *testing.T) {
	src, dst := dbtest.Postgres(t), dbtest.Postgres(t)
	dbtest.Exec(t, src, `CREATE TABLE big AS SELECT g AS id, md5(g::text) || '`+rowSecret+`' AS s FROM generate_series(1, 1500000) g;
ALTER TABLE big ADD PRIMARY KEY (id);`)
	srcDB := dbNameOf(t, src)
	var wg sync.WaitGroup
	var code int
	var out, errOut string
	wg.Add(1)
	go func() {
		defer wg.Done()
		code, out, errOut = runCtx(context.Background(), t, "clone", "--source", src, "--target", dst, "--strict=false")
	}()
	deadline := time.Now().Add(time.Minute)
	killed := int64(0)
	for killed == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		killed = dbtest.QueryInt(t, dst, fmt.Sprintf(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = '%s' AND application_name = 'dbtwin' AND query ILIKE '%%COPY%%big%%'`, srcDB))
	}
	wg.Wait()
	if killed == 0 {
		t.Fatal("no dbtwin session reading big was seen (application_name = dbtwin)")
	}
	if code != 2 || !strings.Contains(errOut, "server closed the connection while reading table public.big") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
	if strings.Contains(out+errOut, rowSecret) {
		t.Errorf("a row value was printed:\n%s%s", out, errOut)
	}
	if n := dbtest.QueryInt(t, dst, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"); n != 0 {
		t.Errorf("the failed clone left %d tables in the target", n)
	}
}

// Error paths that involve rows print no row value: a check whose query
// fails on a value, a mask rule that does not fit a value, a failing
// unique index in post-data.
func TestErrorsPrintNoRowValues(t *testing.T) {
	src, dst := dbtest.Postgres(t), dbtest.Postgres(t)
	dbtest.Exec(t, src, `CREATE TABLE people (id int PRIMARY KEY, code text UNIQUE, note text);
INSERT INTO people VALUES (1, '`+rowSecret+`', 'a'), (2, '12', 'b');`)
	checks := writeTemp(t, "checks.yaml", "version: 1\nchecks:\n  - name: codes are numbers\n    rows: \"SELECT id FROM people WHERE code::int > 5\"\n")
	cfg := writeTemp(t, "dbtwin.yaml", "version: 1\nstrict: false\nmask:\n  public.people:\n    code: {transformer: constant, value: same}\n")
	for _, args := range [][]string{
		{"check", "--db", src, checks},
		{"check", "--db", src, checks, "--format", "json"},
		{"check", "--db", src, checks, "--format", "junit"},
		{"clone", "--source", src, "--target", dst, "--replace", "-c", cfg, "--random"},
	} {
		code, out, errOut := run(t, args...)
		if code == 0 {
			t.Errorf("%s: exit 0", args[0])
		}
		if strings.Contains(out+errOut, rowSecret) {
			t.Errorf("%s printed a row value:\n%s%s", strings.Join(args[:1], " "), out, errOut)
		}
	}
}
