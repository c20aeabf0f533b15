package check

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// engines runs fn once per engine, each with its own database.
func engines(t *testing.T, fn func(t *testing.T, mk func(t *testing.T, script string) string)) {
	t.Run("postgres", func(t *testing.T) { fn(t, makePostgres) })
	t.Run("sqlite", func(t *testing.T) { fn(t, makeSQLite) })
	t.Run("mysql", func(t *testing.T) { fn(t, makeMySQL) })
}

// makeMySQL creates a MySQL/MariaDB database, runs script in it and
// returns its URL.
func makeMySQL(t *testing.T, script string) string {
	t.Helper()
	u := dbtest.MySQL(t)
	dbtest.MySQLExec(t, u, script)
	return u
}

// makePostgres creates a database, runs script in it and returns its URL.
func makePostgres(t *testing.T, script string) string {
	t.Helper()
	u := dbtest.Postgres(t)
	dbtest.Exec(t, u, script)
	return u
}

// makeSQLite creates a SQLite file, runs script in it and returns its URL.
func makeSQLite(t *testing.T, script string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "db.sqlite")
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// One transaction: a commit per INSERT would sync the file each time.
	if _, err := db.Exec("BEGIN;\n" + script + "\nCOMMIT;"); err != nil {
		t.Fatalf("sqlite script: %v", err)
	}
	return "sqlite:" + path
}

// openURL opens a database with Open and closes it at the end of the test.
func openURL(t *testing.T, u string) (*sql.DB, string) {
	t.Helper()
	db, dialect, err := Open(context.Background(), u)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dialect
}

// world describes the newsletter data set.
type world struct {
	users int
	// subsOf gives the number of subscriptions of user i (1-based).
	subsOf func(i int) int
	// guestOverlap: guest purchase g (1..guests) uses the national ID of user
	// g when g <= guestOverlap, else an ID no user has.
	guests, guestOverlap int
	// phoneNullEvery: every n-th user has no phone (0 = none).
	phoneNullEvery int
}

var production = world{users: 60, subsOf: func(i int) int { return i % 4 }, guests: 40, guestOverlap: 36, phoneNullEvery: 10}

// script returns SQL (valid in PostgreSQL and SQLite) creating and filling
// users, subscriptions, orders, shipments and guest_purchases.
func (w world) script() string {
	var b strings.Builder
	b.WriteString(`CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL, full_name text, phone text,
  national_id text, country text);
CREATE TABLE subscriptions (id integer PRIMARY KEY, user_id integer NOT NULL, list text NOT NULL,
  active boolean NOT NULL);
CREATE TABLE orders (id integer PRIMARY KEY, user_id integer, status text NOT NULL, total integer NOT NULL);
CREATE TABLE shipments (id integer PRIMARY KEY, order_id integer, user_id integer);
CREATE TABLE guest_purchases (id integer PRIMARY KEY, national_id text);
`)
	sub := 0
	for i := 1; i <= w.users; i++ {
		phone := fmt.Sprintf("'+1 555-010-%04d'", i)
		if w.phoneNullEvery > 0 && i%w.phoneNullEvery == 0 {
			phone = "NULL"
		}
		fmt.Fprintf(&b, "INSERT INTO users VALUES (%d, 'user%d@example.com', 'Person %d', %s, '%011d', '%s');\n",
			i, i, i, phone, 90000000000+i, []string{"FR", "DE", "US"}[i%3])
		for k := 0; k < w.subsOf(i); k++ {
			sub++
			fmt.Fprintf(&b, "INSERT INTO subscriptions VALUES (%d, %d, 'list%d', TRUE);\n", sub, i, k)
		}
	}
	for g := 1; g <= w.guests; g++ {
		id := 90000000000 + g
		if g > w.guestOverlap {
			id = 80000000000 + g
		}
		fmt.Fprintf(&b, "INSERT INTO guest_purchases VALUES (%d, '%011d');\n", g, id)
	}
	// Orders: user_id 999 and 998 are orphans, three have no user.
	statuses := []string{"paid", "shipped", "refunded"}
	for o := 1; o <= 30; o++ {
		user := fmt.Sprint(o)
		switch o {
		case 7:
			user = "999"
		case 8:
			user = "998"
		case 20, 21, 22:
			user = "NULL"
		}
		status := statuses[o%3]
		if o == 13 || o == 14 {
			status = "lost"
		}
		fmt.Fprintf(&b, "INSERT INTO orders VALUES (%d, %s, '%s', %d);\n", o, user, status, o*10)
	}
	// Shipments reference orders(id, user_id); shipment 3 names the wrong user.
	fmt.Fprintf(&b, "INSERT INTO shipments VALUES (1, 1, 1);\nINSERT INTO shipments VALUES (2, 2, 2);\n")
	fmt.Fprintf(&b, "INSERT INTO shipments VALUES (3, 3, 4);\nINSERT INTO shipments VALUES (4, NULL, NULL);\n")
	return b.String()
}

// writeChecks writes a checks file in the test's temp dir and parses it.
func writeChecks(t *testing.T, text string) *File {
	t.Helper()
	path := filepath.Join(t.TempDir(), "checks.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	f.Path = "checks.yaml"
	for _, c := range f.Checks {
		c.Pos.File = "checks.yaml"
	}
	return f
}

// run runs a checks file against a database URL.
func run(t *testing.T, u string, f *File, opts Options) *Report {
	t.Helper()
	db, dialect := openURL(t, u)
	rep, err := Run(context.Background(), db, dialect, f, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rep
}

// result finds a check's result by name.
func result(t *testing.T, rep *Report, name string) *Result {
	t.Helper()
	for _, r := range rep.Results {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no result named %q", name)
	return nil
}

// expect asserts a result's status and that its message contains each part.
func expect(t *testing.T, rep *Report, name string, status Status, parts ...string) *Result {
	t.Helper()
	r := result(t, rep, name)
	if r.Status != status {
		t.Errorf("%s: status %s, want %s (message: %s; details: %v)", name, r.Status, status, r.Message, r.Details)
	}
	for _, p := range parts {
		if !strings.Contains(r.Message, p) {
			t.Errorf("%s: message %q does not contain %q", name, r.Message, p)
		}
	}
	return r
}

// observed returns an observed number as int64.
func observed(t *testing.T, r *Result, key string) int64 {
	t.Helper()
	v, ok := r.Observed[key]
	if !ok {
		t.Fatalf("%s: no observed %q in %v", r.Name, key, r.Observed)
	}
	switch n := v.(type) {
	case int64:
		return n
	case float64:
		return int64(n)
	}
	t.Fatalf("%s: observed %q is %T", r.Name, key, v)
	return 0
}
