package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/dbtwin/dbtwin/fidelity"
)

// writeFidelityText prints the fidelity summary of a clone: what was
// measured and the columns and relations farthest from production.
func writeFidelityText(w io.Writer, r *fidelity.Report) {
	if r == nil {
		return
	}
	if len(r.Columns) == 0 && len(r.Relations) == 0 {
		if r.Unchanged > 0 {
			fmt.Fprintf(w, "fidelity: %d table(s) copied unchanged and in full: identical to production\n", r.Unchanged)
		}
		return
	}
	verdict := "all within tolerance"
	if r.Outside > 0 {
		verdict = fmt.Sprintf("%d outside tolerance", r.Outside)
	}
	t := r.Tolerances
	fmt.Fprintf(w, "fidelity: %d column(s) and %d relation(s) measured against production, %d table(s) unchanged: %s (distinct ±%.0f%%, nulls ±%.0f%%, length ±%.0f%%, fan-out ±%.0f%%, overlap ±%.0f%%)\n",
		len(r.Columns), len(r.Relations), r.Unchanged, verdict, t.Distinct*100, t.Nulls*100, t.Length*100, t.Fanout*100, t.Overlap*100)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	const most = 8
	if len(r.Columns) > 0 {
		fmt.Fprintln(tw, "  column\tdistinct prod → twin (expected)\tnulls prod → twin\tmean length prod → twin\t")
	}
	for i, c := range r.Columns {
		if i == most {
			fmt.Fprintf(tw, "  … %d more column(s) (--json has all)\t\t\t\t\n", len(r.Columns)-most)
			break
		}
		d, n, l := c.Measures[0], c.Measures[1], c.Measures[3]
		mark := ""
		if !c.WithinTolerances {
			mark = "  ← outside tolerance"
		}
		fmt.Fprintf(tw, "  %s.%s\t%.1f%% → %.1f%% (%.1f%%)\t%.1f%% → %.1f%%\t%.1f → %.1f%s\t\n", c.Table, c.Column,
			d.Production*100, d.Twin*100, d.Expected*100, n.Production*100, n.Twin*100, l.Production, l.Twin, mark)
	}
	if len(r.Relations) > 0 {
		fmt.Fprintln(tw, "  relation\tmatching children prod → twin\tparents with children\tchildren per parent p50/p99/max prod → twin\t")
	}
	for i, rel := range r.Relations {
		if i == most {
			fmt.Fprintf(tw, "  … %d more relation(s) (--json has all)\t\t\t\t\n", len(r.Relations)-most)
			break
		}
		p, q := rel.Production, rel.Twin
		if rel.Note != "" {
			fmt.Fprintf(tw, "  %s → %s\t— → %.1f%%\t— → %.1f%%\t— → %d/%d/%d (%s)\t\n", rel.From, rel.To,
				q.ChildMatch*100, q.ParentsWithChildren*100, q.FanoutP50, q.FanoutP99, q.FanoutMax, rel.Note)
			continue
		}
		mark := ""
		if !rel.WithinTolerances {
			mark = "  ← outside tolerance"
		}
		fmt.Fprintf(tw, "  %s → %s\t%.1f%% → %.1f%%\t%.1f%% → %.1f%%\t%d/%d/%d → %d/%d/%d%s\t\n", rel.From, rel.To,
			p.ChildMatch*100, q.ChildMatch*100, p.ParentsWithChildren*100, q.ParentsWithChildren*100,
			p.FanoutP50, p.FanoutP99, p.FanoutMax, q.FanoutP50, q.FanoutP99, q.FanoutMax, mark)
	}
	tw.Flush()
}
