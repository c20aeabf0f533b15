package dbtwintest_test

import (
	"os"
	"testing"

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
