package scan

import (
	"fmt"
	"math"
)

// fkFacts is what is known about a candidate foreign key.
type fkFacts struct {
	sim    float64 // name similarity 0..1
	simWhy string
	// tested distinct child values, found in the parent; how they were tested.
	tested, found int
	coverage      float64
	how           string
	childNonNull  int
	parentUnique  bool  // declared unique (else: distinct in the sample only)
	parentRows    int64 // rows of the parent table (-1 unknown)
	pure          bool  // no name evidence: data only
	// spanP is the probability that uniform references would cover as
	// little of the parent's key range as the child's values do (1 if n/a).
	spanP float64
	// clustered: the few child values all sit at the start of the
	// parent's range (status codes 1, 2, 3 in an ID column).
	clustered bool
	// smallDense: the child's values are a small dense domain (positions,
	// months, counts, small enums) and so is the parent's key range: any
	// small lookup table would "cover" them.
	smallDense bool
}

// minCoverage is the share of child values that must exist in the parent.
func minCoverage(f fkFacts) float64 {
	switch {
	case f.pure:
		return 0.99
	case f.how == "estimate":
		return 0.75
	case f.sim >= 0.9:
		return 0.85
	}
	return 0.9
}

// scoreFK judges a candidate foreign key: whether it holds and how sure.
// Confidence weighs name similarity, coverage, parent uniqueness and how
// many distinct values back it.
func scoreFK(f fkFacts) (conf float64, ok bool, evidence []string) {
	if f.how == "untested" {
		return 0, false, nil
	}
	if f.childNonNull == 0 {
		if f.sim >= 0.9 && f.parentUnique {
			return 0.55, true, []string{f.simWhy, "no values to test (column empty): name only"}
		}
		return 0, false, nil
	}
	if f.tested == 0 || f.coverage < minCoverage(f) {
		return 0, false, nil
	}
	if f.clustered && f.sim < 0.9 {
		return 0, false, nil
	}
	if f.smallDense && f.pure {
		// Without a name saying so, months, positions and small enums
		// "fit" every small lookup table.
		return 0, false, nil
	}
	if f.pure && (f.tested < 10 || f.spanP < 0.01) {
		return 0, false, nil
	}
	covScore := math.Max(0, math.Min(1, (f.coverage-0.8)/0.2))
	kScore := math.Min(1, math.Log(1+float64(f.tested))/math.Log(31))
	uniq := 0.5
	if f.parentUnique {
		uniq = 1
	}
	conf = 0.3*f.sim + 0.45*covScore + 0.1*uniq + 0.15*kScore
	if f.pure {
		// Data alone: strong when many values, spread over the key range.
		conf = 0.4 + 0.15*kScore + 0.1*math.Min(1, f.spanP*10)
	}
	if f.how == "estimate" {
		conf *= 0.85
	}
	conf = math.Min(0.99, math.Round(conf*100)/100)
	if f.simWhy != "" {
		evidence = append(evidence, f.simWhy)
	} else {
		evidence = append(evidence, "no name evidence: found from the data alone")
	}
	switch f.how {
	case "estimate":
		evidence = append(evidence, fmt.Sprintf("about %s of %d sampled distinct values found in the parent's sample (estimated; parent not indexed)",
			pct(int(math.Round(f.coverage*1000)), 1000), f.tested))
	default:
		evidence = append(evidence, fmt.Sprintf("%d/%d sampled distinct values found in the parent (%s)", f.found, f.tested, pct(f.found, f.tested)))
	}
	if f.parentUnique {
		evidence = append(evidence, "parent column is a declared unique key")
	} else {
		evidence = append(evidence, "parent column is unique in its sample (no declared key)")
	}
	if f.pure {
		evidence = append(evidence, "values spread over the parent's key range")
	}
	return conf, true, evidence
}

// spanProbability is P(span <= s) for k uniform draws on a range, where s is
// the child's span as a fraction of the parent's range: k s^(k-1) - (k-1) s^k.
func spanProbability(k int, s float64) float64 {
	if k < 2 || s >= 1 {
		return 1
	}
	if s <= 0 {
		return 0
	}
	fk := float64(k)
	return math.Max(0, fk*math.Pow(s, fk-1)-(fk-1)*math.Pow(s, fk))
}

// valueFacts is what is known about two columns sharing values.
type valueFacts struct {
	sameCategory string // both hold this personal-data category ("" if not)
	sameName     bool
	common       int     // distinct values seen on both sides
	ab, ba       float64 // share of A's values in B, of B's in A
	abHow, baHow string
	aTested      int
	bTested      int
}

// scoreValue judges a value link (two non-key columns sharing values).
func scoreValue(f valueFacts) (conf float64, ok bool) {
	top := math.Max(f.ab, f.ba)
	if f.common < 3 || top < 0.05 {
		return 0, false
	}
	base := 0.3
	switch {
	case f.sameCategory != "":
		base = 0.5
	case f.sameName:
		base = 0.35
	}
	conf = base + 0.3*math.Min(1, float64(f.common)/20) + 0.2*math.Min(1, top/0.2)
	return math.Min(0.99, math.Round(conf*100)/100), true
}
