package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/clone"
	"github.com/dbtwin/dbtwin/fidelity"
)

// A clone whose fidelity report flags a collapsed column draws it on the
// page (bars, the measure outside tolerance, the relation), with no value.
func TestFidelityOnThePage(t *testing.T) {
	c := fidelity.NewCollector()
	c.Table("public.users", []string{"id", "last_name"}, []string{"last_name"}, map[string]string{"last_name": "last_name"})
	c.Table("public.orders", []string{"id", "user_id"}, nil, nil)
	c.Relation(dbtwin.Relation{FromTable: "public.orders", FromColumns: []string{"user_id"}, ToTable: "public.users", ToColumns: []string{"id"}, Declared: true, Kind: "fk"})
	for _, side := range []fidelity.Side{fidelity.Production, fidelity.Twin} {
		u, o := c.Tap("public.users", side), c.Tap("public.orders", side)
		for i := range 2000 {
			name := fmt.Sprintf("Souza %05x", i)
			if side == fidelity.Twin {
				name = fmt.Sprintf("Peters%d", i%40)
			}
			u.Add(dbtwin.Row{[]byte(fmt.Sprint(i)), []byte(name)})
			o.Add(dbtwin.Row{[]byte(fmt.Sprint(i)), []byte(fmt.Sprint(i / 2))})
		}
		u.Close()
		o.Close()
	}
	sum := clone.Summary{Version: 1, OK: true, Verified: true, Tables: []clone.SummaryTable{{Table: "public.users", SourceRows: 2000, Rows: 2000}},
		Fidelity: c.Report(fidelity.DefaultTolerances())}
	data, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	r := &Report{}
	if kind, err := r.Add("clone.json", data); err != nil || kind != KindClone {
		t.Fatalf("Add = %q, %v", kind, err)
	}
	var out bytes.Buffer
	if err := r.WriteHTML(&out); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	for _, want := range []string{"Fidelity: the twin", "1 outside tolerance", "public.users.last_name",
		"outside tolerance: distinct ratio", "public.orders(user_id) → public.users(id)", "2/2/2 → 2/2/2"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(page, "Souza") || strings.Contains(page, "Peters") {
		t.Error("a value reached the page")
	}
}
