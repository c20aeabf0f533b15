package cli

import (
	"context"
	"database/sql"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/internal/demo"
)

// The two-step CI recipe's dbtwin commands, run as written against a local
// PostgreSQL: the snapshot job with production's URL and the secret, then
// the pull-request job with neither (production is made unreachable first).
func TestExampleSnapshotWorkflowCommandsWork(t *testing.T) {
	root := filepath.Join("..", "..", "examples")
	data, err := os.ReadFile(filepath.Join(root, "github-actions-snapshot.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Env   map[string]string `yaml:"env"`
			Steps []struct {
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("examples/github-actions-snapshot.yml is not valid YAML: %v", err)
	}
	commands := func(job string) []string {
		j, ok := wf.Jobs[job]
		if !ok {
			t.Fatalf("the workflow has no job %q", job)
		}
		var out []string
		for _, s := range j.Steps {
			for _, line := range strings.Split(s.Run, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "dbtwin ") {
					out = append(out, strings.TrimSpace(line))
				}
			}
		}
		return out
	}
	if env := wf.Jobs["checks"].Env; env["DBTWIN_SOURCE"] != "" || env["DBTWIN_SECRET"] != "" {
		t.Fatalf("the pull-request job must not get production's URL or the secret: %v", env)
	}
	create, check := commands("snapshot"), commands("checks")
	if len(create) < 1 || len(check) < 2 {
		t.Fatalf("found %d snapshot and %d check commands", len(create), len(check))
	}

	admin := dbtest.PostgresAdminURL(t)
	src := dbtest.Postgres(t)
	db, err := sql.Open("pgx", src)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.BuildDB(context.Background(), db, "postgres", demo.Sizes{Users: 1500, GuestPurchases: 700, Orders: 3000, SharedGuestIDs: 0.35}); err != nil {
		t.Fatal(err)
	}
	var srcName string
	if err := db.QueryRow("SELECT current_database()").Scan(&srcName); err != nil {
		t.Fatal(err)
	}
	db.Close()
	dir := t.TempDir()
	report := filepath.Join(dir, "dbtwin-checks.xml")
	files := strings.NewReplacer("dbtwin.yaml", filepath.Join(root, "dbtwin.yaml"),
		"checks.yaml", filepath.Join(root, "checks-fixed.yaml"), "dbtwin-checks.xml", report,
		"twin.dbtwin", filepath.Join(dir, "twin.dbtwin"))
	runAll := func(lines []string) {
		for _, line := range lines {
			args := shellWords(os.ExpandEnv(files.Replace(line)))[1:]
			code, out, errOut := run(t, args...)
			if code != 0 {
				t.Fatalf("%s: exit %d\n%s\n%s", line, code, out, errOut)
			}
		}
	}
	t.Setenv("DBTWIN_SOURCE", src)
	t.Setenv("DBTWIN_SECRET", "workflow-test-secret-0123456789")
	runAll(create)

	// The pull-request job: no production URL, no secret, production closed.
	t.Setenv("DBTWIN_SOURCE", "")
	t.Setenv("DBTWIN_SECRET", "")
	dbtest.Exec(t, admin, `ALTER DATABASE "`+srcName+`" ALLOW_CONNECTIONS false`)
	t.Cleanup(func() { dbtest.Exec(t, admin, `ALTER DATABASE "`+srcName+`" ALLOW_CONNECTIONS true`) })
	t.Setenv("DBTWIN_TARGET", dbtest.Postgres(t))
	runAll(check)
	raw, err := os.ReadFile(report)
	if err != nil {
		t.Fatalf("the check step wrote no JUnit report: %v", err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
	}
	if err := xml.Unmarshal(raw, &suites); err != nil || suites.Tests == 0 || suites.Failures != 0 {
		t.Fatalf("JUnit report: %+v, %v\n%s", suites, err, raw)
	}
	if !strings.Contains(string(raw), "guests overlap users as in production") {
		t.Fatalf("the fidelity check did not run from the snapshot's baseline:\n%s", raw)
	}
}
