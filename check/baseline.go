package check

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/dbtwin/dbtwin"
)

// Recorded is production's side of fidelity checks measured earlier (when a
// snapshot was made), so the checks can run later with no access to
// production: per FidelityKey, the aggregates the check compares with
// (counts, percentiles, fractions), never a value.
type Recorded map[string][]float64

// FidelityKey names what a fidelity check measures in the baseline, so a
// recorded measurement is found again whatever the check is called:
// "overlap a(col) b(col)", "fanout child(col) parent(col)", "profile t.col".
// It is empty for checks that need no baseline.
func FidelityKey(c *Check) string {
	switch {
	case c.Kind == KindOverlap && c.Overlap != nil:
		return "overlap " + c.Overlap.A.String() + " " + c.Overlap.B.String()
	case c.Kind == KindFanout && c.Fanout != nil:
		return "fanout " + c.Fanout.From.String() + " " + c.Fanout.To.String()
	case c.Kind == KindProfile && c.Profile != nil:
		return "profile " + c.Profile.Table + "." + c.Profile.Column
	}
	return ""
}

// MeasureBaseline measures, in db (the production database, dialect
// "postgres" or "sqlite"), the baseline side of every fidelity check of
// file, each in its own read-only transaction under timeout (0 means
// DefaultTimeout). Checks of other kinds are ignored.
func MeasureBaseline(ctx context.Context, db *sql.DB, dialect string, file *File, timeout time.Duration) (Recorded, error) {
	d, err := normalizeDialect(dialect)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", dbtwin.ErrUsage, err)
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	out := Recorded{}
	for _, c := range file.Checks {
		if !c.Kind.NeedsBaseline() || !c.hasSpec() {
			continue
		}
		err := func() error {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			s, err := begin(ctx, db, d, timeout)
			if err != nil {
				return err
			}
			defer s.end()
			x := &exec{c: c, base: s, res: newResult(c), record: out}
			return x.dispatch(ctx)
		}()
		if err != nil {
			return nil, fmt.Errorf("%s: check %q: measure the baseline: %w", c.Pos, c.Name, err)
		}
	}
	return out, nil
}

// measureBase returns the baseline's numbers for this check: measured with
// fn in the baseline session (and recorded, when recording), or taken from
// the recorded measurements.
func (x *exec) measureBase(fn func(*session) ([]float64, error)) ([]float64, error) {
	key := FidelityKey(x.c)
	if x.base == nil {
		v, ok := x.recorded[key]
		if !ok {
			return nil, fmt.Errorf("baseline: the recorded baseline has no measurement for %s: make the snapshot again with "+
				"--checks naming a file that holds this check", key)
		}
		return v, nil
	}
	v, err := fn(x.base)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	if x.record != nil {
		x.record[key] = v
	}
	return v, nil
}

// baselineOnly is true while MeasureBaseline runs a check: there is no
// database to compare yet.
func (x *exec) baselineOnly() bool { return x.db == nil }
