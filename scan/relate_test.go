package scan

import (
	"testing"

	"github.com/dbtwin/dbtwin"
)

// key builds a keyCol on a table; pk marks the table's single primary key.
func key(table, column string, pk bool) *keyCol {
	t := &dbtwin.Table{Schema: "public", Name: table, Columns: []*dbtwin.Column{{Name: column, Kind: dbtwin.KindInt}}}
	if pk {
		t.PrimaryKey = &dbtwin.Key{Columns: []string{column}, Primary: true}
	}
	ts := &tableSample{t: t, full: true}
	return &keyCol{ts: ts, col: t.Columns[0], family: "int", vals: map[string]struct{}{}, unique: pk, selfKey: pk,
		colStems: stems(column), tblStems: stems(table)}
}

func TestNameSim(t *testing.T) {
	cases := []struct {
		child, ctable  string
		parent, ptable string
		min, max       float64
	}{
		{"customer_id", "invoice", "customer_id", "customer", 1, 1},
		{"CustomerID", "Orders", "CustomerID", "Customers", 1, 1},
		{"customer_id", "orders", "id", "customers", 0.95, 0.95},
		{"country_code", "city", "code", "country", 0.95, 0.95},
		{"manager_staff_id", "store", "staff_id", "staff", 0.9, 0.9},
		{"original_language_id", "film", "language_id", "language", 0.9, 0.9},
		{"support_rep_id", "customer", "employee_id", "employee", 0.6, 0.7},
		{"ship_via", "orders", "shipper_id", "shippers", 0.55, 0.65},
		{"code2", "country", "code2", "country_flag", 0.9, 0.9},
		{"invoice_line_id", "invoice_line", "invoice_id", "invoice", 0, 0},
		{"quantity", "order_details", "product_id", "products", 0, 0},
		{"id", "orders", "id", "customers", 0, 0},
	}
	for _, c := range cases {
		child := key(c.ctable, c.child, false)
		parent := key(c.ptable, c.parent, true)
		got, why := nameSim(child, parent)
		if got < c.min || got > c.max {
			t.Errorf("nameSim(%s.%s -> %s.%s) = %.2f (%s), want %.2f..%.2f", c.ctable, c.child, c.ptable, c.parent, got, why, c.min, c.max)
		}
	}
	// Self references by role.
	emp := key("employee", "employee_id", true)
	rep := &keyCol{ts: emp.ts, col: &dbtwin.Column{Name: "reports_to", Kind: dbtwin.KindInt}, family: "int",
		colStems: stems("reports_to"), tblStems: stems("employee")}
	if got, _ := nameSim(rep, emp); got < 0.7 {
		t.Errorf("reports_to -> employee_id = %.2f, want >= 0.7", got)
	}
}

func TestScoreFK(t *testing.T) {
	strong := fkFacts{sim: 1, simWhy: "same name", tested: 200, found: 200, coverage: 1, how: "probe",
		childNonNull: 1000, parentUnique: true, parentRows: 5000, spanP: 1}
	if conf, ok, ev := scoreFK(strong); !ok || conf < 0.9 || len(ev) == 0 {
		t.Errorf("strong named fk: %.2f %v %v", conf, ok, ev)
	}
	low := strong
	low.coverage, low.found = 0.4, 80
	if _, ok, _ := scoreFK(low); ok {
		t.Errorf("40%% coverage accepted as a foreign key")
	}
	// A status column (values 1, 2, 3) inside an ID range: rejected without a name.
	status := fkFacts{sim: 0.6, tested: 3, found: 3, coverage: 1, how: "probe", childNonNull: 900,
		parentUnique: true, parentRows: 10000, clustered: true, spanP: 1}
	if _, ok, _ := scoreFK(status); ok {
		t.Errorf("clustered status codes accepted")
	}
	// Data only: needs many values spread over the range.
	pure := fkFacts{tested: 232, found: 232, coverage: 1, how: "probe", childNonNull: 239, parentUnique: true,
		parentRows: 4079, pure: true, spanP: 0.9}
	if conf, ok, _ := scoreFK(pure); !ok || conf < 0.5 || conf >= 0.8 {
		t.Errorf("pure value fk: %.2f %v, want medium", conf, ok)
	}
	narrow := pure
	narrow.spanP = spanProbability(140, 0.14)
	if _, ok, _ := scoreFK(narrow); ok {
		t.Errorf("film.length-like column (narrow span) accepted")
	}
	empty := fkFacts{sim: 1, simWhy: "same name", parentUnique: true}
	if conf, ok, _ := scoreFK(empty); !ok || levelOf(conf) != LevelMedium {
		t.Errorf("empty child with exact name: %.2f %v, want medium", conf, ok)
	}
	if _, ok, _ := scoreFK(fkFacts{sim: 0.6, parentUnique: true}); ok {
		t.Errorf("empty child with a weak name accepted")
	}
}

func TestSpanProbability(t *testing.T) {
	if p := spanProbability(140, 0.7); p > 1e-10 {
		t.Errorf("140 values spanning 70%%: p=%g, want ~0", p)
	}
	if p := spanProbability(3, 0.29); p < 0.1 {
		t.Errorf("3 values spanning 29%%: p=%g, want plausible", p)
	}
	if p := spanProbability(200, 0.99); p < 0.3 {
		t.Errorf("200 values spanning 99%%: p=%g, want plausible", p)
	}
}

func TestScoreValue(t *testing.T) {
	conf, ok := scoreValue(valueFacts{sameCategory: CatNationalID, common: 120, ab: 0.4, ba: 0.15})
	if !ok || levelOf(conf) != LevelHigh {
		t.Errorf("shared national IDs: %.2f %v, want high", conf, ok)
	}
	if _, ok := scoreValue(valueFacts{sameName: true, common: 2, ab: 0.01, ba: 0.01}); ok {
		t.Errorf("two coincidences accepted")
	}
}
