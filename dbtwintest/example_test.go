package dbtwintest_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/dbtwin/dbtwin/dbtwintest"
)

// A test gets its own copy of the twin, even when it runs in parallel with
// others, and writes to it freely: the copy is dropped when the test ends.
// TWIN_URL names the twin, e.g. postgres://localhost/app_twin or
// sqlite:twin.db, made by `dbtwin clone`. (This example shows a test
// function; it is compiled, not run: see this package's tests for 50
// parallel tests.)
func ExampleNew() {
	_ = func(t *testing.T) { // func TestSignup(t *testing.T)
		t.Parallel()
		db := dbtwintest.New(t, os.Getenv("TWIN_URL"))
		var guests int
		if err := db.QueryRow("SELECT count(*) FROM guest_purchases").Scan(&guests); err != nil {
			t.Fatal(err)
		}
		// … call the code under test with db: it meets production's shapes.
	}
}

// WithChecks makes sure the twin has the shape the test relies on before it
// starts; DB.Check runs checks again after the code under test wrote.
func ExampleOpen() {
	_ = func(t *testing.T) { // func TestNewsletter(t *testing.T)
		db := dbtwintest.Open(t, "sqlite:testdata/twin.db", dbtwintest.WithChecks("testdata/shape.yaml"))
		t.Logf("test database %s (%s)", db.URL, db.Dialect)
		// … run the code under test against db.DB …
		db.Check("checks.yaml") // failures are reported with t.Errorf
	}
}

// Copy makes a private copy outside a test (TestMain, a development server,
// a script) and release drops it. Here the twin is a small SQLite file.
func ExampleCopy() {
	dir, err := os.MkdirTemp("", "dbtwintest-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	twin := filepath.Join(dir, "twin.db")
	setup, err := sql.Open("sqlite", twin)
	if err != nil {
		log.Fatal(err)
	}
	_, err = setup.Exec(`CREATE TABLE users (id integer PRIMARY KEY, national_id text NOT NULL);
CREATE TABLE guest_purchases (id integer PRIMARY KEY, national_id text NOT NULL);
INSERT INTO users VALUES (1, '582946173'), (2, '104857362');
INSERT INTO guest_purchases VALUES (1, '104857362'), (2, '771029384')`)
	setup.Close()
	if err != nil {
		log.Fatal(err)
	}

	db, release, err := dbtwintest.Copy(context.Background(), twin, "example")
	if err != nil {
		log.Fatal(err)
	}
	// The copy is private: deleting here leaves the twin as it was.
	if _, err := db.Exec("DELETE FROM guest_purchases"); err != nil {
		log.Fatal(err)
	}
	if err := release(); err != nil {
		log.Fatal(err)
	}
	_, err = os.Stat(db.Name)
	fmt.Println("dialect:", db.Dialect, "- copy removed:", os.IsNotExist(err))

	twinDB, err := sql.Open("sqlite", twin)
	if err != nil {
		log.Fatal(err)
	}
	defer twinDB.Close()
	var guests int
	if err := twinDB.QueryRow("SELECT count(*) FROM guest_purchases").Scan(&guests); err != nil {
		log.Fatal(err)
	}
	fmt.Println("guest purchases still in the twin:", guests)
	// Output:
	// dialect: sqlite - copy removed: true
	// guest purchases still in the twin: 2
}
