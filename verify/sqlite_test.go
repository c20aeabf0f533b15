package verify_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/brianvoe/gofakeit/v7/data"
	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/verify"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// incidentUser is one row of the hand-made "production" users table.
type incidentUser struct {
	id                        int
	first, last, email, phone string
	nationalID, city          string
}

var firstPool = []string{"Jane", "Mary", "Olga", "Priya", "Ann", "Bo", "Tomasz", "Ingrid", "Kwame", "Lucia"}
var lastSyll = []string{"Quarn", "Vesk", "Drummel", "Oxley", "Brask", "Tallow"}
var lastEnd = []string{"ington", "ovitch", "hurst", "sdottir", "eaux", "quist"}
var cities = []string{"Ogdenville", "North Haverbrook", "Capital City"}

func incidentUsers() []incidentUser {
	var out []incidentUser
	for i := 1; i <= 36; i++ {
		first := firstPool[i%len(firstPool)]
		last := lastSyll[i%6] + lastEnd[(i/6)%6]
		out = append(out, incidentUser{
			id: i, first: first, last: last,
			email:      fmt.Sprintf("%s.%s%d@corpmail.example", strings.ToLower(first), strings.ToLower(last), i),
			phone:      fmt.Sprintf("+1 (555) %03d-%04d", 100+i, 4000+i*7),
			nationalID: fmt.Sprintf("%03d-%02d-%04d", 120+i, 10+i%80, 3000+i*13),
			city:       cities[i%3],
		})
	}
	return out
}

// makeIncidentDB builds the sign-up incident's database: users and the
// forgotten guest_purchases table sharing national IDs without a foreign key.
func makeIncidentDB(t *testing.T) (string, []incidentUser) {
	t.Helper()
	path := dbtest.SQLite(t, "prod.db")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, first_name TEXT, last_name TEXT,
		national_id TEXT, phone TEXT, city TEXT, country TEXT, status TEXT, profile JSON, notes TEXT, created_at DATETIME)`)
	exec(`CREATE TABLE guest_purchases (id INTEGER PRIMARY KEY, national_id TEXT, email TEXT, amount NUMERIC, note TEXT)`)
	users := incidentUsers()
	for _, u := range users {
		profile := fmt.Sprintf(`{"contact": {"email": %q, "phone": %q}, "plan": %q}`, u.email, u.phone, []string{"gold", "silver"}[u.id%2])
		exec(`INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, u.id, u.email, u.first, u.last, u.nationalID,
			u.phone, u.city, []string{"US", "DE", "FR"}[u.id%3], []string{"active", "pending"}[u.id%2], profile,
			"Customer since 2019; prefers e-mail", fmt.Sprintf("2024-01-%02d 10:00:00", 1+u.id%28))
		if u.id%3 == 0 {
			exec(`INSERT INTO guest_purchases (national_id, email, amount, note) VALUES (?, ?, ?, ?)`,
				u.nationalID, u.email, 19.5+float64(u.id), "gift wrapped")
		}
	}
	return path, users
}

const incidentConfig = `version: 1
mask:
  users:
    email: email
    first_name: first_name
    last_name: last_name
    national_id: digits
    phone: phone
    city: city
    profile: {transformer: json, paths: {"$.contact.email": email, "$.contact.phone": phone}}
  guest_purchases:
    national_id: digits
    email: email
relations:
  - from: guest_purchases(national_id)
    to: users(national_id)
`

func parseConfig(t *testing.T, text string) *config.Config {
	t.Helper()
	cfg, err := config.Parse("dbtwin.yaml", []byte(text))
	if err != nil {
		t.Fatalf("parse config: %v", err)
	}
	return cfg
}

// cloneSQLite clones src with cfg; noLeakScan skips the clone's own leak
// scan (which would remove a leaking twin) so the test can scan it itself.
func cloneSQLite(t *testing.T, src string, cfg *config.Config, noLeakScan bool) string {
	t.Helper()
	dst := dbtest.SQLite(t, "twin.db")
	if _, err := clone.Run(context.Background(), clone.Options{Source: "sqlite:" + src, Target: "sqlite:" + dst,
		Config: cfg, Secret: testSecret, Jobs: 2, NoLeakScan: noLeakScan}); err != nil {
		t.Fatalf("clone: %v", err)
	}
	return dst
}

