package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dbtwin/dbtwin/internal/browsertest"
)

// A generated 400-table schema renders in headless Chromium and stays
// searchable. The render time is printed, not asserted (the machine is
// shared).
func TestBrowserLargeSchema(t *testing.T) {
	res := synthetic(400)
	r := &Report{Title: "400 generated tables", Scan: res}
	path := filepath.Join(t.TempDir(), "large.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.WriteHTML(f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	g := r.buildGraph()

	p := browsertest.Open(t, path, 1400, 1000)
	painted := browsertest.Eval[float64](t, p, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))`)
	script := browsertest.Eval[float64](t, p, `window.dbtwinReport.initMs`)
	t.Logf("400 tables, %d links: ready %s after navigation started (script %.0f ms), first paint after it at %.0f ms since navigation",
		len(g.edges), p.Load.Round(1e6), script, painted)

	p.ElementScreenshot(t, "#map-wrap", "report-400-tables-map")
	searchMS := browsertest.Eval[float64](t, p, `(() => { const s = document.getElementById('search'), t = performance.now();
		s.value = 'table_2'; s.dispatchEvent(new Event('input')); s.value = ''; s.dispatchEvent(new Event('input'));
		return (performance.now() - t) / 2; })()`)
	t.Logf("one search over 400 tables: %.1f ms", searchMS)
	assertCounts(t, p, 400, len(g.edges))
	assertSearch(t, p, "table_123", 1)
	want := 0
	for _, n := range g.nodes {
		if strings.Contains(n.Name, "billing.table_1") {
			want++
		}
	}
	assertSearch(t, p, "billing.table_1", want)
	p.Do(t, chromedp.Click(chromedp.CSS("#collapse")))
	collapsed := browsertest.Eval[int](t, p, `document.querySelectorAll('#clusters .cluster.collapsed').length`)
	if collapsed == 0 {
		t.Error("Collapse unrelated with a search active collapsed no cluster")
	}
	shown := browsertest.Eval[int](t, p, `document.querySelectorAll('#nodes .node:not(.folded):not(.far)').length`)
	t.Logf("Collapse unrelated after searching %q: %d clusters folded, %d tables left on the map", "billing.table_1", collapsed, shown)
	if shown >= 400 || shown < want {
		t.Errorf("Collapse unrelated left %d tables on the map, want the %d matches and their neighbours only", shown, want)
	}
	p.ElementScreenshot(t, "#map-wrap", "report-400-tables-collapsed")
	assertSearch(t, p, "", 0)
	p.Do(t, chromedp.Click(chromedp.CSS("#expand")))
	if n := browsertest.Eval[int](t, p, `document.querySelectorAll('#nodes .node.folded, #nodes .node.far').length`); n != 0 {
		t.Errorf("Expand all left %d tables hidden", n)
	}
	setValue(t, p, "#schema", "billing", "change")
	visible := browsertest.Eval[int](t, p, `document.querySelectorAll('#nodes .node:not(.hidden)').length`)
	if visible != 100 {
		t.Errorf("schema filter billing: %d tables visible, want 100", visible)
	}
	// Clicking a table opens its details and focuses on its neighbours.
	name := browsertest.Eval[string](t, p, `(() => { const n = document.querySelector('#nodes .node:not(.hidden)');
		n.dispatchEvent(new MouseEvent('click', {bubbles: true})); return n.dataset.name; })()`)
	details := browsertest.Eval[string](t, p, `document.getElementById('details').hidden ? '' : document.getElementById('details').textContent`)
	if !strings.Contains(details, name) {
		t.Errorf("clicking %s shows details %q", name, details)
	}
	p.Screenshot(t, "report-400-tables")
	if errs := p.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
}

// assertCounts checks the number of tables and links drawn.
func assertCounts(t *testing.T, p *browsertest.Page, nodes, edges int) {
	t.Helper()
	got := browsertest.Eval[struct{ Nodes, Edges int }](t, p, `({Nodes: document.querySelectorAll('#nodes .node').length, Edges: document.querySelectorAll('#edges .edge').length})`)
	if got.Nodes != nodes || got.Edges != edges {
		t.Errorf("drawn %d tables and %d links, want %d and %d", got.Nodes, got.Edges, nodes, edges)
	}
}

// assertSearch types q into the search box and checks the matches.
func assertSearch(t *testing.T, p *browsertest.Page, q string, want int) {
	t.Helper()
	setValue(t, p, "#search", q, "input")
	got := browsertest.Eval[int](t, p, `document.querySelectorAll('#nodes .node.match').length`)
	if got != want {
		t.Errorf("search %q: %d tables highlighted, want %d", q, got, want)
	}
}

// setValue sets a form field's value as a person would and fires the event
// the page listens to.
func setValue(t *testing.T, p *browsertest.Page, sel, value, event string) {
	t.Helper()
	browsertest.Eval[bool](t, p, fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; return e.dispatchEvent(new Event(%q)); })()`, sel, value, event))
}
