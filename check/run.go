package check

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dbtwin/dbtwin"
)

// DefaultTimeout bounds each check's statements when Options.Timeout is 0.
const DefaultTimeout = 2 * time.Minute

// Options tunes a run.
type Options struct {
	// Baseline is the database the twin was made from (the source), needed
	// by fidelity checks (overlap, fanout, profile); BaselineDialect is its
	// dialect. Both are optional when the file has no fidelity check.
	Baseline        *sql.DB
	BaselineDialect string
	// Recorded, used when Baseline is nil, holds the baseline's side of
	// the fidelity checks measured earlier (a snapshot's, see
	// MeasureBaseline), so they run with no access to the baseline.
	Recorded Recorded
	// Timeout bounds each check (PostgreSQL statement_timeout and the
	// check's context). 0 means DefaultTimeout.
	Timeout time.Duration
	// NoRedact shows example values as they are, for every check.
	NoRedact bool
}

// Run executes every check of file against db (dialect "postgres" or
// "sqlite"), each in its own read-only transaction, and returns the report.
// A check whose SQL fails is reported as an error result; Run itself
// returns an error (matching dbtwin.ErrUsage) only when the run cannot start:
// an unknown dialect, or fidelity checks without a baseline. When ctx is
// canceled, the checks not yet run are reported as errors and Run returns
// the partial report with ctx's error.
func Run(ctx context.Context, db *sql.DB, dialect string, file *File, opts Options) (*Report, error) {
	if db == nil || file == nil {
		return nil, fmt.Errorf("%w: check.Run needs a database and a parsed checks file", dbtwin.ErrUsage)
	}
	d, err := normalizeDialect(dialect)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", dbtwin.ErrUsage, err)
	}
	var bd string
	if opts.Baseline != nil {
		if bd, err = normalizeDialect(opts.BaselineDialect); err != nil {
			return nil, fmt.Errorf("%w: baseline: %w", dbtwin.ErrUsage, err)
		}
	} else if opts.Recorded == nil {
		if err := requireNoFidelity(file); err != nil {
			return nil, err
		}
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	r := &runner{db: db, dialect: d, base: opts.Baseline, baseDialect: bd, opts: opts}
	start := time.Now()
	rep := &Report{File: file.Path, Started: start}
	for _, c := range file.Checks {
		if ctx.Err() != nil {
			rep.Results = append(rep.Results, r.skipped(c, ctx.Err()))
			continue
		}
		rep.Results = append(rep.Results, r.run(ctx, c))
	}
	rep.Duration = time.Since(start)
	return rep, ctx.Err()
}

// requireNoFidelity fails when a check needs a baseline.
func requireNoFidelity(file *File) error {
	var problems []*PosError
	for _, c := range file.Checks {
		if c.Kind.NeedsBaseline() {
			problems = append(problems, &PosError{Pos: c.Pos, Msg: fmt.Sprintf(
				"check %q (%s) compares this database with the one it was made from: give the source as --baseline URL "+
					"(Options.Baseline in Go), or remove the check", c.Name, c.Kind)})
		}
	}
	if len(problems) > 0 {
		return &ConfigError{Problems: problems}
	}
	return nil
}

type runner struct {
	db          *sql.DB
	dialect     string
	base        *sql.DB
	baseDialect string
	opts        Options
}

// exec is one check's execution state.
type exec struct {
	c      *Check
	db     *session
	base   *session
	res    *Result
	redact bool
	// recorded replaces base when the baseline was measured earlier;
	// record, when set, collects what base measures (MeasureBaseline).
	recorded, record Recorded
}

func newResult(c *Check) *Result {
	sev := c.Severity
	if sev != SeverityWarn {
		sev = SeverityError
	}
	return &Result{Name: c.Name, Kind: c.Kind, Severity: sev, Status: StatusPass,
		Examples: []Example{}, Pos: c.Pos}
}