func verifyURLs(t *testing.T, src, dst string, cfg *config.Config) *verify.Report {
	t.Helper()
	rep, err := verify.RunURL(context.Background(), src, dst, cfg, verify.Options{Jobs: 2})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

// wantLeak checks that a twin column is reported with the given cells,
// coming (at least) from the given source column.
func wantLeak(t *testing.T, rep *verify.Report, table, column string, cells int64, source, category string) {
	t.Helper()
	l := rep.Leak(table, column)
	if l == nil {
		t.Errorf("no leak reported in %s.%s; findings: %+v", table, column, rep.Findings)
		return
	}
	if l.Cells != cells {
		t.Errorf("%s.%s: %d cells reported, want %d", table, column, l.Cells, cells)
	}
	if !contains(l.Sources, source) {
		t.Errorf("%s.%s: sources %q do not include %s", table, column, l.Sources, source)
	}
	if !contains(l.Categories, category) {
		t.Errorf("%s.%s: categories %q do not include %s", table, column, l.Categories, category)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// assertNoRawValues renders the report both ways and fails if any of the
// values appears in either (case-insensitively).
func assertNoRawValues(t *testing.T, rep *verify.Report, values ...string) {
	t.Helper()
	var text, js bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{text.String(), js.String()} {
		low := strings.ToLower(out)
		for _, v := range values {
			if strings.Contains(low, strings.ToLower(v)) {
				t.Errorf("the report shows the original value %q:\n%s", v, out)
			}
		}
	}
	if !strings.Contains(js.String(), `"version": 1`) {
		t.Errorf("JSON report has no version 1:\n%s", js.String())
	}
}

func TestSQLiteIncident(t *testing.T) {
	src, users := makeIncidentDB(t)
	cfg := parseConfig(t, incidentConfig)
	dst := cloneSQLite(t, src, cfg, false)

	rep := verifyURLs(t, src, dst, cfg)
	if !rep.OK() {
		var b bytes.Buffer
		rep.WriteText(&b)
		t.Fatalf("a correctly masked twin has leaks:\n%s", b.String())
	}
	if rep.Digests == 0 || rep.CellsScanned == 0 || rep.RowsScanned != int64(len(users)+len(users)/3) {
		t.Fatalf("nothing compared: %+v", rep)
	}
	for rule, col := range map[string]string{verify.ExemptLowCardinality: "users.city", verify.ExemptDictionary: "users.first_name",
		verify.ExemptTooShort: "users.first_name"} {
		e := rep.Exempted(rule)
		if e == nil || e.Values == 0 || !contains(e.Columns, col) {
			t.Errorf("exemption %s: %+v, want values from %s", rule, e, col)
		}
	}

	// Plant the incidents in the twin.
	db, err := sql.Open("sqlite", dst)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	u := func(id int) incidentUser { return users[id-1] }
	// (a) an e-mail column left unmasked for three rows.
	for _, id := range []int{1, 2, 3} {
		exec(`UPDATE users SET email = ? WHERE id = ?`, u(id).email, id)
	}
	// (b) originals copied into JSON documents: a member and a key.
	exec(`CREATE TABLE tickets (id INTEGER PRIMARY KEY, payload TEXT)`)
	exec(`INSERT INTO tickets (payload) VALUES (?), (?), ('{"contact": {"email": "nobody@nowhere.example"}}')`,
		fmt.Sprintf(`{"contact": {"email": %q}}`, strings.ToUpper(u(4).email)),
		fmt.Sprintf(`{%q: {"seen": true}}`, u(5).email))
	// (c) a full name in a free-text note, either order; a phone in another.
	exec(`UPDATE users SET notes = ? WHERE id = 7`, fmt.Sprintf("Spoke with %s %s about the refund.", u(7).first, u(7).last))
	exec(`UPDATE users SET notes = ? WHERE id = 8`, fmt.Sprintf("VIP: %s, %s", u(8).last, u(8).first))
	exec(`UPDATE guest_purchases SET note = ? WHERE id = 1`, "call back on "+strings.ReplaceAll(u(9).phone, "-", " "))

	rep = verifyURLs(t, src, dst, cfg)
	wantLeak(t, rep, "users", "email", 3, "users.email", "email")
	wantLeak(t, rep, "tickets", "payload", 2, "users.email", "email")
	wantLeak(t, rep, "users", "notes", 2, "users.first_name+last_name", "person_name")
	wantLeak(t, rep, "guest_purchases", "note", 1, "users.phone", "phone")
	if len(rep.Findings) != 4 || rep.Leaks() != 8 {
		t.Errorf("findings %+v, %d leaks; want 4 columns, 8 cells", rep.Findings, rep.Leaks())
	}
	planted := []string{u(1).email, u(2).email, u(3).email, u(4).email, u(5).email, u(7).last, u(8).last,
		u(9).phone, u(9).nationalID, "corpmail"}
	assertNoRawValues(t, rep, planted...)
	var text, js bytes.Buffer
	rep.WriteText(&text)
	t.Logf("report with planted leaks:\n%s", text.String())
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Version  int  `json:"version"`
		OK       bool `json:"ok"`
		Leaks    int  `json:"leaks"`
		Findings []struct {
			Table, Column string
			Cells         int64
			Sources       []string
		} `json:"findings"`
		Stats struct {
			CellsScanned int64 `json:"cells_scanned"`
		} `json:"stats"`
	}
	if err := json.Unmarshal(js.Bytes(), &parsed); err != nil {
		t.Fatalf("JSON report does not parse: %v\n%s", err, js.String())
	}
	if parsed.Version != 1 || parsed.OK || parsed.Leaks != 8 || len(parsed.Findings) != 4 ||
		parsed.Findings[0].Table != "guest_purchases" || parsed.Stats.CellsScanned != rep.CellsScanned {
		t.Errorf("JSON report: %+v", parsed)
	}

	// The twin must not be the source.
	if _, err := verify.RunURL(context.Background(), src, "sqlite:"+src, cfg, verify.Options{}); err == nil ||
		!strings.Contains(err.Error(), "is the source") {
		t.Errorf("verify against the source itself: %v", err)
	}

	// (d) masking rules that leave values as they were: a when condition
	// that masks the national IDs of active users only, and keep on the phone.
	cfg2 := parseConfig(t, strings.NewReplacer(
		"    national_id: digits\n    phone: phone\n", "    national_id: {transformer: digits, when: \"status == 'active'\"}\n    phone: keep\n",
		"relations:\n  - from: guest_purchases(national_id)\n    to: users(national_id)\n", "").Replace(incidentConfig))
	dst2 := cloneSQLite(t, src, cfg2, true)
	rep = verifyURLs(t, src, dst2, cfg2)
	wantLeak(t, rep, "users", "national_id", int64(len(users)/2), "users.national_id", "national_id")
	wantLeak(t, rep, "users", "phone", int64(len(users)), "users.phone", "phone")
	if len(rep.Findings) != 2 {
		t.Errorf("findings %+v, want 2 columns", rep.Findings)
	}
	assertNoRawValues(t, rep, u(1).nationalID, u(1).phone)
}

// TestFakeCollisionsAndLoneNames builds a source and a twin by hand: the
// twin's fake full names happen to equal real ones, and a real first name
// appears in an unrelated table.
func TestFakeCollisionsAndLoneNames(t *testing.T) {
	first, last := strings.ToUpper(data.Person["first"][3]), data.Person["last"][5]
	collision := first + " " + last
	mk := func(name string, rows ...string) string {
		path := dbtest.SQLite(t, name)
		db, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		for _, q := range append([]string{`CREATE TABLE people (id INTEGER PRIMARY KEY, full_name TEXT, first_name TEXT)`,
			`CREATE TABLE bands (id INTEGER PRIMARY KEY, title TEXT)`}, rows...) {
			if _, err := db.Exec(q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		return path
	}
	src := mk("src.db",
		`INSERT INTO people VALUES (1, '`+collision+`', 'Zebulonia'), (2, 'Quentin Vasquezmoor', 'Xanthippa'), (3, 'Orla Brenniganova', 'Yolandine')`,
		`INSERT INTO bands VALUES (1, 'The Quiet Ones')`)
	dst := mk("twin.db",
		`INSERT INTO people VALUES (1, 'Pat Tinkerfield', 'Adelbertina'), (2, '`+strings.ToLower(collision)+`', 'Zebulonia'), (3, 'Nel Ostrova', 'Brunhildea')`,
		`INSERT INTO bands VALUES (1, 'Zebulonia and the Xanthippa Five')`)

	fake := parseConfig(t, "version: 1\nmask:\n  people:\n    full_name: full_name\n    first_name: first_name\n")
	rep := verifyURLs(t, src, dst, fake)
	// The fake full name equal to a real one is a coincidence; the real first
	// name left in its own column is a leak; real first names in a band's
	// title are lone names.
	wantLeak(t, rep, "people", "first_name", 1, "people.first_name", "first_name")
	if len(rep.Findings) != 1 {
		t.Errorf("findings %+v, want only people.first_name", rep.Findings)
	}
	for rule, where := range map[string]string{verify.ExemptFakeCollision: "people.full_name", verify.ExemptLoneName: "bands.title"} {
		if e := rep.Exempted(rule); e == nil || e.Values != 1 || !contains(e.Columns, where) {
			t.Errorf("exemption %s = %+v, want 1 value in %s", rule, e, where)
		}
	}
	// Under format-preserving encryption an equal value is no coincidence.
	fpe := parseConfig(t, "version: 1\nmask:\n  people:\n    full_name: {transformer: full_name, style: fpe}\n    first_name: first_name\n")
	rep = verifyURLs(t, src, dst, fpe)
	wantLeak(t, rep, "people", "full_name", 1, "people.full_name", "person_name")
	assertNoRawValues(t, rep, collision, "Zebulonia", "Xanthippa")
}
