package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/dbtwin/dbtwin"
)

// openSnapshot opens a source read-only and starts a snapshot with one
// reader. For PostgreSQL and MySQL/MariaDB a statement timeout is set on
// every session.
func openSnapshot(ctx context.Context, raw string, timeout time.Duration) (dbtwin.Source, dbtwin.Snapshot, error) {
	u, err := dbtwin.ParseURL(raw)
	if err != nil {
		return nil, nil, err
	}
	if (u.Engine == "postgres" || u.Engine == "mysql") && timeout > 0 {
		u = u.WithParam("statement_timeout", fmt.Sprint(timeout.Milliseconds()))
	}
	src, err := dbtwin.OpenSourceURL(ctx, u)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", u.Redacted(), err)
	}
	snap, err := src.Snapshot(ctx, 1)
	if err != nil {
		src.Close()
		return nil, nil, fmt.Errorf("open a read-only snapshot of %s: %w", u.Redacted(), err)
	}
	return src, snap, nil
}
