package postgres

import (
	"context"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/dbtest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// openSource opens a source on a test database, closed at the end of the test.
func openSource(t *testing.T, dbURL string) *Source {
	t.Helper()
	u, err := dbtwin.ParseURL(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenSource(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openTarget opens a target on a test database, closed at the end of the test.
func openTarget(t *testing.T, dbURL string, writers int) *Target {
	t.Helper()
	u, err := dbtwin.ParseURL(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := OpenTarget(context.Background(), u, dbtwin.TargetOptions{Writers: writers})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tg.Close() })
	return tg
}
