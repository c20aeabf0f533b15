package check

import (
	"math"
	"strconv"
	"strings"
)

// formatInt writes n with thousands separators: 4812 -> "4,812".
func formatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatFloat writes f briefly: whole numbers without decimals, others with
// up to 4 significant decimals.
func formatFloat(f float64) string {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10)
	}
	return strconv.FormatFloat(round4(f), 'f', -1, 64)
}

// formatCount writes a count that may be fractional (a scaled bound).
func formatCount(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return formatInt(int64(f))
	}
	return strconv.FormatFloat(f, 'f', 1, 64)
}

// formatFactor writes a fan-out factor: "×4.0".
func formatFactor(f float64) string { return "×" + strconv.FormatFloat(f, 'f', 1, 64) }

// formatPercent writes a fraction as a percentage: 0.873 -> "87.3%".
func formatPercent(f float64) string { return strconv.FormatFloat(f*100, 'f', 1, 64) + "%" }

// round4 rounds to 4 decimals, for stable JSON.
func round4(f float64) float64 {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0
	}
	return math.Round(f*1e4) / 1e4
}

// plural returns "1 row" / "2 rows" with separators.
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatInt(n) + " " + many
}

// ratio returns a/b, or 0 when b is 0.
func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
