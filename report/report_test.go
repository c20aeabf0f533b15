package report

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dbtwin/dbtwin/check"
	"github.com/dbtwin/dbtwin/scan"
	"github.com/dbtwin/dbtwin/verify"
)

func TestLayoutOf400Tables(t *testing.T) {
	r := &Report{Scan: synthetic(400)}
	start := time.Now()
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	t.Logf("400 tables: %d bytes of HTML in %s", buf.Len(), time.Since(start))
	if p := os.Getenv("DBTWIN_REPORT_OUT"); p != "" {
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(buf.String(), `<g class="node`); n != 400 {
		t.Errorf("%d tables drawn, want 400", n)
	}
	g := r.buildGraph()
	layout(g)
	// No two tables (with their labels) overlap.
	overlaps := 0
	for i, a := range g.nodes {
		ahw, at, ab := box(a)
		for _, b := range g.nodes[i+1:] {
			bhw, bt, bb := box(b)
			if ahw+bhw-nodePad > abs(a.x-b.x) && min(a.y+ab, b.y+bb)-max(a.y-at, b.y-bt) > nodePad {
				overlaps++
			}
		}
	}
	if overlaps > 0 {
		t.Errorf("%d pairs of tables overlap", overlaps)
	}
	// The same input gives the same picture.
	var again bytes.Buffer
	r.Generated = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	buf.Reset()
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteHTML(&again); err != nil {
		t.Fatal(err)
	}
	if buf.String() != again.String() {
		t.Error("two reports of the same input differ")
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// Every command's JSON output is recognised; check examples reach the page
// only redacted, whatever the check printed.
func TestAddEachOutput(t *testing.T) {
	r := &Report{}
	add := func(want string, write func(*bytes.Buffer) error) {
		t.Helper()
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		kind, err := r.Add(want+".json", b.Bytes())
		if err != nil || kind != want {
			t.Fatalf("Add(%s output) = %q, %v", want, kind, err)
		}
	}
	add(KindScan, func(b *bytes.Buffer) error { return scan.WriteJSON(b, synthetic(20)) })
	add(KindVerify, func(b *bytes.Buffer) error {
		return (&verify.Report{SourceColumns: []string{"public.users.email"},
			Findings: []verify.Leak{{Table: "public.users", Column: "notes", Cells: 3, Sources: []string{"public.users.email"}}}}).WriteJSON(b)
	})
	add(KindCheck, func(b *bytes.Buffer) error {
		return check.WriteJSON(b, &check.Report{File: "checks.yaml", Results: []*check.Result{{
			Name: "each recipient once", Kind: "unique", Status: check.StatusFail, Message: "12 rows for 6 distinct emails, ×2.0",
			Observed: map[string]any{"fanout": 2.0}, Examples: []check.Example{{Value: "jane.roe@example.org", Count: 2}, {Value: "J***@***.org", Count: 2}}}}})
	})
	add(KindClone, func(b *bytes.Buffer) error {
		_, err := b.WriteString(`{"version":1,"source":"postgres://u:xxxxx@h/app","target":"twin.db","ok":true,"verified":true,"verification":[],
			"tables":[{"table":"public.table_000","source_rows":100,"rows":10,"reached":"root (percent 10)","masked_columns":["email"]}],
			"phases_ms":{"data":12,"schema":3},"totals":{"rows":10}}`)
		return err
	})
	add(KindPlan, func(b *bytes.Buffer) error {
		_, err := b.WriteString(`{"version":1,"source":"x","tables":[{"table":"public.table_000","rule":"root","how":"root","source_rows":100,"estimated_rows":10}],"masked_columns":{},"unmasked_personal_columns":["public.table_007.phone"]}`)
		return err
	})
	if _, err := r.Add("x.json", []byte(`{"something":"else"}`)); err == nil {
		t.Error("an unknown document was accepted")
	}
	if _, err := r.Add("x.json", []byte(`not json`)); err == nil {
		t.Error("a non-JSON file was accepted")
	}
	var out bytes.Buffer
	if err := r.WriteHTML(&out); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	for _, want := range []string{"LEAK", "public.users", "notes", "×2.0", "j***", "J***@***.org ×2", "root (percent 10)", "Phase timings", "1 column(s) look personal and have no rule", "public.table_007.phone"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "jane.roe") || strings.Contains(page, "example.org") {
		t.Error("an unredacted check example reached the page")
	}
	if strings.Contains(page, "http://") && !strings.Contains(page, `xmlns="http://www.w3.org/2000/svg"`) || strings.Contains(page, "https://") {
		t.Error("the page refers to something on the network")
	}
}

// A scan reporting tens of thousands of candidate links gives a usable page:
// the most confident undeclared links are drawn and the page says how many
// are not.
func TestManyUndeclaredLinks(t *testing.T) {
	res := synthetic(100)
	for i := range 3000 {
		res.Relationships = append(res.Relationships, scan.Relationship{
			From: scan.Endpoint{Table: res.Tables[i%100].Table, Columns: []string{"c" + itoa(i)}},
			To:   scan.Endpoint{Table: res.Tables[(i*7+1)%100].Table, Columns: []string{"id"}},
			Kind: "fk", Confidence: 0.5 + float64(i%50)/100, Level: "medium"})
	}
	r := &Report{Scan: res}
	g := r.buildGraph()
	undeclared, low := 0, 1.0
	for _, e := range g.edges {
		if e.Kind != EdgeDeclared {
			undeclared++
			low = min(low, e.Confidence)
		}
	}
	if undeclared != maxUndeclaredDrawn || g.notDrawn == 0 || low < 0.6 {
		t.Errorf("%d undeclared links drawn (lowest confidence %.2f), %d left out; want %d, the most confident", undeclared, low, g.notDrawn, maxUndeclaredDrawn)
	}
	for i, e := range g.edges {
		if e.ID != i {
			t.Fatalf("edge %d has id %d", i, e.ID)
		}
	}
	var buf bytes.Buffer
	if err := r.WriteHTML(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "further undeclared link(s) of lower confidence are not drawn") {
		t.Error("the page does not say that links were left out")
	}
}
