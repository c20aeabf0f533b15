package mysql_test

import (
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// TestRoundTripFixtures clones Sakila, Chinook and Northwind (MySQL
// versions) unmasked and compares every table's digest.
func TestRoundTripFixtures(t *testing.T) {
	for _, fx := range dbtest.MySQLFixtures {
		t.Run(fx.Name, func(t *testing.T) {
			t.Parallel()
			src := dbtest.LoadMySQLFixture(t, fx.Name)
			dst := dbtest.MySQL(t)
			res := cloneAll(t, src, dst, 3)
			if !res.Verified {
				t.Fatalf("not verified: %v", res.Verification)
			}
			d := sameDigests(t, src, dst)
			t.Logf("%s: %d tables identical", fx.Name, len(d))
		})
	}
}