func (r *runner) skipped(c *Check, err error) *Result {
	res := newResult(c)
	res.Status, res.Message = StatusError, "not run: "+err.Error()
	return res
}

func (r *runner) run(parent context.Context, c *Check) *Result {
	start := time.Now()
	res := newResult(c)
	defer func() { res.Duration = time.Since(start) }()
	ctx, cancel := context.WithTimeout(parent, r.opts.Timeout)
	defer cancel()
	x := &exec{c: c, res: res, redact: !c.NoRedact && !r.opts.NoRedact, recorded: r.opts.Recorded}
	err := func() error {
		s, err := begin(ctx, r.db, r.dialect, r.opts.Timeout)
		if err != nil {
			return err
		}
		defer s.end()
		x.db = s
		if c.Kind.NeedsBaseline() && r.base != nil {
			b, err := begin(ctx, r.base, r.baseDialect, r.opts.Timeout)
			if err != nil {
				return fmt.Errorf("baseline: %w", err)
			}
			defer b.end()
			x.base = b
		}
		return x.dispatch(ctx)
	}()
	if err != nil {
		res.Status = StatusError
		res.Message = err.Error()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && parent.Err() == nil {
			res.Message = fmt.Sprintf("timed out after %s: make the query cheaper or raise the timeout (%v)",
				r.opts.Timeout, err)
		}
		if x.redact {
			// A database message may quote a value ("invalid input syntax
			// for type integer: "jane@example.com"").
			res.Message = redactText(redactNameRuns(dbtwin.RedactValues(res.Message)))
		}
		var qe *queryError
		if errors.As(err, &qe) {
			res.Details = append(res.Details, "SQL: "+abbreviate(qe.sql, 400))
		}
		res.Examples = []Example{}
		return res
	}
	if res.Status == StatusFail && c.Severity == SeverityWarn {
		res.Status = StatusWarn
	}
	return res
}

func (x *exec) dispatch(ctx context.Context) error {
	if !x.c.hasSpec() {
		return fmt.Errorf("check %q has kind %q but no %s settings", x.c.Name, x.c.Kind, x.c.Kind)
	}
	switch x.c.Kind {
	case KindUnique:
		return x.unique(ctx)
	case KindNotNull:
		return x.notNull(ctx)
	case KindAccepted:
		return x.accepted(ctx)
	case KindRowCount:
		return x.rowCount(ctx)
	case KindReferences:
		return x.references(ctx)
	case KindRows:
		return x.rows(ctx)
	case KindOverlap:
		return x.overlap(ctx)
	case KindFanout:
		return x.fanout(ctx)
	case KindProfile:
		return x.profile(ctx)
	}
	return fmt.Errorf("check kind %q is not known to this dbtwin", x.c.Kind)
}

// fail marks the result failed with a message.
func (x *exec) fail(format string, args ...any) {
	x.res.Status = StatusFail
	x.res.Message = fmt.Sprintf(format, args...)
}

// pass sets the message of a passing check.
func (x *exec) pass(format string, args ...any) {
	x.res.Message = fmt.Sprintf(format, args...)
}

// observe records measured numbers.
func (x *exec) observe(kv ...any) { x.res.Observed = addKV(x.res.Observed, kv) }

// observeBaseline records numbers measured in the baseline.
func (x *exec) observeBaseline(kv ...any) { x.res.Baseline = addKV(x.res.Baseline, kv) }

func addKV(m map[string]any, kv []any) map[string]any {
	if m == nil {
		m = map[string]any{}
	}
	for i := 0; i+1 < len(kv); i += 2 {
		v := kv[i+1]
		if f, ok := v.(float64); ok {
			v = round4(f)
		}
		m[kv[i].(string)] = v
	}
	return m
}

// example adds an example value (redacted per the check's setting).
func (x *exec) example(column, value string, count int64) {
	if x.redact {
		value = redactValue(column, value)
	}
	x.res.Examples = append(x.res.Examples, Example{Value: value, Count: count})
}
