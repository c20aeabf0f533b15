package clone

import (
	"context"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/internal/pipeline"
)

// jobPlan is what the clone will do, table by table.
type jobPlan struct {
	jobs    []pipeline.Job
	reached map[string]string
	masked  map[string][]string
	// rules describes each masked column's rule, per table (for reports).
	rules         map[string]map[string]string
	emptyTables   []string
	warnings      []string
	maskedColumns int
	// masking is the resolved masking (rules propagated along keys).
	masking *Masking
	subset  bool
	// subsetKeys and subsetKeyBytes measure the subset's key sets.
	subsetKeys, subsetKeyBytes int64
}

// buildJobs validates the config against the schema and turns it into one
// pipeline job per table that holds rows.
func buildJobs(ctx context.Context, snap dbtwin.Snapshot, schema *dbtwin.Schema, opt Options) (*jobPlan, error) {
	cfg := opt.Config
	if cfg == nil {
		cfg = &config.Config{Version: 1}
	}
	if err := config.Validate(cfg, schema); err != nil {
		return nil, err
	}
	p := &jobPlan{reached: map[string]string{}, masked: map[string][]string{}, rules: map[string]map[string]string{}}
	for _, t := range schema.Tables {
		if !t.HasRows() {
			continue
		}
		job := pipeline.Job{Table: t, EstimatedRows: t.RowEstimate}
		for _, c := range t.CopyColumns() {
			job.Columns = append(job.Columns, c.Name)
		}
		p.jobs = append(p.jobs, job)
		p.reached[t.QualifiedName()] = "full copy"
	}
	if err := applyMasking(ctx, snap, schema, cfg, opt, p); err != nil {
		return nil, err
	}
	if err := applySubset(ctx, snap, schema, cfg, p); err != nil {
		return nil, err
	}
	return p, nil
}
