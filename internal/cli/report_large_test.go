package cli

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/internal/browsertest"
	"github.com/dbtwin/dbtwin/scan"
)

// A generated 400-table database goes through dbtwin scan and dbtwin report
// and opens in headless Chromium: every table and link the scan found is
// drawn, search works. The render time is printed, not asserted.
func TestBrowserGenerated400Tables(t *testing.T) {
	browsertest.Chromium(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "wide.db")
	generateWideSQLite(t, db, 400)
	scanJSON := mustRun(t, "scan", "--source", db, "--format", "json", "--sample", "50")
	var res scan.Result
	if err := json.Unmarshal([]byte(scanJSON), &res); err != nil {
		t.Fatal(err)
	}
	undeclared := 0
	for _, r := range res.Relationships {
		if !r.Declared {
			undeclared++
		}
	}
	if len(res.Tables) != 400 || undeclared == 0 {
		t.Fatalf("the scan saw %d tables and %d undeclared links, want 400 and the planted ones", len(res.Tables), undeclared)
	}
	scanFile := filepath.Join(dir, "scan.json")
	if err := os.WriteFile(scanFile, []byte(scanJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	html := filepath.Join(dir, "wide.html")
	mustRun(t, "report", "-o", html, scanFile)

	p := browsertest.Open(t, html, 1400, 1000)
	painted := browsertest.Eval[float64](t, p, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))`)
	t.Logf("generated database, 400 tables and %d links (%d undeclared): report ready in Chromium %s after navigation started, painted at %.0f ms",
		len(res.Relationships), undeclared, p.Load.Round(1e6), painted)
	got := mapCounts(t, p)
	if got.Nodes != 400 || got.Declared+got.Undeclared != len(res.Relationships) || got.Undeclared != undeclared {
		t.Errorf("drawn %d tables, %d declared and %d undeclared links; the scan reports 400, %d and %d",
			got.Nodes, got.Declared, got.Undeclared, len(res.Relationships)-undeclared, undeclared)
	}
	p.ElementScreenshot(t, "#map-wrap", "report-generated-400-tables")
	if n := searchMatches(t, p, "t_0123"); n != 1 {
		t.Errorf("search t_0123 highlights %d tables, want 1", n)
	}
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// generateWideSQLite writes a database of n tables in groups of 20: in each
// group every table references one of the group's first two tables with a
// declared foreign key, every fifth table holds e-mail addresses, and the
// first table of each group shares codes with the next group's first table
// without declaring it.
func generateWideSQLite(t *testing.T, path string, n int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	b.WriteString("BEGIN;\n")
	name := func(i int) string { return fmt.Sprintf("t_%04d", i) }
	for i := range n {
		base := i - i%20
		cols := "id INTEGER PRIMARY KEY, label TEXT NOT NULL"
		if i != base {
			parent := base + (i % 2)
			if parent == i {
				parent = base
			}
			cols += fmt.Sprintf(", parent_id INTEGER NOT NULL REFERENCES %s(id)", name(parent))
		}
		if i%5 == 0 {
			cols += ", email TEXT"
		}
		if i == base {
			cols += ", shared_code TEXT"
		}
		fmt.Fprintf(&b, "CREATE TABLE %s (%s);\n", name(i), cols)
		// Each table's keys are its own range, as sequences give them.
		key := func(table, r int) int { return table*1000 + r }
		for r := 1; r <= 30; r++ {
			colsIns, vals := "id, label", fmt.Sprintf("%d, 'label %d of %d'", key(i, r), r, i)
			if i != base {
				parent := base + (i % 2)
				if parent == i {
					parent = base
				}
				colsIns += ", parent_id"
				vals += fmt.Sprintf(", %d", key(parent, 1+(r*7)%30))
			}
			if i%5 == 0 {
				colsIns += ", email"
				vals += fmt.Sprintf(", 'person%d.t%d@example.com'", r, i)
			}
			if i == base {
				colsIns += ", shared_code"
				vals += fmt.Sprintf(", 'CODE-%05d'", 1000+r+(i/20)*15)
			}
			fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES (%s);\n", name(i), colsIns, vals)
		}
	}
	b.WriteString("COMMIT;\n")
	if _, err := db.Exec(b.String()); err != nil {
		t.Fatal(err)
	}
}
