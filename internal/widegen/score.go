package widegen

import (
	"sort"
	"strings"

	"github.com/dbtwin/dbtwin/scan"
)

// Score compares a scan with the truth.
type Score struct {
	// True links with data, found among the active (high-confidence)
	// undeclared links; false active links on tables with data.
	TruePositives, FalsePositives, Missed int
	// ActiveOnEmpty counts active links from empty tables (must be 0:
	// name-only guesses are commented out).
	ActiveOnEmpty int
	// FKAsFK counts true key references written as kind: fk, of FKFound.
	FKAsFK, FKFound int
	// AnyLevel counts true links with data found at any reported level.
	AnyLevel int
	// PII: labelled columns found (high or medium), missed.
	PIIFound, PIIMissed int
	// Details lists false positives and misses, for a reader.
	FalseLinks, MissedLinks, MissedPII []string
}

// Recall is the share of data-backed true links found active.
func (s Score) Recall() float64 {
	if s.TruePositives+s.Missed == 0 {
		return 1
	}
	return float64(s.TruePositives) / float64(s.TruePositives+s.Missed)
}

// Precision is the share of active links on tables with data that are true.
func (s Score) Precision() float64 {
	if s.TruePositives+s.FalsePositives == 0 {
		return 1
	}
	return float64(s.TruePositives) / float64(s.TruePositives+s.FalsePositives)
}

func bare(table string) string {
	if i := strings.LastIndexByte(table, '.'); i >= 0 {
		return table[i+1:]
	}
	return table
}

// Evaluate scores a scan of a generated schema against its truth.
func Evaluate(res *scan.Result, t Truth) Score {
	var s Score
	truth := map[string]Link{}
	for _, l := range t.Links {
		truth[l.String()] = l
	}
	empty := map[string]bool{}
	for _, ts := range res.Tables {
		if ts.Rows == 0 {
			empty[bare(ts.Table)] = true
		}
	}
	key := func(ft string, fc []string, tt string, tc []string) string {
		return bare(ft) + "(" + strings.Join(fc, ",") + ")->" + bare(tt) + "(" + strings.Join(tc, ",") + ")"
	}
	found, any := map[string]bool{}, map[string]bool{}
	for _, r := range res.Relationships {
		if r.Declared {
			continue
		}
		k := key(r.From.Table, r.From.Columns, r.To.Table, r.To.Columns)
		if _, ok := truth[k]; !ok && r.Kind == "value" {
			if rev := key(r.To.Table, r.To.Columns, r.From.Table, r.From.Columns); truth[rev].Kind != "" {
				k = rev
			}
		}
		l, isTrue := truth[k]
		if isTrue && l.Data {
			any[k] = true
		}
		if r.Level != scan.LevelHigh {
			continue
		}
		switch {
		case empty[bare(r.From.Table)]:
			s.ActiveOnEmpty++
		case isTrue:
			found[k] = true
			if l.Kind == "fk" {
				s.FKFound++
				if r.Kind == "fk" {
					s.FKAsFK++
				}
			}
		default:
			s.FalsePositives++
			s.FalseLinks = append(s.FalseLinks, k+" ["+strings.Join(r.Evidence, "; ")+"]")
		}
	}
	for k, l := range truth {
		if !l.Data {
			continue
		}
		if found[k] {
			s.TruePositives++
		} else {
			s.Missed++
			s.MissedLinks = append(s.MissedLinks, k)
		}
	}
	s.AnyLevel = len(any)
	flagged := map[string]bool{}
	for _, p := range res.PII {
		if p.Level != scan.LevelLow {
			flagged[bare(p.Table)+"."+p.Column] = true
		}
	}
	for k := range t.PII {
		if flagged[k] {
			s.PIIFound++
		} else {
			s.PIIMissed++
			s.MissedPII = append(s.MissedPII, k)
		}
	}
	sort.Strings(s.FalseLinks)
	sort.Strings(s.MissedLinks)
	sort.Strings(s.MissedPII)
	return s
}
