package cli

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/check"
	"github.com/dbtwin/dbtwin/internal/browsertest"
)

// The demo's report opens in headless Chromium without console errors,
// draws every table and link of the demo's production database, shows the
// undeclared guest_purchases ~ users link apart from the declared keys, and
// its search and filters work.
func TestBrowserDemoReport(t *testing.T) {
	browsertest.Chromium(t)
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	e := &env{ctx: context.Background(), stdout: &out, stderr: &errOut}
	facts, err := runDemo(e, &demoOptions{dir: dir, users: 2000})
	if err != nil {
		t.Fatalf("demo failed: %v\n%s\n%s", err, out.String(), errOut.String())
	}
	if facts.ReportPath == "" || !strings.Contains(out.String(), facts.ReportPath) {
		t.Fatalf("the demo did not print its report's path:\n%s", out.String())
	}
	tables, fks := sqliteTablesAndFKs(t, dir+"/production.db")

	p := browsertest.Open(t, facts.ReportPath, 1300, 1000)
	got := mapCounts(t, p)
	// The demo declares only real foreign keys; the scan adds the guest link.
	if got.Nodes != tables || got.Declared != fks || got.Undeclared < 1 {
		t.Errorf("drawn %d tables, %d declared and %d undeclared links; production has %d tables, %d foreign keys and the undeclared guest link",
			got.Nodes, got.Declared, got.Undeclared, tables, fks)
	}
	guest := browsertest.Eval[string](t, p, `(() => {
		const n = {}; document.querySelectorAll('#nodes .node').forEach(e => n[e.dataset.id] = e.dataset.name);
		const e = [...document.querySelectorAll('#edges .edge')].find(e =>
			[n[e.dataset.from], n[e.dataset.to]].sort().join(' ') === 'guest_purchases users');
		return e ? e.dataset.kind : 'missing'; })()`)
	if guest != "value" && guest != "key" {
		t.Errorf("guest_purchases ~ users is drawn as %q, want an undeclared (value or key) link", guest)
	}
	stroke := browsertest.Eval[[]string](t, p, `['declared', '`+guest+`'].map(k => getComputedStyle(document.querySelector('#edges .edge.' + k + ' .line')).strokeDasharray)`)
	if stroke[0] == stroke[1] {
		t.Errorf("declared and undeclared links are drawn alike (dash %q)", stroke[0])
	}
	// Hovering the undeclared link shows its confidence and the scan's evidence.
	tip := browsertest.Eval[string](t, p, `(() => {
		const e = document.querySelector('#edges .edge.`+guest+` .hit');
		e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true, clientX: 300, clientY: 300}));
		const tip = document.getElementById('tip');
		return tip.style.display === 'block' ? tip.textContent : ''; })()`)
	if !strings.Contains(tip, "confidence") || !strings.Contains(tip, "evidence") || !strings.Contains(tip, "national_id") {
		t.Errorf("hovering the guest link shows %q, want its columns, confidence and evidence", tip)
	}
	if n := searchMatches(t, p, "guest"); n != 1 {
		t.Errorf("search guest highlights %d tables, want 1", n)
	}
	searchMatches(t, p, "")
	setField(t, p, "#only-pii", "checked", "change")
	if n := browsertest.Eval[int](t, p, `document.querySelectorAll('#nodes .node:not(.hidden)').length`); n != got.PII {
		t.Errorf("filter 'only personal data' shows %d tables, want the %d with personal data", n, got.PII)
	}
	setField(t, p, "#only-pii", "", "change")
	p.Screenshot(t, "report-demo")
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	assertNoSourceValues(t, facts.ReportPath, "sqlite:"+dir+"/production.db")
}

type drawnCounts struct{ Nodes, Declared, Undeclared, PII int }

func mapCounts(t *testing.T, p *browsertest.Page) drawnCounts {
	t.Helper()
	return browsertest.Eval[drawnCounts](t, p, `({
		Nodes: document.querySelectorAll('#nodes .node').length,
		Declared: document.querySelectorAll('#edges .edge.declared').length,
		Undeclared: document.querySelectorAll('#edges .edge.key, #edges .edge.value').length,
		PII: document.querySelectorAll('#nodes .node.pii').length})`)
}

// searchMatches types q into the map's search box and returns the number of
// tables highlighted.
func searchMatches(t *testing.T, p *browsertest.Page, q string) int {
	t.Helper()
	setField(t, p, "#search", q, "input")
	return browsertest.Eval[int](t, p, `document.querySelectorAll('#nodes .node.match').length`)
}

