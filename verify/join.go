package verify

import (
	"context"
	"math"
	"sort"
	"time"

	"github.com/RoaringBitmap/roaring/v2"
)

// colOutcome gathers what the join found in one twin column.
type colOutcome struct {
	leak, coinc, lone, fake, warn *roaring.Bitmap
	// extra counts cells of repeated values folded into counted entries
	// (their rows are not known), by outcome.
	extraLeak, extraCoinc, extraLone, extraFake, extraWarn int64
	leakFrom, coincFrom, warnFrom                          map[uint32]bool
	unchanged                                              int64
}

func (s *Scan) outcome(out map[uint32]*colOutcome, col uint32) *colOutcome {
	c := out[col]
	if c == nil {
		c = &colOutcome{leak: roaring.New(), coinc: roaring.New(), lone: roaring.New(), fake: roaring.New(), warn: roaring.New(),
			leakFrom: map[uint32]bool{}, coincFrom: map[uint32]bool{}, warnFrom: map[uint32]bool{}}
		out[col] = c
	}
	return c
}

// Finish joins the digests of the original values with the digests of the
// twin's cells and returns the report. Every observer must be Done.
func (s *Scan) Finish(ctx context.Context) (*Report, error) {
	if err := s.Err(); err != nil {
		return nil, err
	}
	rep := &Report{Source: s.opt.Source, Target: s.opt.Target}
	// 1. Columns whose values never went past LowCardinality distinct
	// values are exempt; the others' pending digests join the runs.
	low := map[uint32]bool{}
	var flush []entry
	for _, sk := range s.sinks {
		isLow, pending := sk.card.finish()
		if isLow {
			s.exempt.add(ExemptLowCardinality, sk.origin, sk.card.values.Load())
			low[sk.origin] = true
			if sk.hasLone {
				low[sk.lone] = true
			}
			continue
		}
		for _, d := range pending {
			flush = append(flush, entry{d: d.d, a: d.o, b: d.b})
		}
	}
	sortRun(flush)
	if err := s.runs.add(flush); err != nil {
		return nil, err
	}
	// 2. One pass over the originals: a Bloom filter of their digests, their
	// number, and the number of distinct dense values per bucket.
	m, err := s.runs.merge()
	if err != nil {
		return nil, err
	}
	bf := newBloom(s.runs.entries, max(s.opt.MemoryBudget/4, 1<<16))
	origHist := map[uint32]int64{}
	var distinct int64
	last, first := uint64(0), true
	for {
		e, ok := m.peek()
		if !ok {
			break
		}
		m.pop()
		if first || e.d != last {
			distinct++
			bf.add(e.d)
			if e.b != 0 {
				origHist[e.b]++
			}
			last, first = e.d, false
		}
	}
	m.close()
	if m.err != nil {
		return nil, m.err
	}
	rep.Digests = int(distinct)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// 3. The twin cells that may hold an original pass the filter; they are
	// sorted (spilled beyond the budget) for the join.
	cand := newRunStore("candidate cells", true, s.opt.MemoryBudget/3, s.tmp)
	buf := make([]entry, 0, chunkEntries)
	var n int64
	err = s.probes.each(func(e entry) error {
		n++
		if n%(1<<20) == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if !bf.has(e.d) {
			return nil
		}
		buf = append(buf, e)
		if len(buf) == cap(buf) {
			sortRun(buf)
			if err := cand.add(buf); err != nil {
				return err
			}
			buf = make([]entry, 0, chunkEntries)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sortRun(buf)
	if err := cand.add(buf); err != nil {
		return nil, err
	}
	bf = nil
	// 4. Merge-join.
	out := map[uint32]*colOutcome{}
	src, err := s.runs.merge()
	if err != nil {
		return nil, err
	}
	defer src.close()
	cm, err := cand.merge()
	if err != nil {
		return nil, err
	}
	defer cm.close()
	var group []uint32
	for {
		c, ok := cm.peek()
		if !ok {
			break
		}
		// Advance the originals to c's digest.
		for {
			e, ok := src.peek()
			if !ok || e.d >= c.d {
				break
			}
			src.pop()
		}
		e, ok := src.peek()
		if !ok {
			break
		}
		if e.d != c.d {
			cm.pop()
			continue
		}
		d := e.d
		group = group[:0]
		for {
			e, ok := src.peek()
			if !ok || e.d != d {
				break
			}
			if !low[e.a] && !containsU32(group, e.a) {
				group = append(group, e.a)
			}
			src.pop()
		}
		for {
			c, ok := cm.peek()
			if !ok || c.d != d {
				break
			}
			if len(group) > 0 {
				s.decide(out, c, group)
			}
			cm.pop()
		}
	}
	if src.err != nil {
		return nil, src.err
	}
	if cm.err != nil {
		return nil, cm.err
	}
	// 5. Cells equal to their own row's original (checked inline).
	for k, bm := range s.same {
		if low[k[1]] {
			continue
		}
		oc := s.outcome(out, k[0])
		oc.unchanged += int64(bm.GetCardinality())
		oc.leak.Or(bm)
		oc.leakFrom[k[1]] = true
	}
	s.report(rep, out, origHist, cand)
	return rep, nil
}

func containsU32(list []uint32, x uint32) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// decide classifies one twin cell's match with the origins of a digest.
func (s *Scan) decide(out map[uint32]*colOutcome, c entry, group []uint32) {
	col := c.a >> probeFlagBits
	flags := c.a & (1<<probeFlagBits - 1)
	tc := s.cols[col]
	oc := s.outcome(out, col)
	if flags&probeCounted != 0 {
		s.decideCounted(oc, tc, flags&^probeCounted, int64(c.b), group)
		return
	}
	if flags == probePair {
		oc.leak.Add(c.b)
		oc.unchanged++
		markAll(oc.leakFrom, group)
		return
	}
	if flags&probeDictOnly != 0 {
		oc.fake.Add(c.b)
		return
	}
	switch s.judge(tc, flags, group) {
	case verdictLone:
		oc.lone.Add(c.b)
	case verdictWarn:
		oc.warn.Add(c.b)
		markAll(oc.warnFrom, group)
	case verdictCoincidence:
		oc.coinc.Add(c.b)
		markAll(oc.coincFrom, group)
	default:
		oc.leak.Add(c.b)
		markAll(oc.leakFrom, group)
	}
}

// decideCounted classifies n repeated occurrences of one matched digest
// (as decide does for one cell).
func (s *Scan) decideCounted(oc *colOutcome, tc *twinCol, flags uint32, n int64, group []uint32) {
	if flags&probeDictOnly != 0 {
		oc.extraFake += n
		return
	}
	switch s.judge(tc, flags, group) {
	case verdictLone:
		oc.extraLone += n
	case verdictWarn:
		oc.extraWarn += n
		markAll(oc.warnFrom, group)
	case verdictCoincidence:
		oc.extraCoinc += n
		markAll(oc.coincFrom, group)
	default:
		oc.extraLeak += n
		markAll(oc.leakFrom, group)
	}
}

// verdict is what one match of a twin cell with original values is.
type verdict int

const (
	verdictLeak verdict = iota
	// verdictLone: a lone name (city, postcode) outside its own column.
	verdictLone
	// verdictWarn: copied as it is on purpose (see judge).
	verdictWarn
	// verdictCoincidence: a masked dense value equal to another original.
	verdictCoincidence
)

// judge classifies a match of a twin column's cell (flags from its probe)
// with the origins of a digest; decide and decideCounted both use it, for
// one cell and for folded repeats.
func (s *Scan) judge(tc *twinCol, flags uint32, group []uint32) verdict {
	// A lone name counts only in its own column.
	counts, dense, names := false, true, true
	for _, o := range group {
		or := s.origins.origins[o]
		if !or.local || or.String() == tc.where {
			counts = true
		}
		if !or.dense {
			dense = false
		}
		if !loneCategories[or.Category] {
			names = false
		}
	}
	switch {
	case !counts:
		return verdictLone
	case tc.warned || (tc.kept && names):
		// Copied as they are on purpose: a column strict: false leaves
		// unmasked, or person names in a column declared not personal
		// (artists, authors: names are shared by many people). Warned,
		// not failed; identifiers (e-mails, phones, IDs) in a kept column
		// are leaks.
		return verdictWarn
	case tc.dense && (flags&probeDigits != 0 || (flags&probeWhole != 0 && dense)):
		// A masked dense column's numbers (whole, or written inside the
		// value) equal to some original: counted against chance.
		return verdictCoincidence
	}
	return verdictLeak
}

func markAll(set map[uint32]bool, group []uint32) {
	for _, o := range group {
		set[o] = true
	}
}

// chanceLimit is the most coincidences a column may show before the scan
// calls them a leak: twice the expected number, plus six standard
// deviations of a Poisson count, plus 10 (the rule stated in the README).
func chanceLimit(expected float64) int64 {
	return int64(math.Ceil(2*expected + 6*math.Sqrt(expected) + 10))
}

// report fills the report from the join's outcome.
func (s *Scan) report(rep *Report, out map[uint32]*colOutcome, origHist map[uint32]int64, cand *runStore) {
	names := func(set map[uint32]bool) (srcs, cats []string) {
		a, b := map[string]bool{}, map[string]bool{}
		for o := range set {
			or := s.origins.origins[o]
			a[or.String()] = true
			b[or.Category] = true
		}
		return sortedKeys(a), sortedKeys(b)
	}
	// Expected coincidences of every dense column that holds digit values.
	expected := map[uint32]float64{}
	values := map[uint32]int64{}
	for col, h := range s.hist {
		var e float64
		for b, n := range h {
			values[col] += n
			if k := origHist[b]; k > 0 {
				e += float64(n) * float64(k) / bucketSpace(b)
			}
		}
		expected[col] = e
	}
	cols := make([]uint32, 0, len(out)+len(expected))
	seen := map[uint32]bool{}
	for c := range out {
		cols, seen[c] = append(cols, c), true
	}
	for c := range expected {
		if !seen[c] {
			cols = append(cols, c)
		}
	}
	sort.Slice(cols, func(i, j int) bool { return s.cols[cols[i]].where < s.cols[cols[j]].where })
	lone, fake := int64(0), int64(0)
	loneWhere, fakeWhere := map[string]bool{}, map[string]bool{}
	for _, col := range cols {
		tc := s.cols[col]
		oc := out[col]
		if oc == nil {
			oc = s.outcome(map[uint32]*colOutcome{}, col)
		}
		oc.coinc.AndNot(oc.leak)
		observed := int64(oc.coinc.GetCardinality()) + oc.extraCoinc
		if tc.dense && (values[col] > 0 || observed > 0) {
			ex := expected[col]
			co := Coincidence{Table: tc.table, Column: tc.column, Values: values[col], Observed: observed,
				Expected: ex, Limit: chanceLimit(ex)}
			co.Sources, _ = names(oc.coincFrom)
			if observed > co.Limit {
				co.AboveChance = true
				oc.leak.Or(oc.coinc)
				oc.extraLeak += oc.extraCoinc
				for o := range oc.coincFrom {
					oc.leakFrom[o] = true
				}
			}
			rep.Coincidences = append(rep.Coincidences, co)
		}
		if n := int64(oc.leak.GetCardinality()) + oc.extraLeak; n > 0 {
			l := Leak{Table: tc.table, Column: tc.column, Cells: n, Unchanged: oc.unchanged}
			l.Sources, l.Categories = names(oc.leakFrom)
			for _, co := range rep.Coincidences {
				if co.Table == tc.table && co.Column == tc.column && co.AboveChance {
					l.AboveChance = true
				}
			}
			rep.Findings = append(rep.Findings, l)
		}
		oc.warn.AndNot(oc.leak)
		if n := int64(oc.warn.GetCardinality()) + oc.extraWarn; n > 0 {
			l := Leak{Table: tc.table, Column: tc.column, Cells: n, Kept: tc.kept && !tc.warned}
			l.Sources, l.Categories = names(oc.warnFrom)
			rep.Warnings = append(rep.Warnings, l)
		}
		oc.lone.AndNot(oc.leak)
		oc.lone.AndNot(oc.coinc)
		oc.lone.AndNot(oc.warn)
		if n := int64(oc.lone.GetCardinality()) + oc.extraLone; n > 0 {
			lone += n
			loneWhere[tc.where] = true
		}
		oc.fake.AndNot(oc.leak)
		oc.fake.AndNot(oc.coinc)
		oc.fake.AndNot(oc.warn)
		oc.fake.AndNot(oc.lone)
		if n := int64(oc.fake.GetCardinality()) + oc.extraFake; n > 0 {
			fake += n
			fakeWhere[tc.where] = true
		}
	}
	for w := range loneWhere {
		s.exempt.addWhere(ExemptLoneName, w, 0)
	}
	for w := range fakeWhere {
		s.exempt.addWhere(ExemptFakeCollision, w, 0)
	}
	if lone > 0 {
		s.exempt[ExemptLoneName].values += lone
	}
	if fake > 0 {
		s.exempt[ExemptFakeCollision].values += fake
	}
	rep.Exemptions = s.exemptions(s.exempt)
	srcCols := map[string]bool{}
	for _, o := range s.origins.origins {
		if !o.local {
			srcCols[o.String()] = true
		}
	}
	rep.SourceColumns = sortedKeys(srcCols)
	for k := range s.unmasked {
		rep.Unmasked = append(rep.Unmasked, k.table+"."+k.column)
	}
	sort.Strings(rep.Unmasked)
	rep.Reachable = reachable(s.twin, s.twinRule)
	tables := map[string]bool{}
	for _, c := range s.cols {
		tables[c.table] = true
	}
	rep.Tables = len(s.tables)
	rep.SourceRows, rep.SourceValues = s.stats.srcRows, s.stats.srcValues
	rep.RowsScanned, rep.CellsScanned = s.stats.twinRows, s.stats.twinCells
	rep.TwinDigests = s.stats.probes
	rep.FilterPassed = cand.entries
	rep.SpilledBytes = s.runs.spilled + s.probes.spilled + cand.spilled
	rep.Duration = time.Since(s.start)
}

// exemptions turns the tallies into report entries, in rule order.
func (s *Scan) exemptions(t tallies) []Exemption {
	var out []Exemption
	for _, rule := range exemptionOrder {
		x := t[rule]
		if x == nil || x.values == 0 {
			continue
		}
		cols := map[string]bool{}
		for o := range x.origins {
			cols[s.origins.origins[o].String()] = true
		}
		for w := range x.where {
			cols[w] = true
		}
		out = append(out, Exemption{Rule: rule, Reason: exemptionText[rule], Values: x.values, Columns: sortedKeys(cols)})
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
