package scan

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin"
)

// identifierCats are personal-data categories whose values identify one
// person: the same value in two tables is the same person.
var identifierCats = map[string]bool{CatNationalID: true, CatEmail: true, CatPhone: true, CatIBAN: true,
	CatCreditCard: true, CatUsername: true}

// fkCand is a candidate foreign key child -> parent.
type fkCand struct {
	child, parent *keyCol
	sim           float64
	why           string
	pure          bool
	l             *lookup
	conf          float64
	evidence      []string
}

// valCand is a candidate value link between two columns.
type valCand struct {
	a, b     *keyCol
	ab, ba   *lookup
	sameCat  string
	sameName bool
}

// declaredColumns lists "table.column" of every column in a declared
// foreign key; a partition's keys count for its partitioned parent too.
func declaredColumns(s *dbtwin.Schema) map[string]bool {
	out := map[string]bool{}
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			for _, c := range fk.Columns {
				out[t.QualifiedName()+"."+c] = true
				if t.PartitionOf != "" {
					out[t.PartitionOf+"."+c] = true
				}
			}
		}
	}
	return out
}

// declaredRelationships lists the schema's foreign keys.
func declaredRelationships(s *dbtwin.Schema) []Relationship {
	var out []Relationship
	for _, t := range s.Tables {
		for _, fk := range t.ForeignKeys {
			ev := "declared foreign key"
			if fk.Name != "" {
				ev += " " + fk.Name
			}
			out = append(out, Relationship{
				From:     Endpoint{Table: t.QualifiedName(), Columns: fk.Columns},
				To:       Endpoint{Table: fk.RefTable, Columns: fk.RefColumns},
				Declared: true, Kind: "fk", Confidence: 1, Level: LevelHigh, Evidence: []string{ev},
			})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return relKey(out[i]) < relKey(out[j]) })
	return out
}

func relKey(r Relationship) string {
	return r.From.Table + "(" + strings.Join(r.From.Columns, ",") + ")->" + r.To.Table + "(" + strings.Join(r.To.Columns, ",") + ")"
}

// keyRange returns the min and max of an integer key: from the sample when
// the table was read whole, else from one (index-backed) query.
func (s *scanner) keyRange(ctx context.Context, k *keyCol, cache map[*keyCol][2]int64) (lo, hi int64, ok bool, err error) {
	if k.ts.full {
		return k.min, k.max, len(k.vals) > 0, nil
	}
	if r, hit := cache[k]; hit {
		return r[0], r[1], r[0] <= r[1], nil
	}
	q := quoteIdent(k.col.Name)
	lo, hi = 1, 0
	err = s.query(ctx, fmt.Sprintf("SELECT min(%s), max(%s) FROM %s", q, q, quoteTable(k.table())), func(r dbtwin.Row) {
		if len(r) == 2 && r[0] != nil && r[1] != nil {
			lo, hi = parseInt(r, 0), parseInt(r, 1)
		}
	})
	if err != nil {
		return 0, 0, false, err
	}
	cache[k] = [2]int64{lo, hi}
	return lo, hi, lo <= hi, nil
}

// discover finds the links the schema does not declare.
func (s *scanner) discover(ctx context.Context, samples []*tableSample, pii map[string]string) ([]Relationship, error) {
	var keys, parents []*keyCol
	for _, ts := range samples {
		if ts.t.PartitionOf != "" {
			continue
		}
		for i := range ts.cols {
			if k := newKeyCol(ts, i); k != nil {
				k.pii = pii[k.name()]
				keys = append(keys, k)
			}
		}
	}
	for _, k := range keys {
		if k.unique || k.highDistinct() {
			parents = append(parents, k)
		}
	}
	declared := declaredColumns(s.schema)
	p := newProber(s)
	ranges := map[*keyCol][2]int64{}
	var cands []*fkCand
	budget := false
	for _, child := range keys {
		if declared[child.name()] {
			continue
		}
		var named []*fkCand
		own := strings.Join(child.tblStems, "")
		for _, par := range parents {
			if par == child || par.family != child.family {
				continue
			}
			sim, why := nameSim(child, par)
			if sim == 0 {
				continue
			}
			if child.selfKey && (sim < 0.9 || strings.HasPrefix(child.norm, own)) {
				continue
			}
			named = append(named, &fkCand{child: child, parent: par, sim: sim, why: why})
		}
		if len(named) == 0 && !child.selfKey && child.family == "int" && len(child.vals) >= 10 && !budget {
			for _, par := range parents {
				if par == child || par.family != "int" || !par.unique {
					continue
				}
				lo, hi, ok, err := s.keyRange(ctx, par, ranges)
				if errors.Is(err, errBudget) {
					budget = true
					break
				}
				if err != nil {
					return nil, fmt.Errorf("read the range of key %s: %w", par.name(), err)
				}
				if !ok || child.min < lo || child.max > hi || hi == lo {
					continue
				}
				sp := spanProbability(len(child.vals), float64(child.max-child.min)/float64(hi-lo))
				if sp < 0.01 {
					continue
				}
				named = append(named, &fkCand{child: child, parent: par, pure: true})
			}
		}
		for _, c := range named {
			c.l = p.add(c.child, c.parent)
		}
		cands = append(cands, named...)
	}
	// Value links: identifiers of the same kind, or same-named nearly unique
	// columns, in two tables.
	var vcands []*valCand
	for i, a := range keys {
		for _, b := range keys[i+1:] {
			if a.table() == b.table() || a.family != b.family || a.nonNull < 3 || b.nonNull < 3 {
				continue
			}
			sameCat := ""
			if a.pii != "" && a.pii == b.pii && identifierCats[a.pii] {
				sameCat = a.pii
			}
			na := a.norm
			sameName := na == b.norm && !genericNames[na] && identifierName(a.col.Name) &&
				!namesTable(s.schema, a.col.Name) &&
				!a.selfKey && !b.selfKey &&
				a.nonNull >= 20 && b.nonNull >= 20 && a.distinctRatio() >= 0.8 && b.distinctRatio() >= 0.8
			if sameCat == "" && !sameName {
				continue
			}
			vcands = append(vcands, &valCand{a: a, b: b, ab: p.add(a, b), ba: p.add(b, a), sameCat: sameCat, sameName: sameName})
		}
	}
	if err := p.run(ctx); err != nil {
		return nil, err
	}
	untested := 0
	for _, l := range p.lookups {
		if l.how == "untested" {
			untested++
		}
	}
	if untested > 0 || budget {
		s.warnf("query budget (%d statements) reached: %d candidate links could not be tested; raise MaxQueries to test them", s.opt.MaxQueries, untested)
	}
	return s.rank(cands, vcands, ranges), nil
}

