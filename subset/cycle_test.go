package subset

import (
	"strings"
	"testing"

	"github.com/dbtwin/dbtwin/config"
)

// Issue 14, item 12: a percent root reached back through child relations
// (departments -> employees -> departments they head; a manager tree)
// brought in the whole table, then every child table in full. A percent
// subset now stays roughly proportional: rows reached through a relation
// inside a cycle are expanded only along relations leaving the cycle.
func TestPercentRootStaysProportionalThroughCycles(t *testing.T) {
	url := sqliteFrom(t, "org")
	for _, root := range []string{"department", "employee"} {
		o := deterministic(t, url, nil, &config.Subset{Roots: []config.Root{{Table: root, Percent: 10}}})
		o.logResults(t)
		// Departments are not bounded: each head works in the next
		// department, so closure under parents rightly takes them all.
		for table, limit := range map[string]float64{"employee": 0.30, "timesheet": 0.30} {
			if got := float64(o.count(table)) / float64(o.source[table]); got > limit {
				t.Errorf("root %s 10%%: %s has %.0f%% of its rows (%d of %d), more than %.0f%%",
					root, table, 100*got, o.count(table), o.source[table], 100*limit)
			}
		}
		if o.count("timesheet") == 0 || o.count("employee") < 500 {
			t.Errorf("root %s: too little selected: %d employees, %d timesheets", root, o.count("employee"), o.count("timesheet"))
		}
		// The result says which relation brought how many rows.
		var hows []string
		for _, r := range o.result("employee").Reached {
			hows = append(hows, r.How)
		}
		if !strings.Contains(strings.Join(hows, "|"), "via") {
			t.Errorf("employee reached: %v", hows)
		}
	}
	// A chosen root (where) still follows its cycle to any depth: the
	// whole tree under one manager.
	o := deterministic(t, url, nil, &config.Subset{Roots: []config.Root{{Table: "employee", Where: "id = 1"}},
		Tables: []config.TableSubset{{Table: "timesheet", Exclude: true}}})
	if n := o.count("employee"); n < 50 {
		t.Errorf("where root: %d employees, want at least the 50 of department 1", n)
	}
}
