package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/dbtest"
)

// dbtwin report: --source alone scans first; mistakes are usage errors
// (exit 2) that say what to pass.
func TestReportCommand(t *testing.T) {
	src := dbtest.SQLiteFixture(t, "chinook")
	dir := t.TempDir()
	out := filepath.Join(dir, "map.html")
	stdout := mustRun(t, "report", "-o", out, "--source", src)
	if !strings.Contains(stdout, "wrote "+out) || !strings.Contains(stdout, "11 tables") {
		t.Errorf("report printed %q", stdout)
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(page), `<g class="node`); n != 11 {
		t.Errorf("%d tables drawn, want Chinook's 11", n)
	}
	// snapshot create --json prints a clone summary (on standard output
	// when the snapshot goes to a file): the report takes it.
	snapJSON := filepath.Join(dir, "snapshot.json")
	summary := mustRun(t, "snapshot", "create", "--source", src, "--strict=false", "-o", filepath.Join(dir, "twin.snap"), "--json")
	if err := os.WriteFile(snapJSON, []byte(summary), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout = mustRun(t, "report", "-o", out, "--source", src, snapJSON)
	if !strings.Contains(stdout, "clone") {
		t.Errorf("report of a snapshot summary printed %q", stdout)
	}
	if page, err = os.ReadFile(out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `id="twin"`) {
		t.Error("the snapshot's tables are not on the page")
	}
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"hello": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--source", src}, "-o FILE.html is required"},
		{[]string{"report", "-o", out}, "nothing to report"},
		{[]string{"report", "-o", out, bad}, "bad.json: not a document dbtwin's report knows"},
		{[]string{"report", "-o", out, filepath.Join(dir, "missing.json")}, "missing.json"},
	} {
		code, _, errOut := run(t, c.args...)
		if code != ExitError || !strings.Contains(errOut, c.want) {
			t.Errorf("dbtwin %s: exit %d, %q; want exit 2 and %q", strings.Join(c.args, " "), code, errOut, c.want)
		}
	}
}
