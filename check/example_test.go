package check_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	_ "modernc.org/sqlite"

	"github.com/dbtwin/dbtwin/check"
)

// exampleDB makes a small application database: three users, one of them
// subscribed to two lists.
func exampleDB(dir string) *sql.DB {
	db, err := sql.Open("sqlite", filepath.Join(dir, "app.db"))
	if err != nil {
		log.Fatal(err)
	}
	_, err = db.Exec(`
CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL);
CREATE TABLE subscriptions (user_id integer NOT NULL, list text NOT NULL);
INSERT INTO users VALUES (1, 'ann@example.com'), (2, 'bob@example.org'), (3, 'cy@example.net');
INSERT INTO subscriptions VALUES (1, 'news'), (1, 'offers'), (2, 'news');`)
	if err != nil {
		log.Fatal(err)
	}
	return db
}

const exampleChecks = `version: 1
queries:
  recipients: SELECT u.email FROM users u JOIN subscriptions s ON s.user_id = u.id
checks:
  - name: each recipient once
    unique: {query: recipients, columns: [email]}
  - name: never more recipients than users
    row_count: {query: recipients, max: "SELECT count(*) FROM users"}
`

// An application runs its safeguards before a bulk send and stops when one
// fails. Example values are redacted.
func ExampleMust() {
	dir, err := os.MkdirTemp("", "dbtwin-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db := exampleDB(dir)
	defer db.Close()
	path := filepath.Join(dir, "checks.yaml")
	if err := os.WriteFile(path, []byte(exampleChecks), 0o644); err != nil {
		log.Fatal(err)
	}

	if err := check.Must(context.Background(), db, "sqlite", path); err != nil {
		fmt.Println("not sending:", err)
		return
	}
	fmt.Println("sending")
	// Output:
	// not sending: data checks failed (1 passed, 1 failed)
	//   fail "each recipient once" [unique]: 3 rows for 2 distinct emails, ×1.5 (1 email appears more than once, up to 2 times) (e.g. a***@***.com ×2)
}

// Run gives the whole report, to print in any format.
func ExampleRun() {
	dir, err := os.MkdirTemp("", "dbtwin-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db := exampleDB(dir)
	defer db.Close()

	file, err := check.Parse("checks.yaml", []byte(exampleChecks))
	if err != nil {
		log.Fatal(err)
	}
	report, err := check.Run(context.Background(), db, "sqlite", file, check.Options{})
	if err != nil {
		log.Fatal(err)
	}
	if err := check.WriteText(os.Stdout, report); err != nil {
		log.Fatal(err)
	}
	fmt.Println("exit code", report.ExitCode())
	// Output:
	// ✗ each recipient once (unique): 3 rows for 2 distinct emails, ×1.5 (1 email appears more than once, up to 2 times)
	//     examples: a***@***.com ×2
	// ✓ never more recipients than users (row_count): 3 rows, within max 3 (SELECT count(*) FROM users)
	//
	// 1 passed, 1 failed
	// exit code 1
}
