package cli

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/dbtwin/dbtwin"
)

// openSnapshot opens a source read-only and starts a snapshot with one
// reader. For PostgreSQL a statement timeout is set on every session.
func openSnapshot(ctx context.Context, raw string, timeout time.Duration) (dbtwin.Source, dbtwin.Snapshot, error) {
	u, err := dbtwin.ParseURL(raw)
	if err != nil {
		return nil, nil, err
	}
	if u.Engine == "postgres" && timeout > 0 {
		raw = withParam(raw, "statement_timeout", fmt.Sprint(timeout.Milliseconds()))
	}
	src, err := dbtwin.OpenSource(ctx, raw)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", dbtwin.RedactURL(raw), err)
	}
	snap, err := src.Snapshot(ctx, 1)
	if err != nil {
		src.Close()
		return nil, nil, fmt.Errorf("open a read-only snapshot of %s: %w", dbtwin.RedactURL(raw), err)
	}
	return src, snap, nil
}

// withParam adds a query parameter to a URL (pgx passes unknown parameters
// to the server as session settings).
func withParam(raw, key, value string) string {
	p, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := p.Query()
	if !q.Has(key) {
		q.Set(key, value)
	}
	p.RawQuery = q.Encode()
	return p.String()
}
