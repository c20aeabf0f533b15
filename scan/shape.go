package scan

import (
	"fmt"
	"strings"

	"github.com/dbtwin/dbtwin/mask"
)

// minShapeSample is the fewest sampled values that say anything about a
// column's distinct count.
const minShapeSample = 30

// keepShape chooses, for a finding whose suggested transformer writes from a
// dictionary, a style that keeps the column's distinct count: when the
// sample shows clearly more distinct values than the dictionary could give
// (more than 10% above the count expected from drawing the sample out of the
// dictionary), the format-preserving style (one output per input, same
// length and character classes). A transformer without such a style is
// flagged in the evidence; the clone's fidelity report measures the rest.
func keepShape(p *PII, values []string) {
	d := mask.OutputValues(p.Suggest, nil)
	if d == 0 || len(values) < minShapeSample {
		return
	}
	seen := make(map[string]struct{}, len(values))
	for _, v := range values {
		seen[strings.ToLower(strings.TrimSpace(v))] = struct{}{}
	}
	distinct := len(seen)
	expected := mask.SampleDistinctExpected(d, len(values))
	if float64(distinct) <= expected*1.1+3 {
		return
	}
	if mask.OutputValues(p.Suggest, map[string]any{"style": "fpe"}) == 0 {
		p.Style = "fpe"
		p.Evidence = append(p.Evidence, fmt.Sprintf("%d of %d sampled values distinct: more than the %d values of style fake (about %.0f expected); style fpe keeps the distinct count",
			distinct, len(values), d, expected))
		return
	}
	p.Evidence = append(p.Evidence, fmt.Sprintf("%d of %d sampled values distinct: %s writes at most %d values, so the twin will have fewer distinct values (see the clone's fidelity report)",
		distinct, len(values), p.Suggest, d))
}
