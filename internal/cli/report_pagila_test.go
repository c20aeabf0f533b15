package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/browsertest"
	"github.com/dbtwin/dbtwin/internal/dbtest"
	"github.com/dbtwin/dbtwin/scan"
)

const pagilaChecks = `version: 1
checks:
  - name: customer emails are unique
    unique: {table: customer, columns: [email]}
  - name: rentals point at customers
    references: {from: "rental(customer_id)", to: "customer(customer_id)"}
  - name: customers overlap rentals as in production
    overlap: {a: "customer(customer_id)", b: "rental(customer_id)", tolerance: 0.5}
`

// Pagila along the README's path (scan, init, plan, a masked subset clone,
// verify, check), combined by dbtwin report and opened in headless
// Chromium: every table and link drawn, store.manager_staff_id → staff (a
// link Pagila does not declare) drawn apart from the declared keys, search
// and filters work, and no value of the source is in the page.
func TestBrowserPagilaReport(t *testing.T) {
	browsertest.Chromium(t)
	t.Setenv("DBTWIN_SECRET", testSecret)
	src, dst := dbtest.LoadPostgresFixture(t, "pagila"), dbtest.Postgres(t)
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	scanJSON := mustRun(t, "scan", "--source", src, "--format", "json")
	cfg := filepath.Join(dir, "dbtwin.yaml")
	mustRun(t, "init", "--source", src, "-o", cfg)
	text, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	file("dbtwin.yaml", string(text)+"\nsubset:\n  roots:\n    - {table: customer, percent: 20}\n")
	files := []string{
		file("scan.json", scanJSON),
		file("plan.json", mustRun(t, "plan", "--source", src, "-c", cfg, "--format", "json")),
		file("clone.json", mustRun(t, "clone", "--source", src, "--target", dst, "-c", cfg, "--json")),
		file("verify.json", mustRun(t, "verify", "--source", src, "--target", dst, "-c", cfg, "--format", "json")),
	}
	checksJSON := filepath.Join(dir, "checks.json")
	if code, out, errOut := run(t, "check", "--db", dst, file("checks.yaml", pagilaChecks), "--baseline", src, "--format", "json", "-o", checksJSON); code > 1 {
		t.Fatalf("check: exit %d\n%s\n%s", code, out, errOut)
	}
	html := filepath.Join(dir, "pagila.html")
	out := mustRun(t, append([]string{"report", "-o", html, "-c", cfg, "--title", "Pagila", checksJSON}, files...)...)
	if !strings.Contains(out, "wrote "+html) {
		t.Errorf("report printed %q", out)
	}

	var res scan.Result
	if err := json.Unmarshal([]byte(scanJSON), &res); err != nil {
		t.Fatal(err)
	}
	// Tables: the scan's, and the partitions it reads through their parent,
	// which the clone copies.
	tables := map[string]bool{}
	for _, tb := range res.Tables {
		tables[tb.Table] = true
	}
	var clone CloneJSON
	cloneJSON, err := os.ReadFile(files[2])
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(cloneJSON, &clone); err != nil {
		t.Fatal(err)
	}
	for _, tb := range clone.Tables {
		tables[tb.Table] = true
	}
	var declared, undeclared int
	found := false
	for _, r := range res.Relationships {
		if r.Declared {
			declared++
			continue
		}
		undeclared++
		if r.From.Table == "public.store" && strings.Join(r.From.Columns, ",") == "manager_staff_id" && r.To.Table == "public.staff" {
			found = true
		}
	}
	if !found {
		t.Fatalf("the scan did not report store.manager_staff_id → staff: the report test needs it")
	}
	p := browsertest.Open(t, html, 1400, 1000)
	got := mapCounts(t, p)
	if got.Nodes != len(tables) || got.Declared != declared || got.Undeclared != undeclared {
		t.Errorf("drawn %d tables, %d declared and %d undeclared links; the scan and clone report %d, %d and %d",
			got.Nodes, got.Declared, got.Undeclared, len(tables), declared, undeclared)
	}
	kind := browsertest.Eval[string](t, p, `(() => {
		const id = name => document.querySelector('#nodes .node[data-name="' + name + '"]').dataset.id;
		const e = document.querySelector('#edges .edge[data-from="' + id('public.store') + '"][data-to="' + id('public.staff') + '"]');
		return e ? e.dataset.kind : 'missing'; })()`)
	if kind != "key" {
		t.Errorf("store.manager_staff_id → staff is drawn as %q, want an undeclared key link", kind)
	}
	if n := searchMatches(t, p, "payment_p2022"); n != 7 && n != 6 {
		t.Errorf("search payment_p2022 highlights %d tables, want the payment partitions", n)
	}
	if n := searchMatches(t, p, "email"); n < 2 {
		t.Errorf("search email (a column) highlights %d tables, want customer and staff at least", n)
	}
	searchMatches(t, p, "")
	setField(t, p, "#only-pii", "checked", "change")
	if n := browsertest.Eval[int](t, p, `document.querySelectorAll('#nodes .node:not(.hidden)').length`); n != got.PII || n == 0 {
		t.Errorf("filter 'only personal data' shows %d tables, want the %d with personal data", n, got.PII)
	}
	setField(t, p, "#only-pii", "", "change")
	sections := browsertest.Eval[int](t, p, `document.querySelectorAll('#pii, #twin, #proofs').length`)
	if sections != 3 {
		t.Errorf("%d of the personal data, subset and proofs sections shown, want 3", sections)
	}
	p.Screenshot(t, "report-pagila")
	p.ElementScreenshot(t, "#map-wrap", "report-pagila-map")
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	assertNoSourceValues(t, html, src)
}
