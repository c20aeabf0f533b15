package clone

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/fidelity"
	"github.com/dbtwin/dbtwin/internal/pipeline"
	"github.com/dbtwin/dbtwin/verify"
)

// Options configure a clone.
type Options struct {
	Source, Target string
	// Config is the parsed dbtwin.yaml; nil means a full, unmasked copy
	// (still subject to strict mode).
	Config *config.Config
	// Replace empties a target that already has tables.
	Replace bool
	// Jobs is the number of tables (or parts of a large table) copied in
	// parallel; 0 means the number of CPUs.
	Jobs int
	// Secret keys deterministic masking; Random asks for non-deterministic
	// masking instead.
	Secret []byte
	Random bool
	// Strict overrides the config's strict setting when non-nil.
	Strict *bool
	// NoLeakScan skips the leak scan that runs in every masked clone.
	NoLeakScan bool
	// Progress receives per-table events while the data moves (nil = none).
	Progress Progress
	// LeakScanMemory is the memory budget of the leak scan's digests in
	// bytes, beyond which sorted runs spill to LeakScanTempDir (0 = the
	// default, verify.DefaultMemoryBudget; "" = the system's temp dir).
	LeakScanMemory  int64
	LeakScanTempDir string
	// Log receives one-line notes (warnings, steps); nil = discard.
	Log func(format string, args ...any)
	// SourceDB and TargetDB, when set, are already-open databases used
	// instead of opening Source and Target (which then only name them in
	// messages); the caller keeps them and closes them. A snapshot file is
	// written as a TargetDB and restored as a SourceDB. (The leak scan
	// never reads the twin back: it digests rows as they are written.)
	SourceDB dbtwin.Source
	TargetDB dbtwin.Target
}

// Result describes a finished (or failed) clone.
type Result struct {
	Source, Target string
	Engine         string
	Tables         []TableResult
	Duration       time.Duration
	// Verified is true when every end-of-clone check passed.
	Verified     bool
	Verification []string
	Warnings     []string
	// SourceViolations lists what the source itself breaks and the twin
	// faithfully holds too (NOT VALID constraints, orphan rows under foreign
	// keys the source does not enforce): reported, not a failure.
	SourceViolations []string
	// Subset is true when a subset section selected the rows.
	Subset bool
	// SubsetKeys and SubsetKeyBytes say how many row keys the subset held
	// and the memory of its key sets.
	SubsetKeys, SubsetKeyBytes int64
	// Phases times the steps: "plan", "schema", "data", "post-data", "verify", "leak scan".
	Phases []Phase
	// LeakReport is the leak scan's report (nil when it did not run).
	LeakReport *verify.Report
	// Fidelity compares the twin's shape with production's: columns the
	// clone changed (masked, or subset) and relations between them.
	Fidelity *fidelity.Report
}

// Phase is one timed step of a clone.
type Phase struct {
	Name     string
	Duration time.Duration
}

// TableResult is one table's outcome.
type TableResult struct {
	Table      string
	SourceRows int64
	Rows       int64
	Bytes      int64
	Duration   time.Duration
	Reached    string
	MaskedCols []string
	// CountTarget is the row count the verification found in the target.
	CountTarget int64
}

// ErrVerification marks a clone whose data moved but whose end-of-clone
// verification found a problem (exit code 1).
var ErrVerification = errors.New("verification failed")

