package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// The config `dbtwin init` writes is accepted by `dbtwin clone -c` as is:
// strict mode passes, masking builds, and the leak scan finds nothing.
func TestInitConfigClonesAsIs(t *testing.T) {
	t.Setenv("DBTWIN_SECRET", testSecret)
	cases := []struct{ name, src, dst string }{}
	for _, fx := range []string{"chinook", "pagila", "northwind", "world"} {
		cases = append(cases, struct{ name, src, dst string }{"pg:" + fx, "", ""})
	}
	cases = append(cases, struct{ name, src, dst string }{"sqlite:chinook", "", ""}, struct{ name, src, dst string }{"sqlite:northwind", "", ""})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			engine, fixture, _ := strings.Cut(c.name, ":")
			var src, dst string
			if engine == "pg" {
				src, dst = dbtest.LoadPostgresFixture(t, fixture), dbtest.Postgres(t)
			} else {
				src, dst = dbtest.SQLiteFixture(t, fixture), filepath.Join(t.TempDir(), "twin.db")
			}
			cfg := filepath.Join(t.TempDir(), "dbtwin.yaml")
			mustRun(t, "init", "--source", src, "-o", cfg)
			out := mustRun(t, "clone", "--source", src, "--target", dst, "-c", cfg)
			if !strings.Contains(out, "leak scan: no original value found") {
				t.Fatalf("no clean leak scan:\n%s", out)
			}
		})
	}
}