// rank scores the candidates, keeps the best parent per child column and
// the value links not explained by a foreign key.
func (s *scanner) rank(cands []*fkCand, vcands []*valCand, ranges map[*keyCol][2]int64) []Relationship {
	best := map[*keyCol]*fkCand{}
	var order []*keyCol
	for _, c := range cands {
		f := fkFacts{sim: c.sim, simWhy: c.why, tested: len(c.l.values), found: c.l.found, coverage: c.l.coverage,
			how: c.l.how, childNonNull: c.child.nonNull, parentUnique: c.parent.unique,
			parentRows: c.parent.ts.total, pure: c.pure, spanP: 1}
		if c.child.family == "int" && len(c.child.vals) > 0 {
			var lo, hi int64
			ok := false
			if c.parent.ts.full {
				lo, hi, ok = c.parent.min, c.parent.max, len(c.parent.vals) > 0
			} else if r, hit := ranges[c.parent]; hit {
				lo, hi, ok = r[0], r[1], r[0] <= r[1]
			}
			if ok && hi > lo {
				k := len(c.child.vals)
				f.spanP = spanProbability(k, float64(c.child.max-c.child.min)/float64(hi-lo))
				f.clustered = k <= 5 && f.parentRows >= int64(20*k) && c.child.max <= lo+int64(2*k)
				f.smallDense = k <= 31 && c.child.min >= -1 && c.child.max <= 31 && hi-lo <= 64
			}
		}
		conf, ok, ev := scoreFK(f)
		if !ok {
			continue
		}
		c.conf, c.evidence = conf, ev
		b := best[c.child]
		if b == nil {
			order = append(order, c.child)
		}
		if b == nil || c.conf > b.conf || (c.conf == b.conf && c.sim > b.sim) ||
			(c.conf == b.conf && c.sim == b.sim && c.parent.name() < b.parent.name()) {
			best[c.child] = c
		}
	}
	var out []Relationship
	linked := map[[2]string]bool{}
	parentOf := map[string]string{}
	for _, r := range s.schema.Relations() {
		if len(r.FromColumns) == 1 && len(r.ToColumns) == 1 {
			from := canonical(s.schema, r.FromTable) + "." + r.FromColumns[0]
			if t := s.schema.Table(r.FromTable); t != nil && t.PartitionOf != "" {
				from = t.PartitionOf + "." + r.FromColumns[0]
			}
			to := canonical(s.schema, r.ToTable) + "." + r.ToColumns[0]
			linked[[2]string{from, to}] = true
			parentOf[from] = to
		}
	}
	for _, child := range order {
		c := best[child]
		linked[[2]string{c.child.name(), c.parent.name()}] = true
		parentOf[c.child.name()] = c.parent.name()
		r := Relationship{
			From: Endpoint{Table: c.child.table().QualifiedName(), Columns: []string{c.child.col.Name}},
			To:   Endpoint{Table: c.parent.table().QualifiedName(), Columns: []string{c.parent.col.Name}},
			Kind: "fk", Confidence: c.conf, Level: levelOf(c.conf), Evidence: c.evidence,
			Coverage: round2(c.l.coverage),
		}
		out = append(out, r)
	}
	for _, v := range vcands {
		an, bn := v.a.name(), v.b.name()
		if linked[[2]string{an, bn}] || linked[[2]string{bn, an}] {
			continue
		}
		if pa, pb := parentOf[an], parentOf[bn]; pa != "" && pa == pb {
			continue
		}
		ab, ba := v.ab.coverage, v.ba.coverage
		exactAB, exactBA := v.ab.how != "estimate", v.ba.how != "estimate"
		// One exact direction gives the other through the distinct counts.
		dA, dB := distinctEstimate(v.a), distinctEstimate(v.b)
		if exactAB && !exactBA && dA > 0 && dB > 0 {
			ba = min(1, ab*dA/dB)
		} else if exactBA && !exactAB && dA > 0 && dB > 0 {
			ab = min(1, ba*dB/dA)
		}
		common := max(v.ab.found, v.ba.found)
		conf, ok := scoreValue(valueFacts{sameCategory: v.sameCat, sameName: v.sameName, common: common, ab: ab, ba: ba})
		if !ok {
			continue
		}
		from, to, fwd, back, fl, bl := v.a, v.b, ab, ba, v.ab, v.ba
		if ba > ab || (ba == ab && v.a.unique && !v.b.unique) {
			from, to, fwd, back, fl, bl = v.b, v.a, ba, ab, v.ba, v.ab
		}
		// Every value of one side found in the other's unique key: that is
		// a foreign key the names did not reveal.
		if to.unique && fl.how != "estimate" && fl.how != "untested" && fwd >= 0.99 && !from.unique {
			out = append(out, Relationship{
				From: Endpoint{Table: from.table().QualifiedName(), Columns: []string{from.col.Name}},
				To:   Endpoint{Table: to.table().QualifiedName(), Columns: []string{to.col.Name}},
				Kind: "fk", Confidence: conf, Level: levelOf(conf),
				Evidence: []string{describeShare(from, to, fwd, fl), "parent column is a declared unique key", sharedWhy(v)},
				Coverage: round2(fwd),
			})
			continue
		}
		ev := []string{describeShare(from, to, fwd, fl), describeShare(to, from, back, bl)}
		ev = append(ev, sharedWhy(v))
		out = append(out, Relationship{
			From: Endpoint{Table: from.table().QualifiedName(), Columns: []string{from.col.Name}},
			To:   Endpoint{Table: to.table().QualifiedName(), Columns: []string{to.col.Name}},
			Kind: "value", Confidence: conf, Level: levelOf(conf), Evidence: ev,
			Coverage: round2(fwd), ReverseCoverage: round2(back),
		})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Confidence != out[j].Confidence {
			return out[i].Confidence > out[j].Confidence
		}
		return relKey(out[i]) < relKey(out[j])
	})
	return out
}

