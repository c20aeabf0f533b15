package clone

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/dbtwin/dbtwin"
)

// verifyTarget checks the loaded target: every table's row count equals what was
// written (and what was read, for full copies), constraints and indexes are
// valid, and no foreign key dangles. What the source itself already breaks
// (a NOT VALID constraint, orphan rows under a foreign key the source does
// not enforce) is reported as production's, in warnings, and fails only
// where the twin holds more of it than the source.
func verifyTarget(ctx context.Context, dst dbtwin.Target, snap dbtwin.Snapshot, schema *dbtwin.Schema, res *Result, plan *jobPlan) ([]string, error) {
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
	pre := &dbtwin.Verification{}
	if sc, ok := snap.(dbtwin.SourceChecker); ok && !v.OK() {
		if pre, err = sc.Violations(ctx); err != nil {
			return nil, err
		}
	}
	return append(problems, judgeViolations(v, pre, res)...), nil
}

// judgeViolations compares the target's verification with what the source
// itself holds: constraints invalid in both and dangling references no more
// numerous than the source's are recorded in res.SourceViolations; the rest
// are problems.
func judgeViolations(v, pre *dbtwin.Verification, res *Result) []string {
	var problems []string
	for _, c := range v.InvalidConstraints {
		if slices.Contains(pre.InvalidConstraints, c) {
			res.SourceViolations = append(res.SourceViolations, "not valid in the source either (kept NOT VALID): "+c)
			continue
		}
		problems = append(problems, "not valid in target: "+c)
	}
	var fks, notes []string
	for fk, n := range v.DanglingReferences {
		had := pre.DanglingReferences[fk]
		switch {
		case n == 0:
		case n <= had:
			notes = append(notes, fmt.Sprintf("%s: %d dangling reference(s), as in the source (%d there; the source does not enforce this key)", fk, n, had))
		case had > 0:
			fks = append(fks, fmt.Sprintf("%s: %d dangling reference(s), %d more than the source holds (%d)", fk, n, n-had, had))
		default:
			fks = append(fks, fmt.Sprintf("%s: %d dangling reference(s)", fk, n))
		}
	}
	sort.Strings(fks)
	sort.Strings(notes)
	res.SourceViolations = append(res.SourceViolations, notes...)
	return append(problems, fks...)
}
