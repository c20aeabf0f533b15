package clone

import (
	"context"
	"fmt"
	"strings"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/subset"
)

// applySubset restricts each job to the rows the subset selects: the
// traversal runs in the clone's own snapshot, so the selection and the rows
// copied are the same point in time.
func applySubset(ctx context.Context, snap dbtwin.Snapshot, schema *dbtwin.Schema, cfg *config.Config, p *jobPlan) error {
	if cfg.Subset == nil {
		return nil
	}
	plan, err := subset.NewPlan(schema, cfg.ResolvedRelations(schema), cfg.Subset)
	if err != nil {
		return err
	}
	// IN lists of 5,000 keys: small selections are read by index; past 4
	// lists the traversal scans each table once instead.
	sel, err := subset.Select(ctx, snap, plan, subset.Options{BatchSize: 5000})
	if err != nil {
		return fmt.Errorf("select the subset: %w", err)
	}
	p.subset = true
	p.subsetKeys, p.subsetKeyBytes = sel.KeyMemory()
	for _, tr := range sel.Tables() {
		var how []string
		for _, r := range tr.Reached {
			how = append(how, fmt.Sprintf("%s (%d)", r.How, r.Rows))
		}
		if len(how) == 0 {
			how = append(how, tr.Rule)
		}
		p.reached[tr.Table] = strings.Join(how, "; ")
		if tr.Unresolved > 0 {
			p.warnings = append(p.warnings, fmt.Sprintf("%s: %d reference(s) already dangle in the source", tr.Table, tr.Unresolved))
		}
		if tr.Capped {
			p.warnings = append(p.warnings, fmt.Sprintf("%s: max_rows reached; fewer children copied than matched", tr.Table))
		}
	}
	for i := range p.jobs {
		j := &p.jobs[i]
		where, keep, err := sel.Filter(j.Table, j.Columns)
		if err != nil {
			return fmt.Errorf("subset filter for %s: %w", j.Table.QualifiedName(), err)
		}
		j.Where, j.Keep = where, keep
	}
	return nil
}
