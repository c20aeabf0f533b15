package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/check"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/examples"
)

// The demo tells the two incidents' story with real numbers; its key facts
// are asserted here.
func TestDemoTellsTheStory(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &errOut}
	facts, err := runDemo(e, &demoOptions{dir: dir, users: 4000})
	if err != nil {
		t.Fatalf("demo failed: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	t.Log(out.String())
	if !facts.HiddenLinkFound || facts.HiddenLinkOverlap < 0.2 {
		t.Errorf("the undeclared guest_purchases ~ users link was not found (overlap %.2f)", facts.HiddenLinkOverlap)
	}
	if facts.GuestRowsInTwin == 0 {
		t.Error("guest_purchases is empty in the twin")
	}
	if facts.SharedIDsInTwin == 0 {
		t.Error("no guest purchase shares a national ID with a user in the twin: masking or subsetting lost the overlap")
	}
	share := float64(facts.SharedIDsInTwin) / float64(facts.GuestRowsInTwin)
	if share < 0.2 || share > 0.6 {
		t.Errorf("overlap in the twin %.2f, production has about 0.35", share)
	}
	if facts.SharedIDsInTwin == facts.GuestRowsInTwin {
		t.Error("the twin has no guest-only purchases")
	}
	if facts.LeaksFound != 0 {
		t.Errorf("leak scan found %d leaks", facts.LeaksFound)
	}
	if !facts.NewsletterFailsWithJoin || !strings.Contains(facts.NewsletterFanout, "×") {
		t.Errorf("newsletter safeguard did not fail with a fan-out factor: %q", facts.NewsletterFanout)
	}
	if !facts.NewsletterPassesWhenFixed {
		t.Error("the fixed newsletter query does not pass")
	}
	if facts.SignupLookupHits == 0 {
		t.Error("the twin has no guest without an account to replay the sign-up bug")
	}
	for _, f := range []string{"production.db", "twin.db", "dbtwin.yaml", "checks.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("demo did not leave %s: %v", f, err)
		}
	}
	// No original personal value in the demo's output.
	if strings.Contains(out.String(), "@gmail.com") {
		t.Error("the demo printed an original email address")
	}
}

// The demo's files are what examples/ shows, and they parse.
func TestExampleFilesParse(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &out}
	if _, err := runDemo(e, &demoOptions{dir: dir, users: 1000}); err != nil {
		t.Fatal(err)
	}
	written, err := os.ReadFile(filepath.Join(dir, "checks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(written, examples.Checks) {
		t.Error("the demo's checks.yaml differs from examples/checks.yaml")
	}
	root := filepath.Join("..", "..", "examples")
	for _, f := range []string{"checks.yaml", "checks-fixed.yaml"} {
		if _, err := check.Load(filepath.Join(root, f)); err != nil {
			t.Errorf("examples/%s: %v", f, err)
		}
	}
	if _, err := config.Load(filepath.Join(root, "dbtwin.yaml")); err != nil {
		t.Errorf("examples/dbtwin.yaml: %v", err)
	}
}
