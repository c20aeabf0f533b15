package clone

import (
	"context"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/internal/config"
)

// applyMasking builds the per-table transforms from the config's mask rules.
func applyMasking(ctx context.Context, schema *dbtwin.Schema, cfg *config.Config, opt Options, p *jobPlan, logf func(string, ...any)) error {
	return nil
}
