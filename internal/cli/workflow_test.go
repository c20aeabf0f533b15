package cli

import (
	"context"
	"database/sql"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"go.yaml.in/yaml/v3"

	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/internal/demo"
)

// The example CI workflow's dbtwin commands, run as written against a local
// PostgreSQL "production" holding the demo's data.
func TestExampleWorkflowCommandsWork(t *testing.T) {
	root := filepath.Join("..", "..", "examples")
	data, err := os.ReadFile(filepath.Join(root, "github-actions.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []struct {
				Name string `yaml:"name"`
				Run  string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("examples/github-actions.yml is not valid YAML: %v", err)
	}
	var commands []string
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			for _, line := range strings.Split(s.Run, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "dbtwin ") {
					commands = append(commands, strings.TrimSpace(line))
				}
			}
		}
	}
	if len(commands) < 3 {
		t.Fatalf("found only %d dbtwin commands in the workflow", len(commands))
	}

	src := dbtest.Postgres(t)
	db, err := sql.Open("pgx", src)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.BuildDB(context.Background(), db, "postgres", demo.Sizes{Users: 1500, GuestPurchases: 700, Orders: 3000, SharedGuestIDs: 0.35}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	dst := dbtest.Postgres(t)
	t.Setenv("DBTWIN_SOURCE", src)
	t.Setenv("DBTWIN_TARGET", dst)
	t.Setenv("DBTWIN_SECRET", "workflow-test-secret-0123456789")
	report := filepath.Join(t.TempDir(), "dbtwin-checks.xml")
	files := strings.NewReplacer("dbtwin.yaml", filepath.Join(root, "dbtwin.yaml"),
		"checks.yaml", filepath.Join(root, "checks-fixed.yaml"), "dbtwin-checks.xml", report)
	for _, line := range commands {
		args := shellWords(os.ExpandEnv(files.Replace(line)))[1:]
		code, out, errOut := run(t, args...)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", line, code, out, errOut)
		}
	}
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
}

// shellWords splits a command line on spaces, honouring double quotes.
func shellWords(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote, has := false, false
	for _, r := range s {
		switch {
		case r == '"':
			inQuote, has = !inQuote, true
		case r == ' ' && !inQuote:
			if has {
				out = append(out, cur.String())
				cur.Reset()
				has = false
			}
		default:
			cur.WriteRune(r)
			has = true
		}
	}
	if has {
		out = append(out, cur.String())
	}
	return out
}