// Run performs the clone.
func Run(ctx context.Context, opt Options) (*Result, error) {
	logf := opt.Log
	if logf == nil {
		logf = func(string, ...any) {}
	}
	start := time.Now()
	res := &Result{Source: dbtwin.RedactURL(opt.Source), Target: dbtwin.RedactURL(opt.Target)}
	if opt.Jobs < 1 {
		opt.Jobs = runtime.NumCPU()
	}
	src, dst, closeAll, err := openDatabases(ctx, opt, res)
	if err != nil {
		return res, err
	}
	defer closeAll()
	if src.Engine() != dst.Engine() {
		return res, fmt.Errorf("%w: source is %s and target is %s: dbtwin clones between databases of the same engine", dbtwin.ErrUsage, src.Engine(), dst.Engine())
	}
	res.Engine = src.Engine()

	if err := refuseSame(ctx, src, dst); err != nil {
		return res, err
	}
	existing, err := dst.TableNames(ctx)
	if err != nil {
		return res, fmt.Errorf("list tables of target %s: %w", res.Target, err)
	}
	if len(existing) > 0 && !opt.Replace {
		return res, fmt.Errorf("%w: target %s already has %d table(s) (%s): use --replace to drop everything in it first, or choose an empty database",
			dbtwin.ErrUsage, res.Target, len(existing), listSome(existing, 3))
	}

	mark := time.Now()
	phase := func(name string) {
		res.Phases = append(res.Phases, Phase{Name: name, Duration: time.Since(mark)})
		mark = time.Now()
	}
	snap, err := src.Snapshot(ctx, opt.Jobs)
	if err != nil {
		return res, fmt.Errorf("open a consistent snapshot of the source: %w", err)
	}
	defer snap.Close()
	schema := snap.Schema()

	plan, err := buildJobs(ctx, snap, schema, opt)
	if err != nil {
		return res, err
	}
	res.Warnings = plan.warnings
	res.Subset = plan.subset
	res.SubsetKeys, res.SubsetKeyBytes = plan.subsetKeys, plan.subsetKeyBytes
	fid := attachFidelity(schema, configOrEmpty(opt.Config), plan)
	phase("plan")

	if len(existing) > 0 {
		logf("emptying target (--replace): dropping %d table(s)", len(existing))
		if err := dst.Reset(ctx); err != nil {
			return res, fmt.Errorf("empty target for --replace: %w", err)
		}
	}
	if err := dst.MarkIncomplete(ctx, fmt.Sprintf("dbtwin: INCOMPLETE clone started %s: do not use", start.UTC().Format(time.RFC3339))); err != nil {
		return res, fmt.Errorf("mark target incomplete: %w", err)
	}
	fail := func(step string, err error) (*Result, error) {
		cleanup(dst, logf)
		return res, fmt.Errorf("%s: %w", step, err)
	}
	post, err := dst.CreateSchema(ctx, src, snap)
	if err != nil {
		return fail("create schema in target", err)
	}
	phase("schema")
	// The leak scan digests rows as the pipeline copies them (one pass).
	var leak *verify.Scan
	if plan.maskedColumns > 0 && !opt.NoLeakScan {
		if leak, err = startLeakScan(schema, plan, opt, res); err != nil {
			return fail("leak scan", err)
		}
		defer leak.Close()
	}
	results, err := pipeline.Run(ctx, snap, dst, plan.jobs, pipeline.Options{Jobs: opt.Jobs, Progress: pipelineProgress(opt.Progress)})
	if err != nil {
		return fail("copy data", err)
	}
	res.Fidelity = fid.finish()
	phase("data")
	if err := post.Apply(ctx); err != nil {
		return fail("create indexes, constraints and triggers in target", err)
	}
	phase("post-data")
	for i, r := range results {
		j := plan.jobs[i]
		res.Tables = append(res.Tables, TableResult{
			Table: r.Table, SourceRows: r.RowsRead, Rows: r.Written, Bytes: r.Bytes, Duration: r.Duration,
			Reached: plan.reached[r.Table], MaskedCols: plan.masked[r.Table],
		})
		_ = j
	}
	for _, t := range plan.emptyTables {
		res.Tables = append(res.Tables, TableResult{Table: t, Reached: plan.reached[t]})
	}
	sort.Slice(res.Tables, func(a, b int) bool { return res.Tables[a].Table < res.Tables[b].Table })

	problems, err := verifyTarget(ctx, dst, snap, schema, res, plan)
	if err != nil {
		return fail("verify target", err)
	}
	phase("verify")
	if p := fidelityOutcome(res.Fidelity, fid.fail, res); p != "" {
		problems = append(problems, p)
	}
	res.Verification = problems
	res.Verified = len(problems) == 0
	res.Duration = time.Since(start)
	if !res.Verified {
		// The data is there but wrong: leave it for inspection, clearly marked.
		_ = dst.MarkIncomplete(ctx, "dbtwin: clone FAILED verification: "+strings.Join(problems, "; "))
		return res, fmt.Errorf("%w: %s", ErrVerification, strings.Join(problems, "; "))
	}
	if leak != nil {
		err := finishLeakScan(ctx, leak, dst, res, logf)
		phase("leak scan")
		res.Duration = time.Since(start)
		if err != nil {
			if ctx.Err() != nil || !errors.Is(err, ErrLeak) {
				return fail("leak scan", err)
			}
			return res, err
		}
	}
	// "Complete" is written last, after every verification, leak scan
	// included: an interrupted clone never looks complete.
	if err := dst.MarkComplete(ctx, fmt.Sprintf("dbtwin: clone of %s complete %s", res.Source, time.Now().UTC().Format(time.RFC3339))); err != nil {
		return fail("mark target complete", err)
	}
	res.Duration = time.Since(start)
	return res, nil
}