// identifierName reports whether a column's name says it identifies
// something ("national_id", "vat_number", "customer_code").
func identifierName(column string) bool {
	ts := stems(column)
	if len(ts) == 0 {
		return false
	}
	if idSuffixes[ts[len(ts)-1]] {
		return true
	}
	_, ok := NameCategory(column)
	return ok
}

// namesTable reports whether a column's name refers to a table of the
// schema ("track_id" and a table "track"): such columns are references,
// not shared identifiers.
func namesTable(schema *dbtwin.Schema, column string) bool {
	ct := stems(column)
	if len(ct) > 1 && idSuffixes[ct[len(ct)-1]] {
		ct = ct[:len(ct)-1]
	}
	for _, t := range schema.Tables {
		if hasSuffixSeq(ct, tableStems(t)) {
			return true
		}
	}
	return false
}

// sharedWhy says why two columns were compared.
func sharedWhy(v *valCand) string {
	if v.sameCat != "" {
		return "both columns hold " + v.sameCat + " values"
	}
	return "same identifier name, values nearly unique on both sides"
}

// distinctEstimate is the number of distinct values a column holds, from
// its row count and the distinct ratio seen in the sample.
func distinctEstimate(k *keyCol) float64 {
	if k.ts.full {
		return float64(len(k.vals))
	}
	if k.ts.total <= 0 {
		return 0
	}
	return float64(k.ts.total) * float64(k.nonNull) / float64(max(k.ts.rows, 1)) * k.distinctRatio()
}

// describeShare says how much of src's values occur in dst, and how that
// was measured.
func describeShare(src, dst *keyCol, share float64, l *lookup) string {
	p := pct(int(share*1000+0.5), 1000)
	switch {
	case l.src == src && l.how == "probe":
		return fmt.Sprintf("%s of %s's sampled distinct values found in %s (%d/%d, looked up by key)", p, src.name(), dst.name(), l.found, len(l.values))
	case l.src == src && l.how == "sample":
		return fmt.Sprintf("%s of %s's sampled distinct values found in %s (%d/%d)", p, src.name(), dst.name(), l.found, len(l.values))
	}
	return fmt.Sprintf("about %s of %s's values occur in %s (estimated from samples)", p, src.name(), dst.name())
}

func round2(x float64) float64 { return float64(int(x*100+0.5)) / 100 }
