package clone

import (
	"fmt"
	"strings"

	"github.com/dbtwin/dbtwin"
	"github.com/dbtwin/dbtwin/config"
	"github.com/dbtwin/dbtwin/fidelity"
	"github.com/dbtwin/dbtwin/internal/pipeline"
)

// fidelityRun measures the twin's shape against production in the clone's
// own pass: each observed job feeds production-side sketches with the rows
// it reads (before the subset filter, when there is one) and twin-side
// sketches with the rows it writes.
type fidelityRun struct {
	collector *fidelity.Collector
	// keepTaps are the production taps fed from subset filters (one reader
	// goroutine per job); closed when the data phase ends.
	keepTaps []*fidelity.Tap
	tol      fidelity.Tolerances
	fail     bool
}

// tolerancesOf applies a config's fidelity section to the defaults.
func tolerancesOf(f *config.Fidelity) fidelity.Tolerances {
	tol := fidelity.DefaultTolerances()
	if f == nil {
		return tol
	}
	for _, o := range []struct {
		v   *float64
		dst *float64
	}{{f.Distinct, &tol.Distinct}, {f.Nulls, &tol.Nulls}, {f.Length, &tol.Length}, {f.Fanout, &tol.Fanout}, {f.Overlap, &tol.Overlap}} {
		if o.v != nil {
			*o.dst = *o.v
		}
	}
	return tol
}

// attachFidelity registers what the clone changes and taps those jobs. A
// table copied unchanged and in full is identical to production by
// construction and is not observed (it keeps its fast path). Masked tables
// profile their masked columns; in a subset every table profiles every
// column. Relations are measured when both tables are observed.
func attachFidelity(schema *dbtwin.Schema, cfg *config.Config, p *jobPlan) *fidelityRun {
	fr := &fidelityRun{collector: fidelity.NewCollector(), tol: tolerancesOf(cfg.Fidelity)}
	if cfg.Fidelity != nil {
		fr.fail = cfg.Fidelity.Fail
	}
	ignored := map[string]bool{}
	if cfg.Fidelity != nil {
		for _, ref := range cfg.Fidelity.Ignore {
			if t, c, ok := config.SplitColumnRef(schema, ref.Text); ok {
				ignored[t.QualifiedName()+"."+c.Name] = true
			}
		}
	}
	observed := map[string]bool{}
	var tapped []int
	for i := range p.jobs {
		j := &p.jobs[i]
		qn := j.Table.QualifiedName()
		subset := j.Keep != nil || j.Where != "" || p.subset
		masked := p.masked[qn]
		if !subset && len(masked) == 0 {
			fr.collector.Unchanged()
			continue
		}
		profile := masked
		if subset {
			profile = j.Columns
		}
		var keepCols []string
		for _, c := range profile {
			if !ignored[qn+"."+c] {
				keepCols = append(keepCols, c)
			}
		}
		fr.collector.Table(qn, j.Columns, keepCols, p.rules[qn])
		if j.Where != "" {
			fr.collector.Restricted(qn)
		}
		observed[qn] = true
		tapped = append(tapped, i)
	}
	relations := schema.Relations()
	relations = append(relations, cfg.ResolvedRelations(schema)...)
	for _, r := range relations {
		if observed[r.FromTable] && observed[r.ToTable] {
			fr.collector.Relation(r)
		}
	}
	// Taps are taken once every table and relation is registered.
	for _, i := range tapped {
		fr.tap(&p.jobs[i], p.jobs[i].Table.QualifiedName())
	}
	return fr
}

// tap installs the job's observers, composed with any observer already set.
func (fr *fidelityRun) tap(j *pipeline.Job, table string) {
	var prodFromKeep *fidelity.Tap
	if keep := j.Keep; keep != nil {
		// The filter runs in the job's reader goroutine: one tap sees every
		// row read, before the subset keeps some.
		prodFromKeep = fr.collector.Tap(table, fidelity.Production)
		fr.keepTaps = append(fr.keepTaps, prodFromKeep)
		j.Keep = func(row dbtwin.Row) bool {
			prodFromKeep.Add(row)
			return keep(row)
		}
	}
	prev := j.Observe
	j.Observe = func() pipeline.RowObserver {
		o := &fidelityObserver{twin: fr.collector.Tap(table, fidelity.Twin)}
		if prodFromKeep == nil {
			o.prod = fr.collector.Tap(table, fidelity.Production)
		}
		if prev != nil {
			return multiObserver{prev(), o}
		}
		return o
	}
}

// finish closes the filter taps and builds the report.
func (fr *fidelityRun) finish() *fidelity.Report {
	for _, t := range fr.keepTaps {
		t.Close()
	}
	return fr.collector.Report(fr.tol)
}

type fidelityObserver struct {
	prod, twin *fidelity.Tap // prod is nil when the subset filter feeds it
}

func (o *fidelityObserver) Row(read, written dbtwin.Row) {
	if o.prod != nil {
		o.prod.Add(read)
	}
	o.twin.Add(written)
}

func (o *fidelityObserver) Done() {
	if o.prod != nil {
		o.prod.Close()
	}
	o.twin.Close()
}

// multiObserver lets several observers watch one job.
type multiObserver []pipeline.RowObserver

func (m multiObserver) Row(read, written dbtwin.Row) {
	for _, o := range m {
		o.Row(read, written)
	}
}

func (m multiObserver) Done() {
	for _, o := range m {
		o.Done()
	}
}

// configOrEmpty is cfg, or an empty config for a clone without one.
func configOrEmpty(cfg *config.Config) *config.Config {
	if cfg == nil {
		return &config.Config{Version: 1}
	}
	return cfg
}

// fidelityOutcome turns a report outside tolerance into a warning, or into a
// verification problem (returned) when the config asks for failure.
func fidelityOutcome(r *fidelity.Report, fail bool, res *Result) string {
	if r.OK() {
		return ""
	}
	problems := r.Problems(10)
	if fail {
		return fmt.Sprintf("fidelity: %d column(s) or relation(s) outside tolerance (fidelity: fail: true): %s", r.Outside, strings.Join(problems, "; "))
	}
	res.Warnings = append(res.Warnings, fmt.Sprintf("fidelity: %d column(s) or relation(s) outside tolerance (set fidelity: {fail: true} to fail the clone):\n  %s",
		r.Outside, strings.Join(problems, "\n  ")))
	return ""
}