// openDatabases opens the source and the target, or takes the already-open
// ones of opt; closeAll closes only what it opened.
func openDatabases(ctx context.Context, opt Options, res *Result) (dbtwin.Source, dbtwin.Target, func(), error) {
	var closers []func() error
	closeAll := func() {
		for i := len(closers) - 1; i >= 0; i-- {
			_ = closers[i]()
		}
	}
	src, dst := opt.SourceDB, opt.TargetDB
	var su, tu *dbtwin.URL
	var err error
	if src == nil {
		if su, err = dbtwin.ParseURL(opt.Source); err != nil {
			return nil, nil, closeAll, fmt.Errorf("--source: %w", err)
		}
	}
	if dst == nil {
		if tu, err = dbtwin.ParseURL(opt.Target); err != nil {
			return nil, nil, closeAll, fmt.Errorf("--target: %w", err)
		}
	}
	if su != nil && tu != nil && su.Engine != tu.Engine {
		return nil, nil, closeAll, fmt.Errorf("%w: source is %s and target is %s: dbtwin clones between databases of the same engine", dbtwin.ErrUsage, su.Engine, tu.Engine)
	}
	if src == nil {
		if src, err = dbtwin.OpenSource(ctx, opt.Source); err != nil {
			return nil, nil, closeAll, fmt.Errorf("open source %s: %w", res.Source, err)
		}
		closers = append(closers, src.Close)
	}
	if dst == nil {
		if dst, err = dbtwin.OpenTarget(ctx, opt.Target, dbtwin.TargetOptions{Writers: opt.Jobs}); err != nil {
			closeAll()
			return nil, nil, func() {}, fmt.Errorf("open target %s: %w", res.Target, err)
		}
		closers = append(closers, dst.Close)
	}
	return src, dst, closeAll, nil
}

// cleanup empties a target after a failed clone, with its own deadline since
// ctx may be cancelled (Ctrl-C).
func cleanup(dst dbtwin.Target, logf func(string, ...any)) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := dst.Reset(ctx); err != nil {
		logf("could not empty the target after the failure (%v): it stays marked INCOMPLETE", err)
		return
	}
	_ = dst.MarkIncomplete(ctx, "dbtwin: clone failed; target emptied")
}

func refuseSame(ctx context.Context, src dbtwin.Source, dst dbtwin.Target) error {
	a, err := src.Identity(ctx)
	if err != nil {
		return fmt.Errorf("identify source: %w", err)
	}
	b, err := dst.Identity(ctx)
	if err != nil {
		return fmt.Errorf("identify target: %w", err)
	}
	if a == b {
		return fmt.Errorf("%w: the target is the source (%s): refusing to overwrite it; give a different target database", dbtwin.ErrUsage, a)
	}
	return nil
}

func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(", … %d more", len(names)-n)
}
