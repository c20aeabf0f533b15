package mysql_test

import (
	"context"
	"testing"

	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	_ "github.com/dbtwin/dbtwin/mysql"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// cloneAll runs an unmasked, full clone from src to dst and fails the test
// on error.
func cloneAll(t *testing.T, src, dst string, jobs int) *clone.Result {
	t.Helper()
	f := false
	res, err := clone.Run(context.Background(), clone.Options{Source: src, Target: dst, Jobs: jobs, Strict: &f, Log: t.Logf})
	if err != nil {
		t.Fatalf("clone: %v", err)
	}
	return res
}

// sameDigests fails the test when two databases' tables differ.
func sameDigests(t *testing.T, a, b string) map[string]string {
	t.Helper()
	da, db := dbtest.MySQLDigests(t, a), dbtest.MySQLDigests(t, b)
	if len(da) == 0 {
		t.Fatal("the source has no tables")
	}
	for name, d := range da {
		if db[name] != d {
			t.Errorf("table %s: source %s, twin %s", name, d, db[name])
		}
	}
	for name := range db {
		if _, ok := da[name]; !ok {
			t.Errorf("table %s: only in the twin", name)
		}
	}
	return da
}
