package clone

import (
	"context"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/config"
)

// applySubset restricts each job to the rows the subset selects.
func applySubset(ctx context.Context, snap dbtwin.Snapshot, schema *dbtwin.Schema, cfg *config.Config, p *jobPlan) error {
	return nil
}
