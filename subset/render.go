package subset

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// WriteText renders the plan for people: the settings, one line per table
// (rule, source and estimated rows, how it is reached, the path from a
// root), then the cycles.
func (p *Plan) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	maxRows := "unlimited"
	if p.MaxRows > 0 {
		maxRows = groupDigits(p.MaxRows)
	}
	ew.printf("subset plan: children max_per_parent %s, max_rows %s; unreachable tables sampled at %s%%\n",
		groupDigits(p.MaxPerParent), maxRows, formatPct(p.UnreachablePercent))
	if len(p.Roots) == 0 {
		ew.printf("roots: none (every table is sampled)\n")
	}
	for _, r := range p.Roots {
		ew.printf("root %s: %s", r.Table, rootHowPlan(r))
		if r.EstimatedRows >= 0 {
			ew.printf(" (~%s rows)", groupDigits(r.EstimatedRows))
		}
		ew.printf("\n")
	}
	ew.printf("\n")
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "TABLE\tRULE\tSOURCE\tESTIMATE\tHOW\n")
	for _, t := range p.Tables {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.Table, t.Rule, countText(t.SourceRows), countText(t.EstimatedRows), t.How)
		if len(t.Path) > 1 {
			fmt.Fprintf(tw, "\t\t\t\t  path: %s\n", pathText(t.Path))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(p.Cycles) > 0 {
		ew.printf("\ncycles (parents closed however deep they go; children: see README, Subsets, traversal rules):\n")
		for _, c := range p.Cycles {
			if len(c) == 1 {
				ew.printf("  %s references itself\n", c[0])
				continue
			}
			ew.printf("  %s\n", strings.Join(c, " <-> "))
		}
	}
	return ew.err
}

func rootHowPlan(r RootPlan) string {
	var parts []string
	if r.Where != "" {
		parts = append(parts, "where "+r.Where)
	}
	if r.Percent > 0 {
		parts = append(parts, formatPct(r.Percent)+"%")
	}
	if r.Limit > 0 {
		l := "limit " + strconv.FormatInt(r.Limit, 10)
		if r.OrderBy != "" {
			l += " order by " + r.OrderBy
		}
		parts = append(parts, l)
	}
	if len(parts) == 0 {
		return "all rows"
	}
	return strings.Join(parts, ", ")
}

func pathText(path []PathStep) string {
	var b strings.Builder
	b.WriteString(path[0].From)
	for _, s := range path {
		fmt.Fprintf(&b, " -%s-> %s", s.As, s.Table)
	}
	return b.String()
}

// WriteText renders the selection: rows per table and how they came.
func (s *Selection) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	tw := tabwriter.NewWriter(ew, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "TABLE\tROWS\tHOW\n")
	for _, r := range s.results {
		var hows []string
		for _, h := range r.Reached {
			if h.Rows > 0 || len(r.Reached) == 1 {
				hows = append(hows, groupDigits(h.Rows)+" "+h.How)
			}
		}
		if r.Rows == 0 && len(hows) == 0 {
			hows = append(hows, "no rows in the source")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Table, groupDigits(r.Rows), strings.Join(hows, "; "))
		if r.Capped {
			fmt.Fprintf(tw, "\t\t  max_rows stopped further children\n")
		}
		if r.Unresolved > 0 {
			fmt.Fprintf(tw, "\t\t  warning: %s references point at rows the source does not have\n", groupDigits(r.Unresolved))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return ew.err
}

func countText(n int64) string {
	if n < 0 {
		return "?"
	}
	return groupDigits(n)
}

// groupDigits writes n with thousands separators: 1234567 -> 1,234,567.
func groupDigits(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}
