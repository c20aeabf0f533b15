package dbtest

import (
	"testing"
)

func TestMain(m *testing.M) { Main(m) }

func TestLoadEveryPostgresFixture(t *testing.T) {
	for _, fx := range PostgresFixtures {
		t.Run(fx.Name, func(t *testing.T) {
			t.Parallel()
			u := LoadPostgresFixture(t, fx.Name)
			if u == "" {
				t.Fatal("no URL")
			}
		})
	}
}
