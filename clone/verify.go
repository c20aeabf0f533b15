package clone

import (
	"context"
	"fmt"
	"sort"

	"github.com/dbtwin/dbtwin"
)

// verifyTarget checks the loaded target: every table's row count equals what was
// written (and what was read, for full copies), constraints and indexes are
// valid, and no foreign key dangles.
func verifyTarget(ctx context.Context, dst dbtwin.Target, schema *dbtwin.Schema, res *Result, plan *jobPlan) ([]string, error) {
	var problems []string
	for i := range res.Tables {
		tr := &res.Tables[i]
		t := schema.Table(tr.Table)
		if t == nil || !t.HasRows() {
			continue
		}
		n, err := dst.Count(ctx, t)
		if err != nil {
			return nil, fmt.Errorf("count rows of %s in target: %w", tr.Table, err)
		}
		tr.CountTarget = n
		if n != tr.Rows {
			problems = append(problems, fmt.Sprintf("%s: %d rows written but %d in target", tr.Table, tr.Rows, n))
		}
		if !plan.subset && tr.Rows != tr.SourceRows {
			problems = append(problems, fmt.Sprintf("%s: %d rows in source snapshot but %d copied", tr.Table, tr.SourceRows, tr.Rows))
		}
	}
	v, err := dst.Verify(ctx, schema)
	if err != nil {
		return nil, err
	}
	for _, c := range v.InvalidConstraints {
		problems = append(problems, "not valid in target: "+c)
	}
	var fks []string
	for fk, n := range v.DanglingReferences {
		if n > 0 {
			fks = append(fks, fmt.Sprintf("%s: %d dangling reference(s)", fk, n))
		}
	}
	sort.Strings(fks)
	return append(problems, fks...), nil
}
