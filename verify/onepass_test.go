package verify_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/verify"
)

// engineDB is a fresh database of one engine for the one-pass tests.
type engineDB struct {
	name   string // postgres or sqlite
	url    string
	prefix string // "public." on PostgreSQL: how the report names tables
	json   string // the JSON column type
}

func newEngineDB(t *testing.T, engine, file string) engineDB {
	t.Helper()
	if engine == "postgres" {
		return engineDB{name: engine, url: dbtest.Postgres(t), prefix: "public.", json: "jsonb"}
	}
	return engineDB{name: engine, url: dbtest.SQLite(t, file), json: "text"}
}

func (e engineDB) exec(t *testing.T, q string) {
	t.Helper()
	if e.name == "postgres" {
		dbtest.Exec(t, e.url, q)
		return
	}
	db, err := sql.Open("sqlite", e.url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("sqlite exec: %v", err)
	}
}

// target returns a URL for an empty twin of the same engine.
func (e engineDB) target(t *testing.T) string {
	if e.name == "postgres" {
		return dbtest.Postgres(t)
	}
	return dbtest.SQLite(t, "twin.db")
}

// plantedUsers is how many users the planted-leak database holds.
const plantedUsers = 300

func plantedEmail(i int) string { return fmt.Sprintf("customer%d.hartwell@corp-mail.example", i) }

// makePlantedDB builds a small production with real values planted where
// masking does not reach: a kept column, free text, JSON (a member and a
// key), another table, and phone rows a `when` condition leaves unmasked.
func makePlantedDB(t *testing.T, e engineDB) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, `CREATE TABLE users (id integer PRIMARY KEY, email text UNIQUE NOT NULL, phone text NOT NULL, national_id text NOT NULL);
CREATE TABLE subscriptions (id integer PRIMARY KEY, user_id integer REFERENCES users(id), topic text NOT NULL);
CREATE TABLE tickets (id integer PRIMARY KEY, payload %s);
CREATE TABLE comments (id integer PRIMARY KEY, body text);
CREATE TABLE legacy (id integer PRIMARY KEY, ref text);
`, e.json)
	for i := 1; i <= plantedUsers; i++ {
		fmt.Fprintf(&b, "INSERT INTO users VALUES (%d, '%s', '+1 (555) %03d-%04d', '%011d');\n", i, plantedEmail(i), 200+i%700, (i*7919)%10000, 40000000000+int64(i)*7_777_777)
	}
	topics := []string{"newsletter", "promotions", "orders", "weekly digest"}
	for i := 1; i <= 1000; i++ {
		topic := topics[i%len(topics)]
		if i <= 5 { // (a) a kept column holding real e-mails
			topic = plantedEmail(i)
		}
		fmt.Fprintf(&b, "INSERT INTO subscriptions VALUES (%d, %d, '%s');\n", i, 1+i%plantedUsers, topic)
	}
	// (b) JSON: a member and a key.
	fmt.Fprintf(&b, `INSERT INTO tickets VALUES (1, '{"contact": {"addr": "%s"}, "n": 1}'), (2, '{"%s": {"seen": true}}'), (3, '{"contact": {"addr": "nobody@nowhere.example"}}');
`, plantedEmail(7), plantedEmail(8))
	// (c) free text.
	fmt.Fprintf(&b, "INSERT INTO comments VALUES (1, 'Customer wrote from %s about a late parcel.'), (2, 'Nothing to report.');\n", plantedEmail(9))
	// (d) another table.
	fmt.Fprintf(&b, "INSERT INTO legacy VALUES (1, '%s'), (2, 'n/a');\n", plantedEmail(10))
	e.exec(t, b.String())
}

const plantedConfig = `version: 1
mask:
  users:
    email: email
    phone: {transformer: phone, when: "id > 3"}
    national_id: {transformer: digits, keep_length: true}
keep: [subscriptions.topic, tickets.payload, comments.body, legacy.ref]
`

func TestOnePassFindsPlantedLeaks(t *testing.T) {
	for _, engine := range []string{"postgres", "sqlite"} {
		for _, budget := range []int64{0, 64 << 10} {
			t.Run(fmt.Sprintf("%s/budget=%d", engine, budget), func(t *testing.T) {
				e := newEngineDB(t, engine, "prod.db")
				makePlantedDB(t, e)
				dst := e.target(t)
				res, err := clone.Run(context.Background(), clone.Options{Source: e.url, Target: dst, Config: parseConfig(t, plantedConfig),
					Secret: testSecret, Jobs: 2, LeakScanMemory: budget, LeakScanTempDir: t.TempDir()})
				if !errors.Is(err, clone.ErrLeak) {
					t.Fatalf("clone with planted leaks: %v", err)
				}
				rep := res.LeakReport
				var text bytes.Buffer
				rep.WriteText(&text)
				t.Logf("report:\n%s", text.String())
				p := e.prefix
				wantLeak(t, rep, p+"subscriptions", "topic", 5, p+"users.email", "email")
				wantLeak(t, rep, p+"tickets", "payload", 2, p+"users.email", "email")
				wantLeak(t, rep, p+"comments", "body", 1, p+"users.email", "email")
				wantLeak(t, rep, p+"legacy", "ref", 1, p+"users.email", "email")
				if l := rep.Leak(p+"users", "phone"); l == nil || l.Unchanged != 3 || l.Cells != 3 {
					t.Errorf("users.phone left unmasked in 3 rows: %+v", l)
				}
				if len(rep.Findings) != 5 {
					t.Errorf("%d findings, want 5: %+v", len(rep.Findings), rep.Findings)
				}
				if budget > 0 && rep.SpilledBytes == 0 {
					t.Error("a 64 KB budget did not spill")
				}
				var planted []string
				for i := 1; i <= 10; i++ {
					planted = append(planted, plantedEmail(i))
				}
				assertNoRawValues(t, rep, planted...)
				if rep.SourceRows != plantedUsers || rep.RowsScanned < 1300 {
					t.Errorf("one pass read %d source rows and %d twin rows", rep.SourceRows, rep.RowsScanned)
				}
			})
		}
	}
}

