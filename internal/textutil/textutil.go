// Package textutil holds the small text helpers several packages share:
// "did you mean" matching for error messages and number formatting.
package textutil

import (
	"fmt"
	"strings"
)

// EditDistance is the optimal-string-alignment (Damerau) distance of a and
// b: insertions, deletions, substitutions and swaps of neighbours cost 1.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// Closest returns the candidate most likely meant by s (a typo, a different
// case, a prefix), or "" when none is close enough. Candidates may be
// qualified ("public.users"): s also matches their last part.
func Closest(s string, candidates []string) string {
	best, bestD := "", -1
	ls := strings.ToLower(s)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := EditDistance(ls, lc)
		short := lc
		if i := strings.LastIndexByte(lc, '.'); i >= 0 && !strings.Contains(ls, ".") {
			short = lc[i+1:]
			d = min(d, EditDistance(ls, short))
		}
		if short == ls || len(ls) >= 3 && (strings.HasPrefix(short, ls) || strings.HasPrefix(ls, short) && len(short) >= 3) {
			d = min(d, 1)
		}
		limit := max(1, min(len(ls), len(short))/3)
		if d <= limit && (bestD < 0 || d < bestD) {
			best, bestD = c, d
		}
	}
	return best
}

// Thousands formats n with comma thousands separators (1,234,567).
func Thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}
