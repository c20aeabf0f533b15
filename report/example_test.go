package report_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dbtwin/dbtwin/report"
)

// Combine the JSON outputs of dbtwin's commands into one HTML page.
func ExampleReport_WriteHTML() {
	scanJSON := []byte(`{"version": 1, "engine": "sqlite",
	 "pii": [{"table": "users", "column": "email", "category": "email", "confidence": 0.99, "level": "high"}],
	 "relationships": [
	   {"from": {"table": "orders", "columns": ["user_id"]}, "to": {"table": "users", "columns": ["id"]}, "declared": true, "kind": "fk"},
	   {"from": {"table": "guest_purchases", "columns": ["national_id"]}, "to": {"table": "users", "columns": ["national_id"]},
	    "declared": false, "kind": "value", "confidence": 0.99, "level": "high", "evidence": ["35% of sampled values found"]}],
	 "tables": [{"table": "users", "rows": 1000}, {"table": "orders", "rows": 5000}, {"table": "guest_purchases", "rows": 500}],
	 "stats": {"tables": 3, "rows": 6500, "queries": 9}}`)
	r := &report.Report{Title: "my twin"}
	kind, err := r.Add("scan.json", scanJSON)
	if err != nil {
		fmt.Println(err)
		return
	}
	dir, _ := os.MkdirTemp("", "report")
	defer os.RemoveAll(dir)
	f, _ := os.Create(filepath.Join(dir, "report.html"))
	defer f.Close()
	if err := r.WriteHTML(f); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("added", kind, "output; wrote report.html")
	// Output: added scan output; wrote report.html
}
