package scan

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/dbtwin/dbtwin"
)

// lookup measures how many of src's sampled distinct values occur in dst.
type lookup struct {
	src, dst *keyCol
	values   []string // src values tested
	found    int
	// how: "sample" (dst read whole, or every value seen in its sample),
	// "probe" (dst's unique index asked), "estimate" (scaled from samples)
	// or "untested" (query budget reached).
	how string
	// common is the number of tested values seen in dst's sample.
	common int
	// coverage is found/len(values), or the estimate.
	coverage float64
}

const probeBatch = 500

// prober batches the values to look up in each destination column.
type prober struct {
	s       *scanner
	lookups []*lookup
	byPair  map[[2]*keyCol]*lookup
	present map[*keyCol]map[string]bool // dst -> values found by probes
	pending map[*keyCol]map[string]bool // dst -> values to probe
}

func newProber(s *scanner) *prober {
	return &prober{s: s, byPair: map[[2]*keyCol]*lookup{}, present: map[*keyCol]map[string]bool{},
		pending: map[*keyCol]map[string]bool{}}
}

// add registers a lookup of src's values in dst (deduplicated).
func (p *prober) add(src, dst *keyCol) *lookup {
	if l, ok := p.byPair[[2]*keyCol{src, dst}]; ok {
		return l
	}
	l := &lookup{src: src, dst: dst, values: src.sample(p.s.opt.ProbeValues)}
	p.lookups = append(p.lookups, l)
	p.byPair[[2]*keyCol{src, dst}] = l
	if dst.ts.full || !dst.unique {
		return l
	}
	for _, v := range l.values {
		if _, seen := dst.vals[v]; seen {
			continue
		}
		if !literalOK(dst, v) {
			continue
		}
		if p.pending[dst] == nil {
			p.pending[dst] = map[string]bool{}
		}
		p.pending[dst][v] = true
	}
	return l
}

// literalOK reports whether a value can be written as a literal of dst's
// type without an error (an error would abort a PostgreSQL transaction).
func literalOK(dst *keyCol, v string) bool {
	if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
		return false
	}
	switch dst.family {
	case "int":
		_, ok := normValue("int", v)
		return ok && !strings.ContainsAny(v, ".eE")
	case "uuid":
		return isUUID(v)
	}
	return true
}

func isUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func literal(family, v string) string {
	if family == "int" {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// run asks each destination's unique index about the pending values, in
// batches, then settles every lookup.
func (p *prober) run(ctx context.Context) error {
	dsts := make([]*keyCol, 0, len(p.pending))
	for d := range p.pending {
		dsts = append(dsts, d)
	}
	sort.Slice(dsts, func(i, j int) bool { return dsts[i].name() < dsts[j].name() })
	exhausted := map[*keyCol]bool{}
	for _, d := range dsts {
		vals := make([]string, 0, len(p.pending[d]))
		for v := range p.pending[d] {
			vals = append(vals, v)
		}
		sort.Strings(vals)
		got := map[string]bool{}
		p.present[d] = got
		for i := 0; i < len(vals); i += probeBatch {
			batch := vals[i:min(i+probeBatch, len(vals))]
			lits := make([]string, len(batch))
			for j, v := range batch {
				lits[j] = literal(d.family, v)
			}
			q := quoteIdent(d.col.Name)
			sql := fmt.Sprintf("SELECT %s FROM %s WHERE %s IN (%s)", q, quoteTable(d.table()), q, strings.Join(lits, ", "))
			err := p.s.query(ctx, sql, func(r dbtwin.Row) {
				if len(r) > 0 && r[0] != nil {
					if n, ok := normValue(d.family, string(r[0])); ok {
						got[n] = true
					}
				}
			})
			if errors.Is(err, errBudget) {
				exhausted[d] = true
				break
			}
			if err != nil {
				return fmt.Errorf("look up values of candidate key %s: %w", d.name(), err)
			}
		}
	}
	for _, l := range p.lookups {
		p.settle(l, exhausted[l.dst])
	}
	return nil
}

// settle computes a lookup's coverage from what is known.
func (p *prober) settle(l *lookup, exhausted bool) {
	d := l.dst
	l.found, l.common = 0, 0
	for _, v := range l.values {
		if _, ok := d.vals[v]; ok {
			l.common++
		}
	}
	n := len(l.values)
	if n == 0 {
		l.how = "sample"
		return
	}
	switch {
	case d.ts.full || l.common == n:
		l.how, l.found = "sample", l.common
	case d.unique && !exhausted:
		l.how = "probe"
		got := p.present[d]
		for _, v := range l.values {
			if _, ok := d.vals[v]; ok || got[v] {
				l.found++
			}
		}
	case d.unique:
		l.how, l.found = "untested", l.common
		l.coverage = float64(l.common) / float64(n)
		return
	default:
		// Neither read whole nor indexed: scale the overlap seen in the
		// samples by the share of dst's distinct values that were sampled.
		l.how, l.found = "estimate", l.common
		f := 1.0
		if d.ts.total > 0 {
			distinct := float64(d.ts.total) * d.distinctRatio()
			if distinct > 0 {
				f = min(1, float64(len(d.vals))/distinct)
			}
		}
		l.coverage = min(1, float64(l.common)/(float64(n)*f))
		return
	}
	l.coverage = float64(l.found) / float64(n)
}