// setField sets an input's value (or, for a checkbox, checks it when value
// is not empty) and fires the event the page listens to.
func setField(t *testing.T, p *browsertest.Page, sel, value, event string) {
	t.Helper()
	browsertest.Eval[bool](t, p, fmt.Sprintf(`(() => { const e = document.querySelector(%q);
		if (e.type === 'checkbox') { e.checked = %q !== ''; } else { e.value = %q; }
		return e.dispatchEvent(new Event(%q)); })()`, sel, value, value, event))
}

func sqliteTablesAndFKs(t *testing.T, path string) (tables, fks int) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(DISTINCT m.name || '.' || f.id) FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'`).Scan(&fks); err != nil {
		t.Fatal(err)
	}
	return tables, fks
}

// assertNoSourceValues greps the report for every distinct value of the
// source's text and JSON columns that could identify someone (at least 5
// characters, in a column of more than 32 distinct values): none may
// appear.
func assertNoSourceValues(t *testing.T, reportPath, sourceURL string) {
	t.Helper()
	page, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	values := sourceTextValues(t, sourceURL)
	if len(values) < 100 {
		t.Fatalf("only %d source values to look for: the test would prove nothing", len(values))
	}
	found := 0
	for v := range values {
		if containsToken(html, v) {
			found++
			if found <= 5 {
				t.Errorf("the report holds a value of the source database (%d characters)", len(v))
			}
		}
	}
	if found > 0 {
		t.Errorf("%d source values in the report", found)
	}
	t.Logf("looked for %d distinct source values in the report: none found", len(values))
}

// containsToken reports whether v stands in s as a token of its own: not
// inside a longer word (the first name "Fidel" is not in "Fidelity").
func containsToken(s, v string) bool {
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i := 0; ; {
		j := strings.Index(s[i:], v)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(v)
		before, _ := utf8.DecodeLastRuneInString(s[:start])
		after, _ := utf8.DecodeRuneInString(s[end:])
		first, _ := utf8.DecodeRuneInString(v)
		last, _ := utf8.DecodeLastRuneInString(v)
		if (start == 0 || !word(before) || !word(first)) && (end == len(s) || !word(after) || !word(last)) {
			return true
		}
		i = start + 1
	}
}

// sourceTextValues returns the distinct values of every text and JSON
// column of the source that have at least 5 characters.
func sourceTextValues(t *testing.T, sourceURL string) map[string]bool {
	t.Helper()
	ctx := context.Background()
	src, snap, err := openSnapshot(ctx, sourceURL, 0)
	if err != nil {
		t.Fatal(err)
	}
	schema := snap.Schema()
	snap.Close()
	src.Close()
	db, dialect, err := check.Open(ctx, sourceURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	quote := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	values := map[string]bool{}
	for _, tb := range schema.Tables {
		name := quote(tb.Name)
		if tb.Schema != "" && dialect == "postgres" {
			name = quote(tb.Schema) + "." + name
		}
		for _, c := range tb.Columns {
			if c.Kind != dbtwin.KindText && c.Kind != dbtwin.KindJSON {
				continue
			}
			rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT DISTINCT CAST(%s AS TEXT) FROM %s WHERE %s IS NOT NULL`, quote(c.Name), name, quote(c.Name)))
			if err != nil {
				t.Fatalf("read %s.%s: %v", tb.Name, c.Name, err)
			}
			var col []string
			for rows.Next() {
				var v string
				if err := rows.Scan(&v); err != nil {
					t.Fatal(err)
				}
				if len([]rune(v)) >= 5 {
					col = append(col, v)
				}
			}
			rows.Close()
			// Columns of a few repeated values (statuses, list names: "events")
			// identify nobody, as in the leak scan's low-cardinality rule.
			if len(col) > 32 {
				for _, v := range col {
					values[v] = true
				}
			}
		}
	}
	return values
}

func TestContainsToken(t *testing.T) {
	for _, c := range []struct {
		s, v string
		want bool
	}{
		{"<h3>Fidelity</h3>", "Fidel", false},
		{"<td>Fidel</td>", "Fidel", true},
		{"jane.roe@example.org", "jane.roe@example.org", true},
		{"x jane.roe@example.org y", "roe@example.org", true}, // a dot is no word: flagged, the safe side
		{"Fidelity Fidel", "Fidel", true},
	} {
		if got := containsToken(c.s, c.v); got != c.want {
			t.Errorf("containsToken(%q, %q) = %v", c.s, c.v, got)
		}
	}
}