func TestStrictOffWarnsInsteadOfFailing(t *testing.T) {
	for _, engine := range []string{"postgres", "sqlite"} {
		t.Run(engine, func(t *testing.T) {
			e := newEngineDB(t, engine, "prod.db")
			var b strings.Builder
			b.WriteString("CREATE TABLE customer (id integer PRIMARY KEY, email text, first_name text, last_name text, phone text);\n")
			b.WriteString("CREATE TABLE contact_log (id integer PRIMARY KEY, phone text);\n")
			for i := 1; i <= 200; i++ {
				fmt.Fprintf(&b, "INSERT INTO customer VALUES (%d, '%s', 'Quillan%d', 'Morrowgate%d', '+44 7700 9%05d');\n", i, plantedEmail(i), i, i, i)
				fmt.Fprintf(&b, "INSERT INTO contact_log VALUES (%d, '+44 7700 9%05d');\n", i, i)
			}
			e.exec(t, b.String())
			strict := false
			res, err := clone.Run(context.Background(), clone.Options{Source: e.url, Target: e.target(t), Secret: testSecret, Strict: &strict,
				Config: parseConfig(t, "version: 1\nstrict: false\nmask:\n  customer:\n    email: email\n")})
			if err != nil {
				t.Fatalf("strict: false clone failed: %v", err)
			}
			rep := res.LeakReport
			var text bytes.Buffer
			rep.WriteText(&text)
			t.Logf("report:\n%s", text.String())
			p := e.prefix
			for _, c := range []string{"customer.first_name", "customer.last_name", "customer.phone", "contact_log.phone"} {
				if !contains(rep.Unmasked, p+c) {
					t.Errorf("%s not listed as copied unmasked: %q", c, rep.Unmasked)
				}
			}
			if !rep.OK() || !strings.Contains(text.String(), "warning: strict mode is off") {
				t.Errorf("want a clean report with a strict-mode warning")
			}
			var js bytes.Buffer
			rep.WriteJSON(&js)
			if !strings.Contains(js.String(), `"unmasked": [`) || !strings.Contains(js.String(), p+"customer.phone") {
				t.Errorf("--json lacks the unmasked columns:\n%s", js.String())
			}
		})
	}
}

func TestManyTablesAndKeepEntriesScanInSeconds(t *testing.T) {
	for _, engine := range []string{"postgres", "sqlite"} {
		t.Run(engine, func(t *testing.T) {
			e := newEngineDB(t, engine, "prod.db")
			var b, cfg strings.Builder
			cfg.WriteString("version: 1\nmask:\n")
			var keep []string
			for i := 1; i <= 400; i++ {
				fmt.Fprintf(&b, "CREATE TABLE t%03d (id integer PRIMARY KEY, email text, city text, info text, code text);\n", i)
				for r := 1; r <= 5; r++ {
					fmt.Fprintf(&b, "INSERT INTO t%03d VALUES (%d, 'row%d.table%d@corp-mail.example', 'Town %d', 'note %d for row %d', 'C-%d');\n", i, r, r, i, r, i, r, r)
				}
				fmt.Fprintf(&cfg, "  t%03d:\n    email: email\n", i)
				keep = append(keep, fmt.Sprintf("t%03d.city", i), fmt.Sprintf("t%03d.info", i))
			}
			fmt.Fprintf(&cfg, "keep: [%s]\n", strings.Join(keep, ", "))
			e.exec(t, b.String())
			start := time.Now()
			res, err := clone.Run(context.Background(), clone.Options{Source: e.url, Target: e.target(t), Secret: testSecret, Jobs: 2,
				Config: parseConfig(t, cfg.String())})
			if err != nil {
				t.Fatalf("clone of 400 tables: %v", err)
			}
			rep := res.LeakReport
			if !rep.OK() || rep.Tables != 400 || rep.RowsScanned != 2000 || len(rep.SourceColumns) != 400 {
				t.Fatalf("leak scan: ok=%v, %d tables, %d rows, %d source columns", rep.OK(), rep.Tables, rep.RowsScanned, len(rep.SourceColumns))
			}
			var leak time.Duration
			for _, p := range res.Phases {
				if p.Name == "leak scan" {
					leak = p.Duration
				}
			}
			t.Logf("400 tables, 800 keep entries: clone %s, leak scan join %s", time.Since(start).Round(time.Millisecond), leak.Round(time.Millisecond))
		})
	}
}

// assertReportNames is a guard used above: findings name columns, never values.
var _ = verify.ErrLeak
