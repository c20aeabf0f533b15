package cli

import (
	"database/sql"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// fidelitySourceSQL builds 50,000 users whose last names are 94% distinct
// (the "Souza 8f14e" shape), a low-cardinality city, a plan code that
// is NULL in 30% of rows, and orders with 0-4 per user.
const fidelitySourceSQL = `
CREATE TABLE users (id integer PRIMARY KEY, last_name text NOT NULL, city text NOT NULL, plan_code text);
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users(id), amount integer NOT NULL);
`

func fillFidelitySource(t *testing.T, exec func(string)) {
	t.Helper()
	exec(fidelitySourceSQL)
	exec(`INSERT INTO users (id, last_name, city, plan_code)
	      SELECT i, CASE WHEN i % 16 = 0 THEN 'Souza' ELSE 'Souza ' || substr('0123456789abcdef', (i % 16) + 1, 1) || (i * 7919 % 100003) END,
	             'City ' || (i % 20), CASE WHEN i % 10 < 3 THEN NULL ELSE 'P' || (i % 7) END
	      FROM gen(i)`)
	exec(`INSERT INTO orders (id, user_id, amount) SELECT u.id * 10 + k.k, u.id, k.k FROM users u JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) k ON k.k <= u.id % 5`)
	// Statistics, as a production database has them: the subset then knows
	// half of a table is too much to read by IN lists and reads it in full.
	exec(`ANALYZE`)
}

// fidelitySources returns a PostgreSQL and a SQLite source with the same data
// and a fresh target for each.
func fidelitySources(t *testing.T) map[string][2]string {
	out := map[string][2]string{}
	pg := dbtest.Postgres(t)
	fillFidelitySource(t, func(q string) {
		dbtest.Exec(t, pg, strings.ReplaceAll(q, "FROM gen(i)", "FROM generate_series(1, 50000) AS g(i)"))
	})
	out["postgres"] = [2]string{pg, dbtest.Postgres(t)}

	path := dbtest.SQLite(t, "fidelity-src.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fillFidelitySource(t, func(q string) {
		q = strings.ReplaceAll(q, "FROM gen(i)", "FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM s WHERE i < 50000) SELECT i FROM s)")
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("sqlite source: %v", err)
		}
	})
	out["sqlite"] = [2]string{"sqlite:" + path, "sqlite:" + dbtest.SQLite(t, "fidelity-twin.db")}
	return out
}

func TestFidelityReportFlagsACollapsingRule(t *testing.T) {
	t.Setenv("DBTWIN_SECRET", testSecret)
	for engine, urls := range fidelitySources(t) {
		t.Run(engine, func(t *testing.T) {
			src, dst := urls[0], urls[1]
			// A dictionary rule on a 94%-distinct column collapses it: warned,
			// the clone still succeeds.
			collapse := writeTemp(t, "collapse.yaml", "version: 1\nstrict: false\nmask:\n  users:\n    last_name: last_name\n")
			code, out, errOut := run(t, "clone", "--source", src, "--target", dst, "-c", collapse)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			if !strings.Contains(out, "1 outside tolerance") || !strings.Contains(out, "users.last_name (rule last_name): distinct ratio") ||
				!strings.Contains(out, "warning: fidelity:") {
				t.Fatalf("the collapse is not reported:\n%s", out)
			}
			if strings.Contains(out, "Souza") || strings.Contains(out, "City 1") {
				t.Fatalf("a value reached the summary:\n%s", out)
			}

			// The same rule with fidelity: fail: true fails the clone (exit 1).
			failing := writeTemp(t, "fail.yaml", "version: 1\nstrict: false\nmask:\n  users:\n    last_name: last_name\nfidelity:\n  fail: true\n")
			code, out, _ = run(t, "clone", "--source", src, "--target", dst, "--replace", "-c", failing)
			if code != 1 || !strings.Contains(out, "VERIFICATION FAILED") || !strings.Contains(out, "fidelity: 1 column(s) or relation(s) outside tolerance") {
				t.Fatalf("fidelity: fail: true did not fail the clone: exit %d\n%s", code, out)
			}

			// The format-preserving style keeps the column's shape, also in a
			// subset: distinct ratio, NULLs and fan-outs within tolerance. 25,000
			// selected users are more than the traversal pushes down as IN
			// lists, so both tables are read in full and production is measured
			// on all its rows.
			shaped := writeTemp(t, "shaped.yaml", "version: 1\nstrict: false\nmask:\n  users:\n    last_name: {transformer: last_name, style: fpe}\n"+
				"subset:\n  roots:\n    - {table: users, percent: 50}\n")
			code, out, errOut = run(t, "clone", "--source", src, "--target", dst, "--replace", "-c", shaped, "--json")
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
			}
			var res CloneJSON
			if err := json.Unmarshal([]byte(out), &res); err != nil {
				t.Fatalf("--json: %v\n%s", err, out)
			}
			f := res.Fidelity
			if f == nil || f.Outside != 0 || len(f.Relations) != 1 || len(f.Columns) < 4 {
				t.Fatalf("fidelity %+v", f)
			}
			rel := f.Relations[0]
			if rel.Note != "" || rel.Twin.ChildMatch != 1 || rel.Production.FanoutMax != 4 || rel.Twin.FanoutMax > 4 || rel.Production.ChildMatch != 1 {
				t.Fatalf("relation %+v", rel)
			}
			for _, c := range f.Columns {
				if c.Column == "last_name" && (c.Measures[0].Twin < 0.9 || c.TwinRows*3 > c.ProductionRows*2 || c.ProductionScope != "all rows") {
					t.Fatalf("last_name in a 50%% subset: %+v", c)
				}
			}
		})
	}
}
