package mask

import "math"

// OutputValues returns how many distinct values a transformer with these
// parameters can write at most, when that number is small enough to matter
// (a dictionary style), and 0 when its outputs are not bounded by a list
// (format-preserving styles, dates, digits: as many outputs as inputs).
// init uses it to keep a column's shape: a column with more distinct values
// than its rule can write would collapse in the twin.
func OutputValues(transformer string, params map[string]any) int {
	style, _ := params["style"].(string)
	switch transformer {
	case "first_name":
		if style != "fpe" {
			return len(firstDict.words)
		}
	case "last_name":
		if style != "fpe" {
			return len(lastDict.words)
		}
	case "city":
		return len(cityDict.words)
	}
	return 0
}

// SampleDistinctExpected is the number of distinct values expected among n
// values drawn at random from d equally likely ones: d·(1−(1−1/d)^n). A
// sample with clearly more distinct values than this comes from a column
// with more than d distinct values.
func SampleDistinctExpected(d, n int) float64 {
	if d <= 0 || n <= 0 {
		return 0
	}
	return float64(d) * (1 - math.Pow(1-1/float64(d), float64(n)))
}
